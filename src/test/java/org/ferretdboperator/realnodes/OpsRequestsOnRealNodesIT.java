package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.contract.MemberCount;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The day-2 OpsRequests on real pods, with a MongoDB client writing through the {@code ferret} Service the whole
 * time: a PostgresOpsRequest Switchover to a named standby, a PostgresOpsRequest Restart (standbys one at a time, a
 * switchover, the old primary), a FerretDBOpsRequest Restart (the server pods one at a time) and a PostgresOpsRequest
 * HorizontalScaling 3 -> 5 -> 3 (the primary first moved to a member the scale-down removes), each Successful, and
 * every acknowledged insert on the primary at the end. Prints each operation's longest gap between acknowledgements.
 */
class OpsRequestsOnRealNodesIT {

    static final String NAMESPACE = "ops-real-nodes";
    static final String FERRETDB = "ferret";
    static final String BACKEND = FERRETDB + "-pg-backend";
    static final Duration OPERATION = Duration.ofMinutes(11);

    static RealNodeCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RealNodeCluster.start("real-nodes-ops");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    record Ack(String id, long nanos) {
    }

    @Test
    void switchoverAndRollingRestartsLoseNothingAcknowledged() throws Exception {
        LocalControlPlane cp = cluster.controlPlane();
        cp.kubectl("create", "namespace", NAMESPACE).requireSuccess();
        cp.kubectl("label", "namespace", NAMESPACE, "pod-security.kubernetes.io/enforce=restricted").requireSuccess();
        cluster.apply(Files.readString(RealNodeCluster.seedManifest()).replace("namespace: demo", "namespace: " + NAMESPACE)
                .replace("version: \"2.0.0\"", "version: \"1.24.2\""));
        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = null;
        try {
            awaitPhase("ferretdbs.kubedb.com", FERRETDB, "Ready");
            awaitPhase("postgreses.kubedb.com", BACKEND, "Ready");
            try (MongoClient client = cluster.mongo(NAMESPACE, FERRETDB, FERRETDB, "")) {
                MongoCollection<Document> docs = client.getDatabase("ops").getCollection("acks");
                writer = Thread.ofPlatform().name("ops-writer").start(() -> write(docs, writing, acks));
                await("the writer's first acknowledgements").atMost(Duration.ofMinutes(2)).until(() -> acks.size() >= 20);

                String primary = primary();
                String target = BACKEND + "-" + ((Integer.parseInt(primary.substring(primary.lastIndexOf('-') + 1)) + 1) % 3);
                long t0 = System.nanoTime();
                apply("PostgresOpsRequest", "switchover", BACKEND, "Switchover", "switchover: {target: " + target + "}");
                awaitSuccessful("postgresopsrequests", "switchover");
                report("Switchover " + primary + " -> " + target, t0, acks);
                assertThat(primary()).isEqualTo(target);

                Map<String, String> before = uids(BACKEND);
                t0 = System.nanoTime();
                apply("PostgresOpsRequest", "restart-backend", BACKEND, "Restart", "");
                awaitSuccessful("postgresopsrequests", "restart-backend");
                report("PostgresOpsRequest Restart", t0, acks);
                Map<String, String> after = uids(BACKEND);
                assertThat(after.keySet()).isEqualTo(before.keySet());
                after.forEach((pod, uid) -> assertThat(uid).as(pod + " was restarted").isNotEqualTo(before.get(pod)));

                Map<String, String> serversBefore = uids(FERRETDB);
                t0 = System.nanoTime();
                apply("FerretDBOpsRequest", "restart-servers", FERRETDB, "Restart", "");
                awaitSuccessful("ferretdbopsrequests", "restart-servers");
                report("FerretDBOpsRequest Restart", t0, acks);
                uids(FERRETDB).forEach((pod, uid) -> assertThat(uid).as(pod + " was restarted")
                        .isNotEqualTo(serversBefore.get(pod)));

                // HorizontalScaling 3 -> 5 -> 3 under the same writer; the primary moved to a member that is to be
                // removed first, so the scale-down must hand it over before it lowers the replicas
                t0 = System.nanoTime();
                apply("PostgresOpsRequest", "scale-up", BACKEND, "HorizontalScaling", "horizontalScaling: {replicas: 5}");
                awaitSuccessful("postgresopsrequests", "scale-up");
                report("HorizontalScaling 3 -> 5", t0, acks);
                // the request judged this when it succeeded; a moment later, on a starved node, a late renewal can
                // start an election (safe, and not what this test is about), so the roles are read until they settle
                await("five members, each in its role").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(backendRoles()).as("five members, each in its role").hasSize(5)
                                .doesNotContainValue("")
                                .satisfies(roles -> assertThat(roles.values().stream().filter("primary"::equals)).hasSize(1)));
                String primaryAt5 = primary();
                Set<String> standbysAt5 = new HashSet<>(backendRoles().keySet());
                standbysAt5.remove(primaryAt5);
                await("every standby of five, the new ones included, in the recorded synchronous set")
                        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(recordedSyncMembers()).containsExactlyInAnyOrderElementsOf(standbysAt5));

                apply("PostgresOpsRequest", "switchover-to-4", BACKEND, "Switchover", "switchover: {target: " + BACKEND + "-4}");
                awaitSuccessful("postgresopsrequests", "switchover-to-4");
                assertThat(primary()).isEqualTo(BACKEND + "-4");
                t0 = System.nanoTime();
                apply("PostgresOpsRequest", "scale-down", BACKEND, "HorizontalScaling", "horizontalScaling: {replicas: 3}");
                awaitSuccessful("postgresopsrequests", "scale-down");
                report("HorizontalScaling 5 -> 3 (the primary among the removed)", t0, acks);
                assertThat(backendRoles().keySet()).containsExactlyInAnyOrder(BACKEND + "-0", BACKEND + "-1", BACKEND + "-2");
                assertThat(primary()).isIn(BACKEND + "-0", BACKEND + "-1", BACKEND + "-2");
                assertThat(recordedSyncMembers()).as("the synchronous set names only remaining members").isNotEmpty()
                        .allMatch(m -> List.of(BACKEND + "-0", BACKEND + "-1", BACKEND + "-2").contains(m));
                assertThat(leaseAnnotations()).as("the member count withdrawn").doesNotContainKey(MemberCount.REPLICAS);

                writing.set(false);
                writer.join(Duration.ofMinutes(1));
                Set<String> stored = new HashSet<>();
                await("reading back through " + FERRETDB).atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> {
                    stored.clear();
                    docs.find().forEach(d -> stored.add(d.getString("_id")));
                    return true;
                });
                List<String> lost = acks.stream().map(Ack::id).filter(id -> !stored.contains(id)).toList();
                System.out.printf("[real-nodes] %s: %d acknowledged, %d lost%n", NAMESPACE, acks.size(), lost.size());
                assertThat(lost).as("acknowledged inserts missing after the operations").isEmpty();
            }
        } catch (AssertionError | RuntimeException e) {
            StringBuilder logs = new StringBuilder();
            backendRoles().keySet().stream().sorted().forEach(pod -> logs.append(cluster.logs(NAMESPACE, pod, "pg-coordinator")));
            throw new AssertionError(e.getMessage() + "\n" + cluster.describePods(NAMESPACE) + "\n"
                    + cp.kubectl("get", "pgops,frops", "-n", NAMESPACE, "-o", "yaml").stdout() + "\n" + logs
                    + cluster.operatorLog(), e);
        } finally {
            writing.set(false);
            if (writer != null) {
                writer.join(Duration.ofMinutes(1));
            }
            cp.kubectl("delete", "namespace", NAMESPACE, "--wait=true", "--timeout=3m");
        }
    }

    private static void write(MongoCollection<Document> docs, AtomicBoolean writing, ConcurrentLinkedQueue<Ack> acks) {
        long n = 0;
        while (writing.get()) {
            String id = "w-" + n++;
            try {
                docs.insertOne(new Document("_id", id));
                acks.add(new Ack(id, System.nanoTime()));
            } catch (RuntimeException e) {
                // an outage: the next insert has a new id; this one may or may not have been stored, it was not acknowledged
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }
    }

    private static void report(String what, long since, ConcurrentLinkedQueue<Ack> acks) {
        List<Long> times = new ArrayList<>();
        times.add(since);
        acks.stream().filter(a -> a.nanos() >= since).map(Ack::nanos).forEach(times::add);
        long gap = 0;
        for (int i = 1; i < times.size(); i++) {
            gap = Math.max(gap, times.get(i) - times.get(i - 1));
        }
        System.out.printf("[real-nodes] %s: %s done in %.1f s, longest gap between acknowledged writes %.3f s%n", NAMESPACE,
                what, (System.nanoTime() - since) / 1e9, gap / 1e9);
    }

    /**
     * Applies a request once its database is Ready, as a user of the default {@code apply: IfReady} does: under load
     * the phase can drop for a moment (a readiness probe timing out, a renewal late), and a request that finds the
     * database not Ready is refused by design, which is not what this test is about.
     */
    private static void apply(String kind, String name, String database, String type, String extra) {
        awaitPhase(kind.startsWith("Postgres") ? "postgreses.kubedb.com" : "ferretdbs.kubedb.com", database, "Ready");
        cluster.apply("""
                apiVersion: ops.kubedb.com/v1alpha1
                kind: %s
                metadata: {name: %s, namespace: %s}
                spec:
                  type: %s
                  databaseRef: {name: %s}
                  timeout: 10m
                  %s
                """.formatted(kind, name, NAMESPACE, type, database, extra));
    }

    private static void awaitSuccessful(String resource, String name) {
        await(resource + "/" + name + " Successful").atMost(OPERATION).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String phase = jsonpath(resource, name, "{.status.phase}");
            assertThat(phase).as(resource + "/" + name + ": " + jsonpath(resource, name, "{.status.conditions}"))
                    .isNotEqualTo("Failed");
            return "Successful".equals(phase);
        });
    }

    private static void awaitPhase(String resource, String name, String phase) {
        await(resource + "/" + name + " " + phase).atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
                .until(() -> phase.equals(jsonpath(resource, name, "{.status.phase}")));
    }

    private static String jsonpath(String resource, String name, String path) {
        return cluster.controlPlane().kubectl("get", resource, name, "-n", NAMESPACE, "-o", "jsonpath=" + path).stdout().strip();
    }

    /** The backend pods that exist (not terminating) and their role labels ("" without one). */
    private static Map<String, String> backendRoles() {
        Map<String, String> roles = new HashMap<>();
        for (Pod p : cluster.admin().pods().inNamespace(NAMESPACE).list().getItems()) {
            String name = p.getMetadata().getName();
            if (name.startsWith(BACKEND + "-") && p.getMetadata().getDeletionTimestamp() == null) {
                Map<String, String> labels = p.getMetadata().getLabels();
                roles.put(name, labels == null ? "" : labels.getOrDefault("kubedb.com/role", ""));
            }
        }
        return roles;
    }

    private static Map<String, String> leaseAnnotations() {
        Map<String, String> a = cluster.admin().leases().inNamespace(NAMESPACE).withName(BACKEND + "-leader").get()
                .getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    private static Set<String> recordedSyncMembers() {
        return LeaseAnnotations.decode(leaseAnnotations()).syncMembers();
    }

    private static String primary() {
        List<Pod> primaries = cluster.admin().pods().inNamespace(NAMESPACE).withLabel("kubedb.com/role", "primary").list()
                .getItems();
        assertThat(primaries).hasSize(1);
        return primaries.get(0).getMetadata().getName();
    }

    /** Pod name to uid of the pods whose name starts with {@code prefix}-. */
    private static Map<String, String> uids(String prefix) {
        Map<String, String> uids = new HashMap<>();
        for (Pod p : cluster.admin().pods().inNamespace(NAMESPACE).list().getItems()) {
            String name = p.getMetadata().getName();
            if (name.startsWith(prefix + "-") && (prefix.equals(BACKEND) || !name.startsWith(BACKEND))) {
                uids.put(name, p.getMetadata().getUid());
            }
        }
        return uids;
    }
}
