package org.ferretdboperator.controlplane;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.TestNamespaces;

/** Waiting for the in-process operator and the controller-manager to bring a namespace to an expected state. */
final class OperatorAwait {

    /** Generous for a cold JVM on two shared cores; a passing run needs seconds. */
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    private OperatorAwait() {
    }

    /**
     * Polls until the assertions hold. Fails at once, with the API server's message, when the operator is refused a
     * request; on timeout the failure shows the StatefulSets and warning events (e.g. a pod spec Pod Security refuses).
     */
    static void until(String namespace, Runnable assertions) {
        ForbiddenRequests refusals = ForbiddenRequests.collect();
        try {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .failFast("the API server refused a request of the operator (missing RBAC rule?)", refusals::any)
                    .untilAsserted(assertions::run);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "\nrequests of the operator refused by the API server: "
                    + refusals.messages() + "\n" + TestNamespaces.describe(LocalControlPlane.shared().admin(), namespace), e);
        }
    }
}
