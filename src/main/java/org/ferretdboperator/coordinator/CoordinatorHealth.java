package org.ferretdboperator.coordinator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.ferretdboperator.Mode;

/** Coordinator readiness (its PostgreSQL serves its role) and liveness (its loop ticks); UP in operator mode. */
public final class CoordinatorHealth {

    private CoordinatorHealth() {
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        @Inject
        CoordinatorRuntime runtime;

        @Override
        public HealthCheckResponse call() {
            if (!Mode.coordinator()) {
                return HealthCheckResponse.up("pg-coordinator");
            }
            org.ferretdboperator.coordinator.decision.Readiness r = runtime.readiness();
            return HealthCheckResponse.named("pg-coordinator").status(r.ready()).withData("reason", r.reason()).build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {

        @Inject
        CoordinatorRuntime runtime;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("pg-coordinator-loop").status(!Mode.coordinator() || runtime.live()).build();
        }
    }
}
