package org.ferretdboperator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.MemberCount;
import org.ferretdboperator.controlplane.OperatorUnderTest;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.ferretdboperator.testsupport.TestNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ops reconcilers on the real API server, with the operator's shipped RBAC, against a real Postgres object whose
 * pods cannot run (no kubelet here, so it never becomes Ready): every path that needs no running member. The
 * switchover itself against real coordinators is in the HA harness (scenarios planned-switchover*).
 */
@RequiresControlPlane
@QuarkusTest
@TestProfile(OperatorUnderTest.class)
class OpsRequestReconcileIT {

    private static final String NAMESPACE = "ops-reconcile";
    private static LocalControlPlane controlPlane;

    @BeforeAll
    static void namespaceWithAPostgres() {
        controlPlane = LocalControlPlane.shared();
        TestNamespaces.create(controlPlane.admin(), NAMESPACE);
        create("""
                apiVersion: kubedb.com/v1
                kind: Postgres
                metadata: {name: pg}
                spec: {version: "17.4", replicas: 3}
                """);
    }

    @AfterAll
    static void cleanUp() {
        if (controlPlane != null) {
            TestNamespaces.deleteLater(controlPlane.admin(), NAMESPACE);
        }
    }

    @Test
    void aMissingDatabaseFailsNamingTheField() {
        create(pgops("to-nowhere", "nope", "Switchover", ""));
        Condition failed = awaitCondition("postgresopsrequests", "to-nowhere", "Failed");
        assertThat(failed.getReason()).isEqualTo("DatabaseNotFound");
        assertThat(failed.getMessage()).startsWith("spec.databaseRef.name: there is no Postgres nope");
        create("""
                apiVersion: ops.kubedb.com/v1alpha1
                kind: FerretDBOpsRequest
                metadata: {name: fr-to-nowhere}
                spec: {type: Restart, databaseRef: {name: nope}}
                """);
        assertThat(awaitCondition("ferretdbopsrequests", "fr-to-nowhere", "Failed").getMessage())
                .startsWith("spec.databaseRef.name: there is no FerretDB nope");
    }

    @Test
    void aTypeNotCarriedOutYetFailsSayingSoAndNeverSucceeds() {
        create(pgops("resize", "pg", "VerticalScaling", "verticalScaling: {postgres: {resources: {requests: {cpu: 1}}}}"));
        Condition failed = awaitCondition("postgresopsrequests", "resize", "Failed");
        assertThat(failed.getReason()).isEqualTo("NotSupported");
        assertThat(failed.getMessage()).isEqualTo("spec.type: VerticalScaling is not supported yet by this operator "
                + "(supported: Switchover, Restart, HorizontalScaling, ForceFailOver); nothing was changed");
        assertThat(phase("postgresopsrequests", "resize")).isEqualTo("Failed");
    }

    @Test
    void aHorizontalScalingThatCannotBeHonouredFailsNamingTheFieldAndChangesNothing() {
        create(pgops("to-one", "pg", "HorizontalScaling", "apply: Always\n  horizontalScaling: {replicas: 1}"));
        Condition failed = awaitCondition("postgresopsrequests", "to-one", "Failed");
        assertThat(failed.getReason()).isEqualTo("InvalidSpec");
        assertThat(failed.getMessage()).startsWith("spec.horizontalScaling.replicas: 1 is below 2").endsWith("nothing was changed");
        assertThat(controlPlane.admin().resources(Postgres.class).inNamespace(NAMESPACE).withName("pg").get().getSpec()
                .getReplicas()).isEqualTo(3);
    }

