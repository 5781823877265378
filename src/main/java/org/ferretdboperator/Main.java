package org.ferretdboperator;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.ferretdboperator.coordinator.CoordinatorConfig;
import org.ferretdboperator.coordinator.CoordinatorRuntime;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.operator.LeadershipLoss;

/**
 * One binary, two modes: {@code coordinator} (first argument, or FERRETDB_OPERATOR_MODE=coordinator) runs the
 * pg-coordinator sidecar and never the operator; anything else runs the operator ({@link OperatorModeStarter}).
 */
@QuarkusMain
public class Main {

    /** SmallRye Health switch for QOSDK's check, which is DOWN whenever the operator is not started. */
    static final String OPERATOR_HEALTH_CHECK =
            "quarkus.smallrye-health.check.\"io.quarkiverse.operatorsdk.runtime.OperatorHealthCheck\".enabled";

    public static void main(String... args) {
        if (args.length > 0 && PodContract.MODE_COORDINATOR.equals(args[0])) {
            System.setProperty(Mode.PROPERTY, PodContract.MODE_COORDINATOR);
        }
        if (Mode.coordinator()) {
            System.setProperty(OPERATOR_HEALTH_CHECK, "false");
            if (System.getenv("QUARKUS_HTTP_PORT") == null && System.getProperty("quarkus.http.port") == null) {
                System.setProperty("quarkus.http.port", Integer.toString(PodContract.COORDINATOR_METRICS_PORT));
            }
        }
        Quarkus.run(Application.class, (exitCode, failure) -> {
            if (failure != null) {
                System.err.println(failure.getMessage());
            }
            System.exit(exitCode);
        }, args);
    }

    public static class Application implements QuarkusApplication {

        @Override
        public int run(String... args) {
            if (Mode.coordinator()) {
                CoordinatorConfig config;
                try {
                    config = CoordinatorConfig.fromEnvironment(System.getenv());
                } catch (IllegalArgumentException e) {
                    System.err.println(e.getMessage());
                    return 2;
                }
                Arc.container().instance(CoordinatorRuntime.class).get().start(config);
            }
            Quarkus.waitForExit();
            return LeadershipLoss.lost() ? LeadershipLoss.EXIT_CODE : 0;
        }
    }
}
