package org.ferretdboperator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.OptionalInt;
import org.ferretdboperator.operator.LeadershipLoss;
import org.ferretdboperator.operator.OperatorLeaderElection;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.PackagedOperator;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator (as kubectl installs it, leader election on) under a real kube-apiserver that goes away under it:
 * <ul>
 * <li>an outage shorter than the renew deadline (10 s in the shipped Deployment; the API server frozen with SIGSTOP, so
 * that it neither accepts nor answers, as when the network is cut) costs nothing: the same process keeps the Lease,
 * renews it once the API server answers again, and reconciles;</li>
 * <li>the API server stopped for good (SIGKILL) makes it stop leading after the renew deadline and exit with code 1
 * promptly (its pod then restarts as a standby), within the bound LeadershipLoss enforces, and says so in its log.</li>
 * </ul>
 * JOSDK's own System.exit path (before LeadershipLoss) passes the behavioural checks here as well; only the log line
 * tells them apart, so this test guards the exit and its bound rather than proving the deadlock issue #15 reported.
 * A dedicated control plane, since freezing the shared one would stall other test classes.
 */
@RequiresControlPlane
class LeaseLossIT {

    private static final String POD = "ferretdb-operator-leaseloss-0";
    /** The shipped Deployment's FERRETDB_OPERATOR_LEADER_ELECTION_* values. */
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);
    private static final ResourceDefinitionContext VERSIONS = new ResourceDefinitionContext.Builder()
            .withGroup("catalog.kubedb.com").withVersion("v1alpha1").withPlural("ferretdbversions").withKind("FerretDBVersion")
            .withNamespaced(false).build();

    private static LocalControlPlane controlPlane;

    @BeforeAll
    static void startControlPlane() {
        controlPlane = LocalControlPlane.startDedicated("lease-loss");
    }

    @AfterAll
    static void stopControlPlane() {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void keepsLeadingThroughAShortOutageAndExitsPromptlyWhenTheLeaseIsLost() throws Exception {
        KubernetesClient admin = controlPlane.admin();
        Path work = controlPlane.projectDir().resolve("target").resolve("lease-loss-operator"); // kept after the run
        try (PackagedOperator operator = PackagedOperator.startShipped(controlPlane, POD, work)) {
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
                assertThat(operator.alive()).as(operator.logTail()).isTrue();
                assertThat(holder(admin)).isEqualTo(POD);
                assertThat(operator.ready()).isTrue();
            });
            assertReconciles(admin, "0.0.1-leaseloss-before");

            // 1. An outage of two retry periods, well inside the renew deadline.
            Instant renewedBefore = renewTime(admin);
            controlPlane.signalApiServer("STOP");
            Instant frozenAt = Instant.now();
            try {
                OptionalInt exited = operator.awaitExit(RETRY_PERIOD.multipliedBy(2));
                assertThat(exited).as("exited during a short outage:\n" + operator.logTail()).isEmpty();
            } finally {
                controlPlane.signalApiServer("CONT");
            }
            assertThat(Duration.between(frozenAt, Instant.now())).isLessThan(RENEW_DEADLINE);
            await().atMost(RENEW_DEADLINE).untilAsserted(() -> assertThat(renewTime(admin)).isAfter(renewedBefore));
            assertThat(holder(admin)).isEqualTo(POD);
            // Past the point where a replica that gave up at the outage would have exited, it still runs and serves.
            await().during(RENEW_DEADLINE).atMost(RENEW_DEADLINE.plusSeconds(5)).until(operator::alive);
            assertThat(operator.ready()).isTrue();
            assertReconciles(admin, "0.0.1-leaseloss-after");
            assertThat(operator.log()).doesNotContain("lost leadership");

            // 2. The API server stops for good (killed: connections refused), longer than the renew deadline: the replica
            //    must stop leading and exit while it is still down.
            controlPlane.signalApiServer("KILL");
            Instant lostFrom = Instant.now();
            // renew deadline + Quarkus's shutdown; LeadershipLoss halts 15 s after it stopped leading at the latest
            OptionalInt exit = operator.awaitExit(RENEW_DEADLINE.plusSeconds(30));
            Instant exitedAt = Instant.now();
            assertThat(exit).as("the deposed leader did not exit:\n" + operator.logTail()).isPresent();
            assertThat(exit.getAsInt()).as(operator.logTail()).isEqualTo(LeadershipLoss.EXIT_CODE);
            assertThat(Duration.between(lostFrom, exitedAt)).isGreaterThanOrEqualTo(RENEW_DEADLINE.minusSeconds(1));
            // Promptly: from the moment it stopped leading to the end of the process, within the bound LeadershipLoss
            // enforces (Quarkus's orderly shutdown, or the halt after it).
            Instant lostAt = loggedAt(operator.log(), "lost leadership");
            Duration shutdown = Duration.between(lostAt, exitedAt);
            LocalControlPlane.log("lease lost %d ms after the API server was killed; exited %d ms later",
                    Duration.between(lostFrom, lostAt).toMillis(), shutdown.toMillis());
            assertThat(shutdown).as(operator.logTail()).isLessThan(LeadershipLoss.HALT_AFTER.plusSeconds(3));
        }
    }

    /** The time of the first log line containing {@code text} (the operator logs local time, "yyyy-MM-dd HH:mm:ss,SSS"). */
    private static Instant loggedAt(String log, String text) {
        String line = log.lines().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with \"" + text + "\""));
        return java.time.LocalDateTime.parse(line.substring(0, 23).replace(' ', 'T').replace(',', '.'))
                .atZone(java.time.ZoneId.systemDefault()).toInstant();
    }

    /** The operator reconciles: a new catalog entry gets its status. */
    private static void assertReconciles(KubernetesClient admin, String name) {
        GenericKubernetesResource version = new GenericKubernetesResource();
        version.setApiVersion("catalog.kubedb.com/v1alpha1");
        version.setKind("FerretDBVersion");
        version.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        version.setAdditionalProperties(Map.of("spec", Map.of("version", "0.0.1",
                "db", Map.of("image", "ghcr.io/ferretdb/ferretdb:0.0.1"),
                "postgres", Map.of("version", "17", "image", "postgres:17"))));
        admin.genericKubernetesResources(VERSIONS).resource(version).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            GenericKubernetesResource got = admin.genericKubernetesResources(VERSIONS).withName(name).get();
            Object status = got.getAdditionalProperties().get("status");
            assertThat(status).as(name + " status").isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) status).get("phase")).isNotNull();
        });
    }

    private static String holder(KubernetesClient admin) {
        Lease lease = lease(admin);
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static Instant renewTime(KubernetesClient admin) {
        Lease lease = lease(admin);
        ZonedDateTime t = lease == null ? null : lease.getSpec().getRenewTime();
        return t == null ? Instant.EPOCH : t.toInstant();
    }

    private static Lease lease(KubernetesClient admin) {
        return admin.leases().inNamespace("ferretdb-operator-system").withName(OperatorLeaderElection.LEASE_NAME).get();
    }
}
