package org.ferretdboperator.coordinator.lease;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.ferretdboperator.coordinator.decision.ApiOutageFailsafe.RenewFailures;

/** Whether a failed Lease write was answered by the API server (it refused) or went unanswered (an outage). */
public final class RenewFailure {

    private RenewFailure() {
    }

    /**
     * {@link RenewFailures#UNANSWERED} for no HTTP answer (refused, reset or timed-out connection) and for 5xx or 429
     * (the server could not process the write, as when etcd is down); {@link RenewFailures#REFUSED} for a lost
     * compare-and-swap, any other HTTP status, and anything not known to be an outage.
     */
    public static RenewFailures of(Throwable failure) {
        if (failure instanceof LeaseConflictException) {
            return RenewFailures.REFUSED;
        }
        boolean io = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                return k.getCode() >= 500 || k.getCode() == 429 ? RenewFailures.UNANSWERED : RenewFailures.REFUSED;
            }
            // fabric8 reports a request that got no HTTP status (connection, timeout) with code 0
            io |= t instanceof IOException || t instanceof TimeoutException || t instanceof KubernetesClientException;
        }
        return io ? RenewFailures.UNANSWERED : RenewFailures.REFUSED;
    }
}
