package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The guide's object on real pods: the seed manifest (its version set to 1.24.2, the FerretDB this machine can build;
 * the seed's 2.0.0 needs PostgreSQL with DocumentDB; with 1.x the operator runs one of the seed's two primary servers)
 * applied with kubectl into a "restricted" namespace of a three-node
 * cluster whose operator the Helm chart installed. Every pod Running and Ready, exactly one primary label, a MongoDB
 * client (the Java driver) writing through the {@code ferret} Service and reading through {@code ferret-secondary},
 * the coordinators' and the operator's metrics scraped over the pod network, and a failover after the primary pod is
 * deleted with nothing acknowledged lost. Once on the catalog's PostgreSQL 17 backend and once on PostgreSQL 15.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuideOnRealNodesIT {

    static final String FERRETDB = "ferret";
    static final String BACKEND = FERRETDB + "-pg-backend";
    static final String ROLE = "kubedb.com/role";
    static final Duration POD_READY = Duration.ofMinutes(6);

    static RealNodeCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RealNodeCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void guideOnPostgres17() throws Exception {
        runGuide("guide-pg17", "1.24.2");
    }

    @Test
    @Order(2)
    void guideOnPostgres15() throws Exception {
        // A catalog entry of the user's own: FerretDB 1.24.2 on the PostgreSQL 15 image.
        String image = cluster.imageRef("postgres-15");
        String version = image.substring(image.lastIndexOf(':') + 1).replaceAll("-.*", "");
        String entry = """
                apiVersion: catalog.kubedb.com/v1alpha1
                kind: FerretDBVersion
                metadata:
                  name: 1.24.2-pg15
                spec:
                  version: "1.24.2"
                  db:
                    image: ghcr.io/ferretdb/ferretdb:1.24.2
                  postgres:
                    version: "%s"
                    image: %s
                    distribution: PostgreSQL
                  securityContext:
                    runAsUser: 1000
                """.formatted(version, image);
        cluster.apply(entry);
        runGuide("guide-pg15", "1.24.2-pg15");
    }

    /**
     * The seed as written (FerretDB 2.0.0) on a catalog entry whose backend image has no DocumentDB: the coordinators,
     * through the postgres containers' runner, find the libraries missing and do not start PostgreSQL; the Postgres and
     * FerretDB objects say why in their ReplicaReady condition, naming the libraries; no container restarts for it.
     */
    @Test
    @Order(3)
    void ferretDb2OnAnImageWithoutDocumentDbIsRefusedWithAClearCondition() throws Exception {
        String namespace = "guide-2x-no-documentdb";
        String entry = """
                apiVersion: catalog.kubedb.com/v1alpha1
                kind: FerretDBVersion
                metadata:
                  name: 2.0.0-plain-postgres
                spec:
                  version: "2.0.0"
                  db:
                    image: ghcr.io/ferretdb/ferretdb:2.0.0
                  postgres:
                    version: "17-documentdb"
                    image: %s
                    distribution: DocumentDB
                  securityContext:
                    runAsUser: 1000
                """.formatted(cluster.imageRef("postgres-17"));
        cluster.apply(entry);
        LocalControlPlane cp = cluster.controlPlane();
        cp.kubectl("create", "namespace", namespace).requireSuccess();
        cp.kubectl("label", "namespace", namespace, "pod-security.kubernetes.io/enforce=restricted").requireSuccess();
        String seed = Files.readString(RealNodeCluster.seedManifest()).replace("namespace: demo", "namespace: " + namespace)
                .replace("version: \"2.0.0\"", "version: \"2.0.0-plain-postgres\"");
        cluster.apply(seed);
        try {
            await("the backend's ReplicaReady condition naming DocumentDB's libraries").atMost(POD_READY)
                    .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        assertThat(condition(namespace, "postgreses.kubedb.com", BACKEND, "ReplicaReady"))
                                .contains("MemberCannotRun").contains("lacks pg_cron.so, pg_documentdb_core.so, pg_documentdb.so");
                        assertThat(condition(namespace, "ferretdbs.kubedb.com", FERRETDB, "ReplicaReady"))
                                .contains("MemberCannotRun").contains("backend Postgres: " + BACKEND + "-0: ");
                    });
            for (Pod pod : cluster.admin().pods().inNamespace(namespace).withLabels(Labels.postgresSelector(BACKEND)).list()
                    .getItems()) {
                assertThat(pod.getStatus().getContainerStatuses()).as(pod.getMetadata().getName() + ": no crash loop")
                        .allSatisfy(c -> assertThat(c.getRestartCount()).isZero());
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + cluster.describePods(namespace) + "\n"
                    + cluster.logs(namespace, BACKEND + "-0", "pg-coordinator"), e);
        } finally {
            cp.kubectl("delete", "namespace", namespace, "--wait=true", "--timeout=3m");
        }
    }

    /** reason and message of one condition of an object, as kubectl prints them. */
    private String condition(String namespace, String resource, String name, String type) {
        return cluster.controlPlane().kubectl("get", resource, name, "-n", namespace, "-o",
                "jsonpath={.status.conditions[?(@.type==\"" + type + "\")].reason} {.status.conditions[?(@.type==\""
                        + type + "\")].message}").requireSuccess().stdout();
    }

    private void runGuide(String namespace, String catalogVersion) throws Exception {
        KubernetesClient admin = cluster.admin();
        LocalControlPlane cp = cluster.controlPlane();
        cp.kubectl("create", "namespace", namespace).requireSuccess();
        cp.kubectl("label", "namespace", namespace, "pod-security.kubernetes.io/enforce=restricted").requireSuccess();
        String seed = Files.readString(RealNodeCluster.seedManifest())
                .replace("namespace: demo", "namespace: " + namespace)
                .replace("version: \"2.0.0\"", "version: \"" + catalogVersion + "\"");
        assertThat(seed).as("the seed names namespace demo and version 2.0.0").contains("namespace: " + namespace)
                .contains(catalogVersion);
        long applied = System.nanoTime();
        cluster.apply(seed);
        try {
            awaitAllReady(namespace);
            String primary = soleprimary(namespace);
            log(namespace, "every pod Ready %.1f s after kubectl apply; primary %s", seconds(applied), primary);
            Set<String> acknowledged = new HashSet<>();
            try (MongoClient writer = cluster.mongo(namespace, FERRETDB, FERRETDB, ""); MongoClient reader = cluster.mongo(namespace, FERRETDB + "-secondary", FERRETDB, "")) {
                insert(writer, "before-failover", 50, acknowledged);
                awaitReadable(reader, acknowledged);
                scrapeMetrics(namespace);

                // The guide's first case: delete the primary pod; another member takes over by itself.
                long deleted = System.nanoTime();
                cp.kubectl("delete", "pod", "-n", namespace, primary, "--wait=false").requireSuccess();
                await("a new primary other than " + primary).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                        .until(() -> primaries(namespace).stream().anyMatch(p -> !p.equals(primary)));
                log(namespace, "a new primary labelled %.1f s after deleting %s", seconds(deleted), primary);
                awaitAllReady(namespace);
                String newPrimary = soleprimary(namespace);
                log(namespace, "every pod Ready again %.1f s after the delete; primary %s", seconds(deleted), newPrimary);
                assertThat(newPrimary).as("primary after deleting " + primary).isNotEqualTo(primary);
                // The Service follows the label: writes through it succeed again (the driver retries once).
                await("writes through Service " + FERRETDB + " after the failover").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> {
                            insert(writer, "after-failover", 50, acknowledged);
                            return true;
                        });
                Set<String> onPrimary = ids(writer.getDatabase("guide").getCollection("acks"));
                assertThat(onPrimary).as("every acknowledged insert is on the new primary (synchronous mode)")
                        .containsAll(acknowledged);
                awaitReadable(reader, acknowledged);
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(namespace), e);
        } finally {
            // WipeOut: the namespace and everything in it go; the next case starts clean.
            cp.kubectl("delete", "namespace", namespace, "--wait=true", "--timeout=3m");
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void log(String namespace, String format, Object... args) {
        System.out.printf("[real-nodes] %s: %s%n", namespace, String.format(format, args));
    }

    /**
     * The backend's three pods and the four FerretDB servers Running and Ready, and the backend's roles settled: a
     * standby is Ready as soon as it streams from the leader, and its coordinator labels it in the same or the next
     * tick, so the labels are part of the wait.
     */
    private void awaitAllReady(String namespace) {
        await("every pod of the guide Ready and one primary, two secondaries in " + namespace).atMost(POD_READY)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    soleprimary(namespace);
                    Map<String, Boolean> ready = cluster.admin().pods().inNamespace(namespace).list().getItems().stream()
                            .collect(Collectors.toMap(p -> p.getMetadata().getName(), RealNodeCluster::ready));
                    assertThat(ready).as(() -> cluster.describePods(namespace)).containsOnlyKeys(
                            BACKEND + "-0", BACKEND + "-1", BACKEND + "-2", FERRETDB + "-0",
                            FERRETDB + "-secondary-0", FERRETDB + "-secondary-1");
                    assertThat(ready.values()).as(() -> cluster.describePods(namespace)).containsOnly(true);
                });
    }

    private List<String> primaries(String namespace) {
        return cluster.admin().pods().inNamespace(namespace).withLabel(ROLE, "primary").list().getItems().stream()
                .map(p -> p.getMetadata().getName()).toList();
    }

    private String soleprimary(String namespace) {
        List<String> primaries = primaries(namespace);
        assertThat(primaries).as("pods labelled " + ROLE + "=primary").hasSize(1);
        List<String> secondaries = cluster.admin().pods().inNamespace(namespace).withLabel(ROLE, "secondary").list()
                .getItems().stream().map(p -> p.getMetadata().getName()).toList();
        assertThat(secondaries).as("pods labelled " + ROLE + "=secondary").hasSize(2).doesNotContainAnyElementsOf(primaries);
        return primaries.get(0);
    }

    /** Inserts {@code count} documents with unique ids; only the ones the server acknowledged are recorded. */
    private static void insert(MongoClient client, String prefix, int count, Set<String> acknowledged) {
        MongoCollection<Document> acks = client.getDatabase("guide").getCollection("acks");
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + System.nanoTime() + "-" + i;
            acks.insertOne(new Document("_id", id).append("n", i));
            acknowledged.add(id);
        }
    }

    private static Set<String> ids(MongoCollection<Document> collection) {
        Set<String> ids = new HashSet<>();
        for (Document d : collection.find()) {
            ids.add(d.getString("_id"));
        }
        return ids;
    }

    /** Reads through ferret-secondary (the standbys) until every acknowledged insert has replicated there. */
    private static void awaitReadable(MongoClient reader, Set<String> acknowledged) {
        await("acknowledged inserts readable through the secondary Service").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(ids(reader.getDatabase("guide").getCollection("acks")))
                        .containsAll(acknowledged));
    }

    /** /q/metrics of every coordinator (port 9187) and of the operator's pods (8080), over the pod network. */
    private void scrapeMetrics(String namespace) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Pod pod : cluster.admin().pods().inNamespace(namespace).withLabels(Labels.postgresSelector(BACKEND))
                .list().getItems()) {
            String body = get(http, "http://" + pod.getStatus().getPodIP() + ":9187/q/metrics");
            assertThat(body).as("coordinator metrics of " + pod.getMetadata().getName())
                    .contains("pg_coordinator_role{").contains("pg_coordinator_lease_held");
        }
        List<Pod> operators = cluster.admin().pods().inNamespace(RealNodeCluster.OPERATOR_NAMESPACE).list().getItems();
        assertThat(operators).as("operator pods").isNotEmpty();
        List<String> bodies = new ArrayList<>();
        for (Pod pod : operators) {
            bodies.add(get(http, "http://" + pod.getStatus().getPodIP() + ":8080/q/metrics"));
        }
        // The leader publishes the backend's series; every replica serves the endpoint.
        assertThat(String.join("\n", bodies)).as("operator metrics")
                .contains("ferretdb_operator_postgres_primary_info{").contains("namespace=\"" + namespace + "\"");
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + url).isEqualTo(200);
        return response.body();
    }

    private String diagnostics(String namespace) {
        StringBuilder out = new StringBuilder(cluster.describePods(namespace)).append('\n');
        for (int i = 0; i < 3; i++) {
            out.append(cluster.logs(namespace, BACKEND + "-" + i, "pg-coordinator")).append('\n');
            out.append(cluster.logs(namespace, BACKEND + "-" + i, "postgres")).append('\n');
        }
        out.append(cluster.logs(namespace, FERRETDB + "-0", "ferretdb"));
        return out.toString();
    }

    static {
        // the driver's own logging goes to JUL; keep it from flooding the failsafe report
        java.util.logging.Logger.getLogger("org.mongodb.driver").setLevel(java.util.logging.Level.WARNING);
    }
}