    /**
     * The operator's side of a scale-up on the real API server with the real Postgres reconciler: the count announced
     * on the Lease first, then spec.replicas, which the Postgres reconciler turns into a larger StatefulSet and a
     * coordinators' Role that lets the new member patch its own pod. No pod runs here, so the request ends Failed at
     * its timeout, naming what it waited for, and withdraws its announcement.
     */
    @Test
    void aScaleUpAnnouncesTheCountThenRaisesTheReplicasAndWithdrawsTheAnnouncementWhenItEnds() {
        create("""
                apiVersion: kubedb.com/v1
                kind: Postgres
                metadata: {name: grows}
                spec: {version: "17.4", replicas: 3}
                """);
        Awaitility.await("the Lease of grows").atMost(Duration.ofSeconds(60)).until(() ->
                controlPlane.admin().leases().inNamespace(NAMESPACE).withName("grows-leader").get() != null);
        create(pgops("grow", "grows", "HorizontalScaling", "apply: Always\n  timeout: 25s\n  horizontalScaling: {replicas: 4}"));
        Condition announced = awaitCondition("postgresopsrequests", "grow", "MemberCountAnnounced");
        assertThat(announced.getMessage()).isEqualTo("announced 4 members on the Lease for the coordinators");
        Awaitility.await("StatefulSet grows at 4 replicas").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    var sts = controlPlane.admin().apps().statefulSets().inNamespace(NAMESPACE).withName("grows").get();
                    return sts != null && Integer.valueOf(4).equals(sts.getSpec().getReplicas());
                });
        assertThat(controlPlane.admin().resources(Postgres.class).inNamespace(NAMESPACE).withName("grows").get().getSpec()
                .getReplicas()).isEqualTo(4);
        Awaitility.await("the coordinators' Role covers grows-3").atMost(Duration.ofSeconds(60)).until(() ->
                controlPlane.admin().rbac().roles().inNamespace(NAMESPACE).list().getItems().stream()
                        .flatMap(r -> r.getRules().stream()).anyMatch(rule -> rule.getResourceNames() != null
                                && rule.getResourceNames().contains("grows-3")));

        Condition failed = awaitCondition("postgresopsrequests", "grow", "Failed");
        assertThat(failed.getMessage()).isEqualTo("the scaling to 4 members did not finish before the timeout: waiting for the "
                + "StatefulSet to run 4 ready members of its current template");
        Map<String, String> onLease = controlPlane.admin().leases().inNamespace(NAMESPACE).withName("grows-leader").get()
                .getMetadata().getAnnotations();
        assertThat(onLease == null ? Map.<String, String>of() : onLease).as("the announcement withdrawn")
                .doesNotContainKey(MemberCount.REPLICAS);
    }

    @Test
    void ifReadyRefusesToStartOnAPostgresThatIsNotReady() {
        create(pgops("not-ready", "pg", "Switchover", ""));
        Condition failed = awaitCondition("postgresopsrequests", "not-ready", "Failed");
        assertThat(failed.getReason()).isEqualTo("DatabaseNotReady");
        assertThat(failed.getMessage()).startsWith("spec.apply: IfReady, and Postgres pg is ").contains("nothing was changed");
        Map<String, String> onLease = controlPlane.admin().leases().inNamespace(NAMESPACE).withName("pg-leader").get()
                .getMetadata().getAnnotations();
        assertThat(onLease == null ? Map.<String, String>of() : onLease).as("nothing written on the Lease")
                .doesNotContainKey("ops.kubedb.com/switchover-uid");
    }

    @Test
    void oneRequestAtATimePerDatabaseTheOthersPendingNamingIt() {
        // apply: Always starts on the not-Ready Postgres; with no Lease holder to ask, the first waits until its timeout
        create(pgops("first", "pg", "Switchover", "apply: Always\n  timeout: 20s"));
        awaitPhase("first", "Progressing");
        create(pgops("second", "pg", "Switchover", "apply: Always"));
        Condition pending = awaitCondition("postgresopsrequests", "second", "Pending");
        assertThat(pending.getMessage()).isEqualTo("waiting for PostgresOpsRequest first on Postgres pg to finish (one request "
                + "at a time per database)");
        assertThat(phase("postgresopsrequests", "second")).isEqualTo("Pending");

        Condition timedOut = awaitCondition("postgresopsrequests", "first", "Failed");
        assertThat(timedOut.getMessage()).isEqualTo("the Lease had no holder to hand over until the timeout");
        awaitPhase("second", "Progressing");
        controlPlane.admin().genericKubernetesResources("ops.kubedb.com/v1alpha1", "PostgresOpsRequest").inNamespace(NAMESPACE)
                .withName("second").delete();
    }

    @Test
    void aForceFailOverIsRefusedWithoutApplyAlwaysWithAStrangerAsCandidateAndWhileNoElectionIsBlocked() {
        create(pgops("force-if-ready", "pg", "ForceFailOver", "forceFailOver: {candidates: [pg-2]}"));
        Condition ifReady = awaitCondition("postgresopsrequests", "force-if-ready", "Failed");
        assertThat(ifReady.getReason()).isEqualTo("ForceFailOverRefused");
        assertThat(ifReady.getMessage()).startsWith("spec.apply: a ForceFailOver may lose acknowledged transactions");

        create(pgops("force-stranger", "pg", "ForceFailOver", "apply: Always\n  forceFailOver: {candidates: [pg-7]}"));
        assertThat(awaitCondition("postgresopsrequests", "force-stranger", "Failed").getMessage())
                .isEqualTo("spec.forceFailOver.candidates: pg-7 is not a member of Postgres pg (members pg-0, pg-1, pg-2); "
                        + "nothing was changed");

        // the Lease as the operator created it, never written by a coordinator: no election to force
        Awaitility.await("the Lease created by the operator").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> controlPlane.admin().leases().inNamespace(NAMESPACE).withName("pg-leader").get() != null);
        create(pgops("force-unblocked", "pg", "ForceFailOver", "apply: Always"));
        assertThat(awaitCondition("postgresopsrequests", "force-unblocked", "Failed").getMessage())
                .startsWith("the Lease of Postgres pg carries no election record").endsWith("nothing was changed");
        Map<String, String> onLease = controlPlane.admin().leases().inNamespace(NAMESPACE).withName("pg-leader").get()
                .getMetadata().getAnnotations();
        assertThat(onLease == null ? Map.<String, String>of() : onLease).as("nothing written on the Lease")
                .doesNotContainKey("ops.kubedb.com/force-failover-uid");
        Object outcome = status("postgresopsrequests", "force-unblocked").get("forceFailOver");
        assertThat(outcome).as("no forced failover recorded").isNull();
    }

    private static String pgops(String name, String database, String type, String extra) {
        return """
                apiVersion: ops.kubedb.com/v1alpha1
                kind: PostgresOpsRequest
                metadata: {name: %s}
                spec:
                  type: %s
                  databaseRef: {name: %s}
                  %s
                """.formatted(name, type, database, extra);
    }

    private static void create(String yaml) {
        GenericKubernetesResource object = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        object.getMetadata().setNamespace(NAMESPACE);
        controlPlane.admin().resource(object).create();
    }

    private static GenericKubernetesResource get(String plural, String name) {
        KubernetesClient admin = controlPlane.admin();
        String kind = plural.equals("postgresopsrequests") ? "PostgresOpsRequest" : "FerretDBOpsRequest";
        return admin.genericKubernetesResources("ops.kubedb.com/v1alpha1", kind).inNamespace(NAMESPACE).withName(name).get();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(String plural, String name) {
        GenericKubernetesResource r = get(plural, name);
        return r == null ? Map.of() : (Map<String, Object>) r.getAdditionalProperties().getOrDefault("status", Map.of());
    }

    private static String phase(String plural, String name) {
        return (String) status(plural, name).get("phase");
    }

    private static void awaitPhase(String name, String phase) {
        Awaitility.await(name + " " + phase).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> phase.equals(phase("postgresopsrequests", name)));
    }

    @SuppressWarnings("unchecked")
    private static Condition awaitCondition(String plural, String name, String type) {
        return Awaitility.await(name + " condition " + type).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<Map<String, Object>> conditions = (List<Map<String, Object>>) status(plural, name)
                            .getOrDefault("conditions", List.of());
                    return conditions.stream().filter(c -> type.equals(c.get("type")) && "True".equals(c.get("status")))
                            .findFirst().map(c -> Serialization.unmarshal(Serialization.asJson(c), Condition.class));
                }, Optional::isPresent).orElseThrow();
    }
}
