package org.ferretdboperator.ferretdb;

import org.ferretdboperator.status.Conditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ferretdboperator.ferretdb.MockCluster.TIMEOUT;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.List;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each deletion policy, asserting what the operator itself does (the mock has no garbage collector). A test finalizer
 * on the backend Postgres stands in for the Postgres reconciler's own, so the backend stays visible after its deletion
 * was requested and the policy it was deleted with can be checked.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class FerretDBDeletionPolicyTest {

    private static final String BACKEND_FINALIZER = "test.ferretdb-operator.org/postgres-reconciler";

    @Inject
    KubernetesClient client;

    MockCluster cluster;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new MockCluster(client);
        cluster.applyCatalog();
    }

    @Test
    void wipeOutRemovesEverythingIncludingTheGeneratedSecret() throws Exception {
        String ns = provisioned("wipeout", DeletionPolicy.WIPE_OUT);
        client.resources(FerretDB.class).inNamespace(ns).withName("ferret").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(cluster.get(ns, "ferret")).isNull();
            assertServersGone(ns);
            assertThat(cluster.secret(ns, "ferret-auth")).isNull();
            assertBackendDeletedWith(ns, DeletionPolicy.WIPE_OUT);
        });
    }

    @Test
    void deleteRemovesTheBackendWithItsPvcsButKeepsTheSecret() throws Exception {
        String ns = provisioned("delete", DeletionPolicy.DELETE);
        client.resources(FerretDB.class).inNamespace(ns).withName("ferret").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(cluster.get(ns, "ferret")).isNull();
            assertServersGone(ns);
            assertBackendDeletedWith(ns, DeletionPolicy.DELETE);
        });
        assertThat(cluster.secret(ns, "ferret-auth")).isNotNull();
    }

    @Test
    void haltRemovesTheWorkloadsAndKeepsPvcsAndSecrets() throws Exception {
        String ns = provisioned("halt", DeletionPolicy.HALT);
        client.resources(FerretDB.class).inNamespace(ns).withName("ferret").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(cluster.get(ns, "ferret")).isNull();
            assertServersGone(ns);
            // Halt on the backend: its reconciler removes its pods and keeps PVCs and Secrets.
            assertBackendDeletedWith(ns, DeletionPolicy.HALT);
        });
        assertThat(cluster.secret(ns, "ferret-auth")).isNotNull();
    }

    @Test
    void policyChangedJustBeforeDeletionIsTheOneTheBackendIsDeletedWith() throws Exception {
        String ns = provisioned("changed", DeletionPolicy.WIPE_OUT);
        // The policy change and the deletion race the reconciler that would copy the policy to the backend.
        cluster.patch(ns, "ferret", "{\"spec\":{\"deletionPolicy\":\"Halt\"}}");
        client.resources(FerretDB.class).inNamespace(ns).withName("ferret").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(cluster.get(ns, "ferret")).isNull();
            assertBackendDeletedWith(ns, DeletionPolicy.HALT);
        });
        assertThat(cluster.secret(ns, "ferret-auth")).isNotNull();
    }

    @Test
    void doNotTerminateBlocksDeletionWithAClearEventUntilThePolicyChanges() throws Exception {
        String ns = provisioned("donotterminate", DeletionPolicy.DO_NOT_TERMINATE);
        client.resources(FerretDB.class).inNamespace(ns).withName("ferret").delete();

        FerretDB blocked = await().atMost(TIMEOUT).until(() -> cluster.get(ns, "ferret"), f -> f.getStatus() != null
                && Conditions.isTrue(f.getStatus().getConditions(), Conditions.DELETION_BLOCKED));
        assertThat(blocked.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(Conditions.find(blocked.getStatus().getConditions(), Conditions.DELETION_BLOCKED)
                .orElseThrow().getMessage()).contains("spec.deletionPolicy", "DoNotTerminate");
        List<Event> events = await().atMost(TIMEOUT).until(() -> events(ns, "DeletionBlocked"), e -> !e.isEmpty());
        assertThat(events.get(0).getType()).isEqualTo("Warning");
        assertThat(events.get(0).getMessage()).contains("spec.deletionPolicy");
        // Nothing was touched.
        assertThat(cluster.statefulSet(ns, "ferret")).isNotNull();
        assertThat(cluster.backend(ns, "ferret").getMetadata().getDeletionTimestamp()).isNull();
        assertThat(cluster.secret(ns, "ferret-auth")).isNotNull();

        cluster.patch(ns, "ferret", "{\"spec\":{\"deletionPolicy\":\"WipeOut\"}}");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(cluster.get(ns, "ferret")).isNull();
            assertServersGone(ns);
            assertBackendDeletedWith(ns, DeletionPolicy.WIPE_OUT);
            assertThat(cluster.secret(ns, "ferret-auth")).isNull();
        });
        assertThat(events(ns, "DeletionBlocked")).as("announced once, not on every retry").hasSize(1);
    }

    @Test
    void wipeOutNeverDeletesASecretTheUserNamed() throws Exception {
        String ns = "wipeoutuser";
        cluster.namespace(ns);
        client.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("ferret-auth").endMetadata()
                .addToData("username", FerretDBReconcilerTest.encode("app"))
                .addToData("password", FerretDBReconcilerTest.encode("kept-by-the-user"))
                .build()).create();
        FerretDB ferret = cluster.seed();
        ferret.getMetadata().setNamespace(ns);
        ferret.getSpec().setAuthSecret(new org.ferretdboperator.api.common.SecretReference());
        ferret.getSpec().getAuthSecret().setName("ferret-auth");
        client.resource(ferret).create();
        await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret") != null);

        client.resources(FerretDB.class).inNamespace(ns).withName("ferret").delete();
        await().atMost(TIMEOUT).until(() -> cluster.get(ns, "ferret") == null);
        assertThat(cluster.secret(ns, "ferret-auth")).isNotNull();
    }

    /** A seed-shaped FerretDB with the given policy, all children created, the backend held by a test finalizer. */
    private String provisioned(String ns, DeletionPolicy policy) throws Exception {
        cluster.namespace(ns);
        FerretDB ferret = cluster.seed();
        ferret.getMetadata().setNamespace(ns);
        ferret.getSpec().setDeletionPolicy(policy);
        client.resource(ferret).create();
        await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret") != null
                && cluster.statefulSet(ns, "ferret-secondary") != null
                && cluster.service(ns, "ferret-secondary-pods") != null
                && cluster.secret(ns, "ferret-auth") != null
                && cluster.backend(ns, "ferret") != null
                && cluster.backend(ns, "ferret").getSpec().getDeletionPolicy() == policy);
        client.resources(Postgres.class).inNamespace(ns).withName("ferret-pg-backend")
                .patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"finalizers\":[\"" + BACKEND_FINALIZER + "\"]}}");
        return ns;
    }

    private void assertServersGone(String ns) {
        for (String name : List.of("ferret", "ferret-secondary")) {
            assertThat(cluster.statefulSet(ns, name)).as("StatefulSet " + name).isNull();
        }
        for (String name : List.of("ferret", "ferret-secondary", "ferret-pods", "ferret-secondary-pods")) {
            assertThat(cluster.service(ns, name)).as("Service " + name).isNull();
        }
    }

    private void assertBackendDeletedWith(String ns, DeletionPolicy policy) {
        Postgres backend = cluster.backend(ns, "ferret");
        assertThat(backend).as("held by the stand-in finalizer").isNotNull();
        assertThat(backend.getMetadata().getDeletionTimestamp()).as("deletion requested").isNotNull();
        assertThat(backend.getSpec().getDeletionPolicy()).isEqualTo(policy);
    }

    private List<Event> events(String ns, String reason) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()) && "ferret".equals(e.getInvolvedObject().getName()))
                .toList();
    }
}
