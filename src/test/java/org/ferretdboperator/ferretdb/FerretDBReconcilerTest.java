package org.ferretdboperator.ferretdb;

import org.ferretdboperator.status.Conditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ferretdboperator.ferretdb.MockCluster.TIMEOUT;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.ferretdboperator.api.catalog.FerretDBVersion;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The FerretDB reconciler against the mock API server: the seed manifest, status transitions driven by the children,
 * halting and the secondary group. The test plays the StatefulSet controller and the Postgres reconciler by writing
 * their status.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class FerretDBReconcilerTest {

    @Inject
    KubernetesClient client;

    MockCluster cluster;

    @BeforeEach
    void setUp() throws Exception {
        cluster = new MockCluster(client);
        cluster.applyCatalog();
    }

    @Test
    void seedManifestYieldsEveryObjectWithTheSeedsNamesAndOwnerReferences() throws Exception {
        cluster.namespace("demo");
        // The seed file unchanged, as `kubectl create -f` would send it.
        for (HasMetadata item : cluster.load(MockCluster.SEED)) {
            client.resource(item).create();
        }
        FerretDB ferret = await().atMost(TIMEOUT).until(() -> cluster.get("demo", "ferret"),
                f -> f != null && f.getStatus() != null && f.getStatus().getPhase() != null);
        assertThat(ferret.getStatus().getPhase()).isEqualTo(Phase.PROVISIONING);

        Postgres backend = await().atMost(TIMEOUT).until(() -> cluster.backend("demo", "ferret"), b -> b != null);
        assertOwnedBy(backend, ferret);
        assertThat(backend.getSpec().getReplicas()).isEqualTo(3);
        assertThat(backend.getSpec().getVersion()).isEqualTo("17-documentdb");
        assertThat(backend.getSpec().getImage()).isEqualTo("ghcr.io/ferretdb/postgres-documentdb:17-0.102.0-ferretdb-2.0.0");
        assertThat(backend.getSpec().getDeletionPolicy()).isEqualTo(DeletionPolicy.WIPE_OUT);
        assertThat(backend.getSpec().getStorage().getResources().getRequests().get("storage"))
                .isEqualTo(new Quantity("1Gi"));
        assertThat(backend.getSpec().getUsers()).singleElement().satisfies(user -> {
            assertThat(user.getSecretName()).isEqualTo("ferret-auth");
            assertThat(user.getDatabase()).as("FerretDB 2.x works in DocumentDB's database").isEqualTo("postgres");
        });

        Secret auth = await().atMost(TIMEOUT).until(() -> cluster.secret("demo", "ferret-auth"), s -> s != null);
        assertThat(auth.getMetadata().getOwnerReferences()).as("kept under Halt and Delete").isNullOrEmpty();
        assertThat(decode(auth, "username")).isEqualTo("ferretdb");
        assertThat(decode(auth, "password")).hasSize(40).matches("[A-Za-z0-9]+");

        StatefulSet primary = await().atMost(TIMEOUT).until(() -> cluster.statefulSet("demo", "ferret"), s -> s != null);
        StatefulSet secondary = await().atMost(TIMEOUT)
                .until(() -> cluster.statefulSet("demo", "ferret-secondary"), s -> s != null);
        assertOwnedBy(primary, ferret);
        assertOwnedBy(secondary, ferret);
        assertThat(primary.getSpec().getReplicas()).isEqualTo(2);
        assertThat(secondary.getSpec().getReplicas()).isEqualTo(2);
        assertThat(primary.getSpec().getServiceName()).isEqualTo("ferret-pods");
        assertThat(secondary.getSpec().getServiceName()).isEqualTo("ferret-secondary-pods");
        var container = primary.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getName()).isEqualTo("ferretdb");
        assertThat(container.getImage()).isEqualTo("ghcr.io/ferretdb/ferretdb:2.0.0");
        assertThat(env(primary, "FERRETDB_POSTGRESQL_URL")).isEqualTo("postgres://ferret-pg-backend.demo.svc:5432/postgres?connect_timeout=3");
        assertThat(env(secondary, "FERRETDB_POSTGRESQL_URL"))
                .isEqualTo("postgres://ferret-pg-backend-standby.demo.svc:5432/postgres?connect_timeout=3");

        for (String name : List.of("ferret", "ferret-secondary", "ferret-pods", "ferret-secondary-pods")) {
            Service service = await().atMost(TIMEOUT).until(() -> cluster.service("demo", name), s -> s != null);
            assertOwnedBy(service, ferret);
            assertThat(service.getSpec().getPorts()).singleElement()
                    .satisfies(port -> assertThat(port.getPort()).isEqualTo(27017));
        }
        assertThat(cluster.service("demo", "ferret").getSpec().getSelector())
                .containsEntry("ferretdb.kubedb.com/server", "primary");
        assertThat(cluster.service("demo", "ferret-pods").getSpec().getClusterIP()).isEqualTo("None");
    }

    @Test
    void statusMovesFromProvisioningToReadyCriticalAndNotReadyWithTheChildren() throws Exception {
        String ns = "status";
        cluster.namespace(ns);
        FerretDB ferret = cluster.seed();
        ferret.getMetadata().setNamespace(ns);
        client.resource(ferret).create();
        await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret-secondary") != null
                && cluster.backend(ns, "ferret") != null);
        cluster.awaitPhase(ns, "ferret", Phase.PROVISIONING);

        // Partly up is still Provisioning: nothing has been ready yet.
        cluster.backendPhase(ns, "ferret", Phase.READY);
        cluster.serversReady(ns, "ferret", 2);
        cluster.serversReady(ns, "ferret-secondary", 1);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition(ns, "ferret", "ReplicaReady"))
                .extracting(Condition::getMessage).asString()
                .contains("primary servers 2/2 ready", "secondary servers 1/2 ready", "backend Postgres is Ready"));
        assertThat(cluster.phase(ns, "ferret")).isEqualTo(Phase.PROVISIONING);

        cluster.serversReady(ns, "ferret-secondary", 2);
        cluster.awaitPhase(ns, "ferret", Phase.READY);
        assertThat(condition(ns, "ferret", "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(ns, "ferret", "Provisioned").getStatus()).isEqualTo("True");
        assertThat(condition(ns, "ferret", "AcceptingConnection").getStatus()).isEqualTo("True");

        // A secondary server down: clients still work through the primary servers.
        cluster.serversReady(ns, "ferret-secondary", 1);
        cluster.awaitPhase(ns, "ferret", Phase.CRITICAL);

        // The backend has no serving primary: nothing works.
        cluster.serversReady(ns, "ferret-secondary", 2);
        cluster.backendPhase(ns, "ferret", Phase.NOT_READY);
        cluster.awaitPhase(ns, "ferret", Phase.NOT_READY);
        assertThat(condition(ns, "ferret", "AcceptingConnection").getStatus()).isEqualTo("False");

        // Backend degraded but serving (a standby lost): Critical.
        cluster.backendPhase(ns, "ferret", Phase.CRITICAL);
        cluster.awaitPhase(ns, "ferret", Phase.CRITICAL);

        // No primary server ready: NotReady even with a healthy backend.
        cluster.backendPhase(ns, "ferret", Phase.READY);
        cluster.serversReady(ns, "ferret", 0);
        cluster.awaitPhase(ns, "ferret", Phase.NOT_READY);

        cluster.serversReady(ns, "ferret", 2);
        cluster.awaitPhase(ns, "ferret", Phase.READY);
        assertThat(cluster.get(ns, "ferret").getStatus().getObservedGeneration())
                .isEqualTo(cluster.get(ns, "ferret").getMetadata().getGeneration());
    }

    @Test
    void requireSslKeepsTheServersCertificateAndAsksTheBackendForTls() throws Exception {
        String ns = "tls";
        cluster.namespace(ns);
        FerretDB ferret = cluster.seed();
        ferret.getMetadata().setNamespace(ns);
        ferret.getSpec().setSslMode(org.ferretdboperator.api.common.SslMode.REQUIRE_SSL);
        ferret.getSpec().setTls(new org.ferretdboperator.api.common.TlsSpec());
        client.resource(ferret).create();
        io.fabric8.kubernetes.api.model.Secret cert = await().atMost(TIMEOUT).until(() -> client.secrets().inNamespace(ns)
                .withName("ferret-server-cert").get(), s -> s != null);
        io.fabric8.kubernetes.api.model.Secret ca = client.secrets().inNamespace(ns).withName("ferret-ca").get();
        org.ferretdboperator.tls.CertificateAuthority authority = org.ferretdboperator.tls.ManagedCertificates.readCa(ca);
        java.security.cert.X509Certificate leaf = org.ferretdboperator.tls.Pem.readCertificate(new String(
                java.util.Base64.getDecoder().decode(cert.getData().get("tls.crt"))));
        assertThat(org.ferretdboperator.tls.CertificateFacts.of(leaf, authority.certificate().getPublicKey()))
                .satisfies(f -> assertThat(f.issuedByCurrentCa()).isTrue())
                .satisfies(f -> assertThat(f.dnsNames()).contains("ferret.tls.svc", "ferret-secondary.tls.svc"));
        Postgres backend = await().atMost(TIMEOUT).until(() -> cluster.backend(ns, "ferret"), b -> b != null);
        assertThat(backend.getSpec().getTls()).as("the backend runs TLS too").isNotNull();
        assertThat(cluster.statefulSet(ns, "ferret").getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getSecret()).isNotNull()
                        .satisfies(sv -> assertThat(sv.getSecretName()).isEqualTo("ferret-server-cert")));
    }

    @Test
    void haltedStopsTheServersAndTheBackendAndResumesWhenUnset() throws Exception {
        String ns = "halting";
        cluster.namespace(ns);
        FerretDB ferret = cluster.seed();
        ferret.getMetadata().setNamespace(ns);
        client.resource(ferret).create();
        await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret-secondary") != null);

        cluster.patch(ns, "ferret", "{\"spec\":{\"halted\":true}}");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(cluster.statefulSet(ns, "ferret").getSpec().getReplicas()).isZero();
            assertThat(cluster.statefulSet(ns, "ferret-secondary").getSpec().getReplicas()).isZero();
            assertThat(cluster.backend(ns, "ferret").getSpec().getHalted()).isTrue();
        });
        cluster.awaitPhase(ns, "ferret", Phase.HALTED);
        assertThat(cluster.secret(ns, "ferret-auth")).as("data and credentials are kept").isNotNull();

        cluster.patch(ns, "ferret", "{\"spec\":{\"halted\":false}}");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(cluster.statefulSet(ns, "ferret").getSpec().getReplicas()).isEqualTo(2);
            assertThat(cluster.statefulSet(ns, "ferret-secondary").getSpec().getReplicas()).isEqualTo(2);
            assertThat(cluster.backend(ns, "ferret").getSpec().getHalted()).isFalse();
        });
        await().atMost(TIMEOUT).until(() -> cluster.phase(ns, "ferret") != Phase.HALTED);
    }

    @Test
    void secondaryServersExistOnlyWhileAskedFor() throws Exception {
        String ns = "secondary";
        cluster.namespace(ns);
        FerretDB ferret = cluster.seed();
        ferret.getMetadata().setNamespace(ns);
        ferret.getSpec().getServer().setSecondary(null);
        ferret.getSpec().setVersion("1.24.0");
        client.resource(ferret).create();
        StatefulSet primary = await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret"), s -> s != null);
        await().atMost(TIMEOUT).until(() -> cluster.service(ns, "ferret-pods") != null);
        assertThat(cluster.statefulSet(ns, "ferret-secondary")).isNull();
        assertThat(cluster.service(ns, "ferret-secondary")).isNull();
        assertThat(env(primary, "FERRETDB_HANDLER")).isEqualTo("postgresql");
        assertThat(env(primary, "FERRETDB_POSTGRESQL_URL")).isEqualTo("postgres://ferret-pg-backend.secondary.svc:5432/ferretdb?connect_timeout=3");

        cluster.patch(ns, "ferret", "{\"spec\":{\"server\":{\"secondary\":{}}}}");
        await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret-secondary") != null
                && cluster.service(ns, "ferret-secondary") != null
                && cluster.service(ns, "ferret-secondary-pods") != null);
        assertThat(cluster.statefulSet(ns, "ferret-secondary").getSpec().getReplicas()).isEqualTo(1);

        cluster.patch(ns, "ferret", "{\"spec\":{\"server\":{\"secondary\":{\"replicas\":0}}}}");
        await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret-secondary") == null
                && cluster.service(ns, "ferret-secondary") == null
                && cluster.service(ns, "ferret-secondary-pods") == null);
    }

    @Test
    void aUserNamedAuthSecretIsUsedAndNothingIsGenerated() throws Exception {
        String ns = "usersecret";
        cluster.namespace(ns);
        client.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("app-creds").endMetadata()
                .addToData("username", encode("app"))
                .addToData("password", encode("s3cret-value"))
                .build()).create();
        FerretDB ferret = cluster.seed();
        ferret.getMetadata().setNamespace(ns);
        ferret.getSpec().setAuthSecret(new org.ferretdboperator.api.common.SecretReference());
        ferret.getSpec().getAuthSecret().setName("app-creds");
        client.resource(ferret).create();

        StatefulSet primary = await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret"), s -> s != null);
        EnvVar password = primary.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("PGPASSWORD")).findFirst().orElseThrow();
        assertThat(password.getValue()).as("never inline").isNull();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("app-creds");
        assertThat(cluster.backend(ns, "ferret").getSpec().getUsers().get(0).getSecretName()).isEqualTo("app-creds");
        assertThat(cluster.secret(ns, "ferret-auth")).isNull();
    }

    @Test
    void aCatalogEntryCreatedLaterStartsTheRefusedObject() throws Exception {
        String ns = "latecatalog";
        cluster.namespace(ns);
        FerretDB ferret = cluster.seed();
        ferret.getMetadata().setNamespace(ns);
        ferret.getSpec().setVersion("late-1.24.0");
        client.resource(ferret).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition(ns, "ferret", "Ready"))
                .isNotNull().satisfies(c -> {
                    assertThat(c.getReason()).isEqualTo("InvalidVersion");
                    assertThat(c.getMessage()).startsWith("spec.version: FerretDBVersion \"late-1.24.0\" does not exist");
                }));
        assertThat(cluster.phase(ns, "ferret")).isEqualTo(Phase.NOT_READY);
        assertThat(cluster.statefulSet(ns, "ferret")).isNull();
        assertThat(cluster.backend(ns, "ferret")).isNull();

        client.resource(catalogEntry("late-1.24.0", false)).create();
        StatefulSet primary = await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret"), s -> s != null);
        assertThat(primary.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/ferretdb/ferretdb:1.24.0");
        cluster.awaitPhase(ns, "ferret", Phase.PROVISIONING);
    }

    @Test
    void catalogChangesNeverStopARunningDatabase() throws Exception {
        String ns = "catalogchange";
        cluster.namespace(ns);
        client.resource(catalogEntry("running-1.24.0", false)).create();
        FerretDB ferret = cluster.seed();
        ferret.getMetadata().setNamespace(ns);
        ferret.getSpec().setVersion("running-1.24.0");
        client.resource(ferret).create();
        await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret-secondary") != null
                && cluster.backend(ns, "ferret") != null);
        cluster.backendPhase(ns, "ferret", Phase.READY);
        // FerretDB 1.x: one primary server whatever spec.server.primary.replicas says (ServerGroup)
        assertThat(cluster.statefulSet(ns, "ferret").getSpec().getReplicas()).isEqualTo(1);
        cluster.serversReady(ns, "ferret", 1);
        cluster.serversReady(ns, "ferret-secondary", 2);
        cluster.awaitPhase(ns, "ferret", Phase.READY);

        // Deprecation refuses new databases only.
        client.resources(FerretDBVersion.class).withName("running-1.24.0")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"deprecated\":true}}");
        cluster.patch(ns, "ferret", "{\"spec\":{\"server\":{\"secondary\":{\"replicas\":3}}}}");
        await().atMost(TIMEOUT).until(() -> cluster.statefulSet(ns, "ferret-secondary").getSpec().getReplicas() == 3);

        // A vanished entry stops management, not the database: nothing is deleted, the phase says so.
        client.resources(FerretDBVersion.class).withName("running-1.24.0").delete();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition(ns, "ferret", "Ready"))
                .isNotNull().satisfies(c -> assertThat(c.getReason()).isEqualTo("InvalidVersion")));
        cluster.serversReady(ns, "ferret-secondary", 3);
        cluster.awaitPhase(ns, "ferret", Phase.CRITICAL);
        assertThat(cluster.statefulSet(ns, "ferret")).isNotNull();
        assertThat(cluster.statefulSet(ns, "ferret-secondary")).isNotNull();
        assertThat(cluster.backend(ns, "ferret").getMetadata().getDeletionTimestamp()).isNull();
    }

    private static FerretDBVersion catalogEntry(String name, boolean deprecated) {
        FerretDBVersion version = new FerretDBVersion();
        version.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        FerretDBVersionSpec spec = Fixtures.v1();
        spec.setDeprecated(deprecated);
        version.setSpec(spec);
        return version;
    }

    private Condition condition(String ns, String name, String type) {
        FerretDB ferretdb = cluster.get(ns, name);
        return ferretdb == null || ferretdb.getStatus() == null ? null
                : Conditions.find(ferretdb.getStatus().getConditions(), type).orElse(null);
    }

    static void assertOwnedBy(HasMetadata child, FerretDB owner) {
        assertThat(child.getMetadata().getOwnerReferences()).singleElement().satisfies((OwnerReference ref) -> {
            assertThat(ref.getKind()).isEqualTo("FerretDB");
            assertThat(ref.getApiVersion()).isEqualTo("kubedb.com/v1alpha2");
            assertThat(ref.getName()).isEqualTo(owner.getMetadata().getName());
            assertThat(ref.getUid()).isEqualTo(owner.getMetadata().getUid());
        });
    }

    static String env(StatefulSet statefulSet, String name) {
        return statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElse(null);
    }

    static String decode(Secret secret, String key) {
        Map<String, String> data = secret.getData();
        return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }

    static String encode(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
