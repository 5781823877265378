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
 * The packaged operator (as kubectl installs it, leader election on) under a real kube-apiserver that is frozen under
 * it (SIGSTOP: it neither accepts nor answers, as when it stops or the network is cut):
 * <ul>
 * <li>an outage shorter than the renew deadline (10 s in the shipped Deployment) costs nothing: the same process keeps
 * the Lease, renews it once the API server answers again, and reconciles;</li>
 * <li>an outage longer than the renew deadline makes it stop leading and exit with code 1 promptly (its pod then
 * restarts as a standby), instead of hanging in a deadlock between JOSDK's System.exit and Quarkus's shutdown hook.</li>
 * </ul>
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
            controlPlane.signalApiServer(false);
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
            controlPlane.signalApiServer(true);
            Instant frozenAt = Instant.now();
            try {
                OptionalInt exited = operator.awaitExit(RETRY_PERIOD.multipliedBy(2));
                assertThat(exited).as("exited during a short outage:\n" + operator.logTail()).isEmpty();
            } finally {
                controlPlane.signalApiServer(false);
            }
            assertThat(Duration.between(frozenAt, Instant.now())).isLessThan(RENEW_DEADLINE);
            await().atMost(RENEW_DEADLINE).untilAsserted(() -> assertThat(renewTime(admin)).isAfter(renewedBefore));
            assertThat(holder(admin)).isEqualTo(POD);
            // Past the point where a replica that gave up at the outage would have exited, it still runs and serves.
            await().during(RENEW_DEADLINE).atMost(RENEW_DEADLINE.plusSeconds(5)).until(operator::alive);
            assertThat(operator.ready()).isTrue();
            assertReconciles(admin, "0.0.1-leaseloss-after");
            assertThat(operator.log()).doesNotContain("lost leadership");

            // 2. An outage longer than the renew deadline: it must stop leading and exit, with the API server still down.
            controlPlane.signalApiServer(true);
            Instant lostFrom = Instant.now();
            OptionalInt exit;
            try {
                // renew deadline + a request in flight + Quarkus's shutdown; LeadershipLoss halts after 15 s at the latest
                exit = operator.awaitExit(RENEW_DEADLINE.plusSeconds(30));
            } finally {
                controlPlane.signalApiServer(false);
            }
            assertThat(exit).as("the deposed leader did not exit:\n" + operator.logTail()).isPresent();
            assertThat(exit.getAsInt()).as(operator.logTail()).isEqualTo(LeadershipLoss.EXIT_CODE);
            assertThat(operator.log()).contains("lost leadership");
            assertThat(Duration.between(lostFrom, Instant.now())).isGreaterThanOrEqualTo(RENEW_DEADLINE.minusSeconds(1));
        }
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
