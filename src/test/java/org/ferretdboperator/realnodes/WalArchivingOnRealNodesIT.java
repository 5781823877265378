package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.bson.Document;
import org.ferretdboperator.contract.MemberStateCodec;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.coordinator.decision.ArchiverState;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Continuous WAL archiving configured on the FerretDB object (spec.backend.archiver) and working on real pods: the
 * operator's pod template gives the coordinators the archiver's settings and mounts the credentials Secret, the
 * postgres containers' pgBackRest (from the image hack/images.sh builds) pushes to a real S3 server (versitygw, a host
 * process on this cluster's network, reached by the pods through a Service without selector), writes go through the
 * {@code ferret} Service, the primary pod is deleted, more writes; then the store holds the new timeline's history file
 * and a WAL chain without a gap across the switch, and the WALArchiving condition reports the new primary archiving.
 */
class WalArchivingOnRealNodesIT {

    static final String NAMESPACE = "wal-archiving";
    static final String FERRETDB = "ferret";
    static final String BACKEND = FERRETDB + "-pg-backend";
    static final String BUCKET = "wal-archive";
    static final String PREFIX = "ferret";
    static final Duration POD_READY = Duration.ofMinutes(6);
    /** archive_timeout is 60 s: a segment with writes in it is closed and shipped within about that. */
    static final Duration ARCHIVED = Duration.ofMinutes(4);

    static RealNodeCluster cluster;
    static S3Server s3;

