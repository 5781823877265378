package org.ferretdboperator;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Starts the operator unless this process is a pg-coordinator. QOSDK's own start is switched off at build time
 * ({@code quarkus.operator-sdk.start-operator=false}, a build-time property), because the same binary runs as the
 * coordinator sidecar, which must never reconcile.
 */
@ApplicationScoped
public class OperatorModeStarter {

    private static final Logger LOG = Logger.getLogger(OperatorModeStarter.class);

    @Inject
    Instance<Operator> operator;

    private boolean started;

    void onStart(@Observes StartupEvent event) {
        if (Mode.coordinator()) {
            LOG.info("coordinator mode: the operator is not started");
            return;
        }
        Operator op = operator.get();
        if (op.getRegisteredControllersNumber() > 0) {
            op.start();
            started = true;
        } else {
            LOG.warn("no reconcilers registered: the operator was not started");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (started) {
            operator.get().stop();
        }
    }
}