    @BeforeAll
    static void start() throws IOException {
        cluster = RealNodeCluster.start();
        Path dir = cluster.controlPlane().stateDir().resolve("s3");
        s3 = S3Server.start(cluster.controlPlane().projectDir(), dir, cluster.hostAddress(),
                List.of("s3." + NAMESPACE + ".svc", "s3." + NAMESPACE + ".svc.cluster.local"));
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void archivingSurvivesAFailoverWithoutAGapAndTheConditionSaysSo() throws Exception {
        LocalControlPlane cp = cluster.controlPlane();
        cp.kubectl("create", "namespace", NAMESPACE).requireSuccess();
        cp.kubectl("label", "namespace", NAMESPACE, "pod-security.kubernetes.io/enforce=restricted").requireSuccess();
        // the store as a self-hosted endpoint: a Service whose only endpoint is the host process
        cluster.apply("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: s3
                  namespace: %1$s
                spec:
                  ports:
                  - name: https
                    port: 443
                    targetPort: %2$d
                    protocol: TCP
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: s3-host
                  namespace: %1$s
                  labels:
                    kubernetes.io/service-name: s3
                addressType: IPv4
                ports:
                - name: https
                  port: %2$d
                  protocol: TCP
                endpoints:
                - addresses: ["%3$s"]
                """.formatted(NAMESPACE, s3.port(), cluster.hostAddress()));
        // KubeStash's keys, from files: never on a command line
        Path credentials = s3.writeCredentials(cp.stateDir().resolve("s3-credentials"));
        cp.kubectl("create", "secret", "generic", "s3-creds", "-n", NAMESPACE,
                "--from-file=AWS_ACCESS_KEY_ID=" + credentials.resolve("AWS_ACCESS_KEY_ID"),
                "--from-file=AWS_SECRET_ACCESS_KEY=" + credentials.resolve("AWS_SECRET_ACCESS_KEY"),
                "--from-file=CA_CERT_DATA=" + s3.caFile()).requireSuccess();
        cluster.apply("""
                apiVersion: kubedb.com/v1alpha2
                kind: FerretDB
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  version: "1.24.2"
                  backend:
                    storage:
                      accessModes: [ReadWriteOnce]
                      resources:
                        requests:
                          storage: 1Gi
                    archiver:
                      s3:
                        bucket: %s
                        endpoint: https://s3.%s.svc
                        prefix: %s
                        secretName: s3-creds
                      compression: lz4
                      retentionPolicy: 7d
                  deletionPolicy: WipeOut
                  server:
                    primary:
                      replicas: 1
                    secondary:
                      replicas: 1
                """.formatted(FERRETDB, NAMESPACE, BUCKET, NAMESPACE, PREFIX));
        try {
            awaitAllReady();
            String primary = soleprimary();
            ArchiverState first = awaitArchiving(primary, 1);
            log("archiving on %s: %d file(s), the last %s", primary, first.archivedCount(), first.lastArchivedWal());
            await("WALArchiving True on the Postgres and, as the backend's judgement, on the FerretDB")
                    .atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        assertThat(condition("postgreses.kubedb.com", BACKEND, "WALArchiving"))
                                .startsWith("True Archiving " + primary + " (primary): ");
                        assertThat(condition("ferretdbs.kubedb.com", FERRETDB, "WALArchiving"))
                                .startsWith("True Archiving backend Postgres: " + primary + " (primary): ");
                    });

            Set<String> acknowledged = new HashSet<>();
            try (MongoClient writer = cluster.mongo(NAMESPACE, FERRETDB, FERRETDB, "")) {
                insert(writer, "before-failover", 200, acknowledged);
                int timelineBefore = memberState(primary).orElseThrow().timeline();

                // the guide's first case: delete the primary pod
                cp.kubectl("delete", "pod", "-n", NAMESPACE, primary, "--wait=false").requireSuccess();
                await("a new primary other than " + primary).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                        .until(() -> primaries().stream().anyMatch(p -> !p.equals(primary)));
                awaitAllReady();
                String newPrimary = soleprimary();
                assertThat(newPrimary).isNotEqualTo(primary);
                await("writes through Service " + FERRETDB + " after the failover").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                            insert(writer, "after-failover", 200, acknowledged);
                            return true;
                        });
                int timelineAfter = memberState(newPrimary).orElseThrow().timeline();
                assertThat(timelineAfter).as("the new primary's timeline").isGreaterThan(timelineBefore);

                ArchiverState after = awaitArchiving(newPrimary, timelineAfter);
                log("after the failover %s archives timeline %d: the last %s", newPrimary, timelineAfter,
                        after.lastArchivedWal());
                await("WALArchiving names the new primary").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(condition("postgreses.kubedb.com", BACKEND, "WALArchiving"))
                                .startsWith("True Archiving " + newPrimary + " (primary): "));
                log("condition: %s", condition("postgreses.kubedb.com", BACKEND, "WALArchiving"));

                assertThat(timelineAfter).as("one failover, one new timeline").isEqualTo(timelineBefore + 1);
                Path archive = archiveDir();
                String history = "%08X.history".formatted(timelineAfter);
                // the standbys ship the old timeline's last segments too; a push that failed is retried within a minute
                await("the history file and a WAL chain without a gap in the store").atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
                            List<String> stored = storedNames(archive);
                            assertThat(stored).as("the history file of timeline " + timelineAfter + " in the store")
                                    .anyMatch(n -> n.startsWith(history));
                            WalChain.of(stored).assertNoGap(timelineBefore, timelineAfter,
                                    switchSegment(archive, timelineAfter));
                        });
                Optional<Long> switched = switchSegment(archive, timelineAfter);
                log("stored WAL: %s; switch segment from the history file: %s", WalChain.of(storedNames(archive)),
                        switched.map(Long::toHexString).orElse("unreadable"));
                assertThat(switched).as("the history file read").isPresent();

                // and every acknowledged insert is on the new primary (synchronous mode)
                Set<String> onPrimary = new HashSet<>();
                for (Document d : writer.getDatabase("archiving").getCollection("acks").find()) {
                    onPrimary.add(d.getString("_id"));
                }
                assertThat(onPrimary).containsAll(acknowledged);
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        } finally {
            cp.kubectl("delete", "namespace", NAMESPACE, "--wait=true", "--timeout=3m");
        }
    }

    /** Waits until {@code pod}'s published pg_stat_archiver shows a file of {@code timeline} archived, none failing. */
    private ArchiverState awaitArchiving(String pod, int timeline) {
        String prefix = "%08X".formatted(timeline);
        return await(pod + " archiving WAL of timeline " + timeline).atMost(ARCHIVED).pollInterval(Duration.ofSeconds(2))
                .until(() -> memberState(pod).map(MemberState::archiver).orElse(null),
                        a -> a != null && !a.failing() && a.lastArchivedWal() != null
                                // a segment, not the history file or the old timeline's .partial
                                && a.lastArchivedWal().matches(prefix + "[0-9A-F]{16}"));
    }

    private Optional<MemberState> memberState(String pod) {
        Pod p = cluster.admin().pods().inNamespace(NAMESPACE).withName(pod).get();
        if (p == null || p.getMetadata().getAnnotations() == null) {
            return Optional.empty();
        }
        return MemberStateCodec.decode(p.getMetadata().getAnnotations().get(PodContract.MEMBER_STATE_ANNOTATION));
    }

    /** pgBackRest's archive of the stanza (the Postgres object's name): one directory per database system. */
    private static Path archiveDir() throws IOException {
        Path stanza = s3.root().resolve(BUCKET).resolve(PREFIX).resolve("archive").resolve(BACKEND);
        try (Stream<Path> dbs = Files.list(stanza)) {
            List<Path> found = dbs.filter(Files::isDirectory).toList();
            assertThat(found).as("one database system in " + stanza).hasSize(1);
            return found.get(0);
        }
    }

    private static List<String> storedNames(Path archive) throws IOException {
        try (Stream<Path> files = Files.walk(archive)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The segment number the new timeline branched in, from its history file (plain or gz); empty if unreadable. */
    private static Optional<Long> switchSegment(Path archive, int timeline) throws IOException {
        String name = "%08X.history".formatted(timeline);
        try (Stream<Path> files = Files.list(archive)) {
            Optional<Path> file = files.filter(p -> p.getFileName().toString().startsWith(name)).findFirst();
            if (file.isEmpty()) {
                return Optional.empty();
            }
            String text;
            String fileName = file.get().getFileName().toString();
            if (fileName.equals(name)) {
                text = Files.readString(file.get());
            } else if (fileName.endsWith(".gz")) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file.get()))) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } else {
                return Optional.empty();
            }
            // "<parent timeline>\t<switch LSN>\t<reason>", the last line is the switch into this timeline
            Matcher m = Pattern.compile("(?m)^\\s*" + (timeline - 1) + "\\s+([0-9A-F]+)/([0-9A-F]+)").matcher(text);
            if (!m.find()) {
                return Optional.empty();
            }
            long lsn = (Long.parseLong(m.group(1), 16) << 32) | Long.parseLong(m.group(2), 16);
            return Optional.of(lsn / (16L << 20));
        }
    }

    /** Archived segments per timeline, as segment numbers (16 MiB segments: log * 256 + seg). */
    record WalChain(Map<Integer, TreeSet<Long>> segments) {

        static final Pattern SEGMENT = Pattern.compile("^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})-[0-9a-f]{40}(\\.[a-z0-9]+)?$");

        static WalChain of(List<String> names) {
            Map<Integer, TreeSet<Long>> segments = new TreeMap<>();
            for (String name : names) {
                Matcher m = SEGMENT.matcher(name);
                if (m.matches()) {
                    segments.computeIfAbsent(Integer.parseInt(m.group(1), 16), t -> new TreeSet<>())
                            .add(Long.parseLong(m.group(2), 16) * 256 + Long.parseLong(m.group(3), 16));
                }
            }
            return new WalChain(segments);
        }

        /**
         * Timeline {@code before} holds every segment from its first up to the one before the switch; timeline
         * {@code after} every segment from the switch on (it starts with a copy of the switch segment); the switch is
         * the history file's when it could be read, else the new timeline's first segment.
         */
        void assertNoGap(int before, int after, Optional<Long> historySwitch) {
            TreeSet<Long> old = segments.getOrDefault(before, new TreeSet<>());
            TreeSet<Long> now = segments.getOrDefault(after, new TreeSet<>());
            assertThat(old).as("segments of timeline " + before).isNotEmpty();
            assertThat(now).as("segments of timeline " + after).isNotEmpty();
            long switchSegment = historySwitch.orElse(now.first());
            historySwitch.ifPresent(s -> assertThat(now.first()).as("timeline " + after + " starts at the history file's "
                    + "switch segment").isEqualTo(s));
            for (long s = old.first(); s < switchSegment; s++) {
                assertThat(old).as("timeline %d segment %X before the switch at %X", before, s, switchSegment).contains(s);
            }
            for (long s = switchSegment; s <= now.last(); s++) {
                assertThat(now).as("timeline %d segment %X", after, s).contains(s);
            }
        }

        @Override
        public String toString() {
            return segments.entrySet().stream().map(e -> "timeline " + e.getKey() + ": " + Long.toHexString(e.getValue().first())
                    + ".." + Long.toHexString(e.getValue().last()) + " (" + e.getValue().size() + ")")
                    .collect(Collectors.joining(", "));
        }
    }

    private static void insert(MongoClient client, String prefix, int count, Set<String> acknowledged) {
        MongoCollection<Document> acks = client.getDatabase("archiving").getCollection("acks");
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + System.nanoTime() + "-" + i;
            acks.insertOne(new Document("_id", id).append("n", i).append("pad", "x".repeat(512)));
            acknowledged.add(id);
        }
    }

    private void awaitAllReady() {
        await("every pod Ready and one primary in " + NAMESPACE).atMost(POD_READY).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    soleprimary();
                    Map<String, Boolean> ready = cluster.admin().pods().inNamespace(NAMESPACE).list().getItems().stream()
                            .collect(Collectors.toMap(p -> p.getMetadata().getName(), RealNodeCluster::ready));
                    assertThat(ready).as(() -> cluster.describePods(NAMESPACE)).containsOnlyKeys(
                            BACKEND + "-0", BACKEND + "-1", BACKEND + "-2", FERRETDB + "-0", FERRETDB + "-secondary-0");
                    assertThat(ready.values()).as(() -> cluster.describePods(NAMESPACE)).containsOnly(true);
                });
    }

    private List<String> primaries() {
        return cluster.admin().pods().inNamespace(NAMESPACE).withLabels(Labels.postgresSelector(BACKEND)).list().getItems()
                .stream().filter(p -> "primary".equals(p.getMetadata().getLabels().get(Labels.ROLE)))
                .map(p -> p.getMetadata().getName()).toList();
    }

    private String soleprimary() {
        List<String> primaries = primaries();
        assertThat(primaries).as("pods labelled primary").hasSize(1);
        return primaries.get(0);
    }

    /** status, reason and message of one condition, as kubectl prints them. */
    private String condition(String resource, String name, String type) {
        String path = "{.status.conditions[?(@.type==\"" + type + "\")]";
        return cluster.controlPlane().kubectl("get", resource, name, "-n", NAMESPACE, "-o",
                "jsonpath=" + path + ".status} " + path + ".reason} " + path + ".message}").requireSuccess().stdout();
    }

    private static void log(String format, Object... args) {
        System.out.printf("[real-nodes] %s: %s%n", NAMESPACE, String.format(format, args));
    }

    private String diagnostics() {
        StringBuilder out = new StringBuilder(cluster.describePods(NAMESPACE)).append('\n');
        var conditions = cluster.controlPlane().kubectl("get", "postgreses.kubedb.com", BACKEND, "-n", NAMESPACE, "-o",
                "jsonpath={.status.conditions}");
        out.append("backend conditions: ").append(conditions.stdout()).append(conditions.stderr()).append('\n');
        for (int i = 0; i < 3; i++) {
            out.append(cluster.logs(NAMESPACE, BACKEND + "-" + i, "pg-coordinator")).append('\n');
            out.append(cluster.logs(NAMESPACE, BACKEND + "-" + i, "postgres")).append('\n');
        }
        return out.toString();
    }

    static {
        java.util.logging.Logger.getLogger("org.mongodb.driver").setLevel(java.util.logging.Level.WARNING);
    }
}
