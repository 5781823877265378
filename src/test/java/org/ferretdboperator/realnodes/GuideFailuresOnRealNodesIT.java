package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.bson.Document;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.harness.RealNodeBenchReport;
import org.ferretdboperator.harness.RoleLabels;
import org.ferretdboperator.harness.ferretdb.Gaps;
import org.ferretdboperator.harness.ForeignCpu;
import org.ferretdboperator.harness.ferretdb.MongoWorkload;
import org.ferretdboperator.harness.ferretdb.SetChecker;
import org.ferretdboperator.ferretdb.StrandedServerConnections;
import org.ferretdboperator.support.Labels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The guide's failure cases on real pods: one three-node cluster (operator installed by Helm) and one FerretDB object
 * from the seed manifest (version 1.24.2, the catalog's PostgreSQL 17 backend) in a "restricted" namespace. Each case
 * runs a bounded writer of unique ids through the {@code ferret} Service (an id counts as acknowledged only when the
 * driver returned success) and a reader by id through {@code ferret-secondary}, watches the backend pods' role labels
 * and the steps of the failover ({@link FailoverTimeline}), applies the fault with kubectl (for a crash, through the
 * node's containerd; for a lost node, hack/local-cluster.sh node-stop), waits until every backend pod is Ready with one
 * primary and two secondaries, and
 * checks the set read back through {@code ferret}: no acknowledged insert missing, no duplicate, no phantom, never two
 * primary labels at once, and writes acknowledged again after the recovery. In the test command each case runs once;
 * {@code hack/failover-bench.sh --real-nodes} repeats them ({@code -Drealnodes.bench.runs}) and writes the report
 * ({@link RealNodeBenchReport}). The timings are logged and reported, never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuideFailuresOnRealNodesIT {

    static final String NAMESPACE = "guide-failures";
    static final String FERRETDB = "ferret";
    static final String BACKEND = FERRETDB + "-pg-backend";
    /**
     * The seed asks for two primary servers; FerretDB 1.x gets one (its servers cache the collection catalogue per
     * process, see ServerGroup), the two secondary servers as asked.
     */
    static final int PRIMARY_SERVERS = 1;
    static final Duration FIRST_READY = Duration.ofMinutes(6);
    static final Duration RECOVERY = Duration.ofMinutes(5);
    static final Duration WRITES_RESUME = Duration.ofMinutes(2);
    /** The writer stops by itself after this long, whatever happens to the case. */
    static final Duration WRITER_BOUND = Duration.ofMinutes(9);

    /** Runs per case: 1 in the test suite; hack/failover-bench.sh --real-nodes sets more (a benchmark). */
    static final int RUNS = Integer.getInteger("realnodes.bench.runs", 1);
    /** Where the benchmark's report goes (results.json, report.md, gaps.png); unset: no report. */
    static final String BENCH_DIR = System.getProperty("realnodes.bench.dir", "");
    static final Map<String, String> TITLES = new java.util.LinkedHashMap<>();
    static final List<RealNodeBenchReport.Run> runs = java.util.Collections.synchronizedList(new ArrayList<>());

    static final String SECONDARY_SERVICE = FERRETDB + "-secondary";
    /** Documents inserted (and acknowledged) at set-up, read back by id through ferret-secondary during every case. */
    static final String READS = "reads";
    static final int READ_DOCUMENTS = 100;
    static final Duration READ_INTERVAL = Duration.ofMillis(100);

    static RealNodeCluster cluster;
    static MongoClient client;
    static MongoClient readClient;
    static final List<Object> readIds = new ArrayList<>();
    static long classStart;
    /** The benchmark only: CPU that went to other processes meanwhile (whether the machine was quiet). */
    static ForeignCpu foreignCpu;
    static final List<String> summary = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        classStart = System.nanoTime();
        cluster = RealNodeCluster.start("real-nodes-failures");
        if (!BENCH_DIR.isEmpty()) {
            foreignCpu = ForeignCpu.start(cluster.ownProcesses());
        }
        var cp = cluster.controlPlane();
        cp.kubectl("create", "namespace", NAMESPACE).requireSuccess();
        cp.kubectl("label", "namespace", NAMESPACE, "pod-security.kubernetes.io/enforce=restricted").requireSuccess();
        String seed = Files.readString(RealNodeCluster.seedManifest())
                .replace("namespace: demo", "namespace: " + NAMESPACE)
                .replace("version: \"2.0.0\"", "version: \"1.24.2\"");
        assertThat(seed).as("the seed names namespace demo and version 2.0.0").contains("namespace: " + NAMESPACE)
                .contains("\"1.24.2\"");
        long applied = System.nanoTime();
        cluster.apply(seed);
        try {
            await("every pod of the guide Ready").atMost(FIRST_READY).pollInterval(Duration.ofSeconds(1))
                    .until(() -> settled(p -> true) && ferretReady());
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
        log("setup", "every pod Ready %.1f s after kubectl apply (cluster start and operator install %.1f s)",
                seconds(applied), (applied - classStart) / 1e9);
        client = cluster.mongo(NAMESPACE, FERRETDB, FERRETDB, "&socketTimeoutMS=15000");
        // Before any client reaches a secondary FerretDB server: FerretDB 1.x loads its collection catalogue once per
        // process, so the collection must exist before the secondary servers first serve (see README).
        insertReadDocuments(client.getDatabase("guide").getCollection(READS));
        readClient = cluster.mongo(NAMESPACE, SECONDARY_SERVICE, FERRETDB, "&socketTimeoutMS=5000");
    }

    private static void insertReadDocuments(MongoCollection<Document> reads) {
        await("the documents for the readers inserted through " + FERRETDB).atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                    for (long id = readIds.size() + 1; id <= READ_DOCUMENTS; id++) {
                        reads.insertOne(new Document("_id", id).append("for", "readers"));
                        readIds.add(id);
                    }
                    return true;
                });
    }

    @AfterAll
    static void stopCluster() {
        if (foreignCpu != null) {
            foreignCpu.close();
        }
        if (client != null) {
            client.close();
        }
        if (readClient != null) {
            readClient.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        summary.forEach(line -> log("summary", "%s", line));
        log("summary", "class wall time %.1f s", seconds(classStart));
    }

    @Test
    @Order(1)
    void case1DeletePrimary() {
        repeat("case1-delete-primary", "guide case 1: kubectl delete pod of the primary",
                (n, m) -> runCase(n, m, false, roles -> List.of(roles.primary()), pods -> delete(pods)));
    }

    @Test
    @Order(2)
    void case1ForceDeletePrimary() {
        repeat("case1-force-delete-primary", "guide case 1 forced: kubectl delete pod --grace-period=0 --force",
                (n, m) -> runCase(n, m, false, roles -> List.of(roles.primary()),
                        pods -> delete(pods, "--grace-period=0", "--force")));
    }

    @Test
    @Order(3)
    void case2DeletePrimaryAndASecondary() {
        repeat("case2-delete-primary-and-secondary", "guide case 2: the primary and one secondary deleted together",
                (n, m) -> runCase(n, m, false, roles -> List.of(roles.primary(), roles.secondaries().get(0)),
                        pods -> delete(pods)));
    }

    @Test
    @Order(4)
    void case3DeleteBothSecondaries() {
        repeat("case3-delete-both-secondaries", "guide case 3: both secondaries deleted (the primary stays)",
                (n, m) -> runCase(n, m, true, Roles::secondaries, pods -> delete(pods)));
    }

    @Test
    @Order(5)
    void case4DeleteEveryBackendPod() {
        repeat("case4-delete-every-pod", "guide case 4: every backend pod deleted",
                (n, m) -> runCase(n, m, false, roles -> List.of(roles.primary(), roles.secondaries().get(0),
                        roles.secondaries().get(1)), pods -> delete(pods)));
    }

    @Test
    @Order(6)
    void primaryPostgresContainerCrash() {
        repeat("crash-primary-postgres-container", "the primary's postgres container killed (SIGKILL; the kubelet "
                + "restarts it)", (n, m) -> runCase(n, m, false, roles -> List.of(roles.primary()), pods -> {
                    Command.Result r = cluster.killContainer(pods.get(0), "postgres");
                    assertThat(r.exitCode()).as("SIGKILL of the primary's postgres container\n" + r.describe())
                            .isZero();
                }));
    }

    /**
     * The node holding the primary lost at once (hack/local-cluster.sh node-stop: link cut, kubelet, containerd, shims
     * and containers SIGKILLed), down until the failover is over, then back, and its member rejoins. Clients go through
     * a surviving node (the host's own route to the Service CIDR goes through node-1). The pod on the lost node is not
     * deleted by anyone: failover must not wait for it, and the new Lease holder removes its primary label.
     */
    @Test
    @Order(7)
    void nodeLost() {
        repeat("node-lost", "a lost node: the primary's node stops at once (network cut, kubelet, containerd and every "
                + "container killed) until the failover is over, then comes back", (n, m) -> {
                    awayFromTheFerretDbServer(n);
                    runCase(n, m, false, roles -> List.of(roles.primary()), pods -> { }, true);
                });
    }

    /**
     * With one primary FerretDB server, a lost node that also runs it stops every write until it returns, whatever
     * the backend does (its StatefulSet pod is not replaced while the node is down). That is not what this case
     * measures, so the backend's primary is first moved off that node by a graceful delete of the primary pod.
     */
    private static void awayFromTheFerretDbServer(String name) {
        await(name + ": the backend settled").atMost(RECOVERY).pollInterval(Duration.ofMillis(500))
                .until(() -> settled(p -> true));
        String serverNode = ferretServers().get(0).getSpec().getNodeName();
        Pod primary = backendPods().stream().filter(p -> p.getMetadata().getName().equals(roles().primary()))
                .findFirst().orElseThrow();
        if (!serverNode.equals(primary.getSpec().getNodeName())) {
            return;
        }
        log(name, "the primary %s shares %s with the FerretDB server: moving the primary off it first",
                primary.getMetadata().getName(), serverNode);
        try {
            delete(List.of(primary));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        await(name + ": the primary moved off " + serverNode).atMost(RECOVERY).pollInterval(Duration.ofMillis(500))
                .until(() -> settled(p -> !p.getMetadata().getUid().equals(primary.getMetadata().getUid()))
                        && !roles().primary().equals(primary.getMetadata().getName()));
    }

    interface Case {
        void run(String name, RealNodeBenchReport.Run[] measured);
    }

    /**
     * Runs a case {@link #RUNS} times, records every run (for the benchmark's report, rewritten after each run) and
     * fails with the first failure once all runs are done.
     */
    private static void repeat(String name, String title, Case c) {
        TITLES.put(name, title);
        AssertionError first = null;
        for (int i = 1; i <= RUNS; i++) {
            RealNodeBenchReport.Run[] measured = new RealNodeBenchReport.Run[1];
            double load = RealNodeBenchReport.load1();
            String label = RUNS == 1 ? name : name + " #" + i;
            try {
                c.run(label, measured);
                runs.add(withRun(measured[0], name, i, load, true, null));
            } catch (AssertionError e) {
                String failure = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                runs.add(measured[0] != null ? withRun(measured[0], name, i, load, false, failure)
                        : new RealNodeBenchReport.Run(name, i, false, failure, Double.NaN, Double.NaN, Double.NaN, 0, 0,
                                0, 0, 0, null, null, load, Double.NaN, Map.of()));
                if (first == null) {
                    first = e;
                }
            }
            writeReport();
        }
        if (first != null) {
            throw first;
        }
    }

    private static RealNodeBenchReport.Run withRun(RealNodeBenchReport.Run m, String name, int index, double load,
            boolean passed, String failure) {
        return new RealNodeBenchReport.Run(name, index, passed, failure, m.writeOutageSeconds(), m.gapSeconds(),
                m.restoredSeconds(), m.acknowledged(), m.lost(), m.phantoms(), m.duplicates(), m.dualPrimaries(),
                m.primaryBefore(), m.primaryAfter(), load, m.readOutageSeconds(), m.steps());
    }

    private static void writeReport() {
        if (!BENCH_DIR.isEmpty()) {
            RealNodeBenchReport.write(java.nio.file.Path.of(BENCH_DIR), List.copyOf(runs), TITLES, seconds(classStart),
                    "hack/failover-bench.sh --real-nodes --runs " + RUNS, foreignCpu == null ? null : foreignCpu.share());
        }
    }

    /**
     * The client-seen write outage: {end of the longest stretch without an acknowledged insert that overlaps
     * [fault, restored], its length}; the stretch starts at the last acknowledgement before the fault and ends at
     * the next acknowledgement (one after the recovery included). As {@link Gaps#longest}, with the end.
     */
    static long[] outage(List<Long> acks, long fault, long restored) {
        List<Long> sorted = acks.stream().sorted().toList();
        long previous = fault;
        for (long t : sorted) {
            if (t < fault) {
                previous = t;
            }
        }
        long longest = -1;
        long end = restored;
        for (long t : sorted) {
            if (t < fault) {
                continue;
            }
            if (t - previous > longest) {
                longest = t - previous;
                end = t;
            }
            if (t > restored) {
                break;
            }
            previous = t;
        }
        if (longest < 0) {
            // nothing acknowledged after the fault: the stretch runs to the recovery
            longest = restored - previous;
        }
        return new long[] {end, longest};
    }

    /** The backend's roles as labelled now: exactly one primary and two secondaries, or the assertion fails. */
    record Roles(String primary, List<String> secondaries) {
    }

    interface Fault {
        void apply(List<Pod> targets) throws Exception;
    }

    /**
     * One case: a writer and a label watcher, the fault on the pods {@code targets} picks, the wait for every backend
     * pod to be back in its role, then the checks. {@code crash} faults leave the pods in place; the recovery is
     * then a restart of the killed container, otherwise new pods (new UIDs) for the deleted ones.
     */
    private static void runCase(String name, RealNodeBenchReport.Run[] measured, boolean primaryMustStay,
            java.util.function.Function<Roles, List<String>> targets, Fault fault) {
        runCase(name, measured, primaryMustStay, targets, fault, false);
    }

    /**
     * {@code nodeLost}: the fault is the loss of the primary's node ({@code fault} is not used); recovered means a new
     * primary labelled and Ready while the node is still down (the failover), then writes acknowledged while it is
     * still down; then the node comes back and every member must be back in its role before the checks.
     */
    private static void runCase(String name, RealNodeBenchReport.Run[] measured, boolean primaryMustStay,
            java.util.function.Function<Roles, List<String>> targets, Fault fault, boolean nodeLost) {
        List<MongoClient> ownClients = new ArrayList<>();
        try {
            await(name + ": the backend settled before the fault").atMost(RECOVERY).pollInterval(Duration.ofMillis(500))
                    .until(() -> settled(p -> true));
            Roles before = roles();
            Map<String, Pod> pods = backendPods().stream()
                    .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
            List<Pod> victims = targets.apply(before).stream().map(pods::get).toList();
            Set<String> victimUids = victims.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
            Map<String, Integer> restartsBefore = new TreeMap<>();
            victims.forEach(p -> restartsBefore.put(p.getMetadata().getName(), postgresRestarts(p)));
            boolean crash = name.startsWith("crash");
            String collectionName = name.replace(" #", "-run-");
            Pod oldPrimary = pods.get(before.primary());
            int lostNode = nodeLost ? RealNodeCluster.nodeNumber(oldPrimary) : 0;
            MongoClient writeVia = client;
            MongoClient readVia = readClient;
            if (nodeLost) {
                // clients whose path (relay, kube-proxy) is on a node that stays up
                int through = lostNode % RealNodeCluster.NODES + 1;
                writeVia = cluster.mongoThrough(through, NAMESPACE, FERRETDB, FERRETDB, "&socketTimeoutMS=15000");
                ownClients.add(writeVia);
                readVia = cluster.mongoThrough(through, NAMESPACE, SECONDARY_SERVICE, FERRETDB, "&socketTimeoutMS=5000");
                ownClients.add(readVia);
            }
            // Recovered: the deleted pods replaced (or the killed container restarted), all Ready, roles complete.
            Predicate<Pod> recovered = crash
                    ? p -> !restartsBefore.containsKey(p.getMetadata().getName())
                            || postgresRestarts(p) > restartsBefore.get(p.getMetadata().getName())
                    : p -> !victimUids.contains(p.getMetadata().getUid());
            MongoCollection<Document> collection = writeVia.getDatabase("guide").getCollection(collectionName);
            List<String> notListing = createOnEveryServer(collectionName);

            try (RoleLabels labels = new RoleLabels(cluster.admin(), NAMESPACE, BACKEND);
                    FailoverTimeline timeline = new FailoverTimeline(cluster.admin(), NAMESPACE, BACKEND, FERRETDB)) {
                await(name + ": the label watcher sees the three backend pods").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100)).until(() -> labels.now().roles().size() == 3);
                MongoWorkload writer = new MongoWorkload(collection, 2, Duration.ofMillis(50),
                        readVia.getDatabase("guide").getCollection(READS), readIds, READ_INTERVAL).start(WRITER_BOUND);
                try {
                    await(name + ": inserts acknowledged through " + FERRETDB + " before the fault")
                            .atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                            .until(() -> writer.acks().size() >= 20);
                    int serverRestartsBefore = serverRestartEvents();
                    java.time.Instant faultWall = java.time.Instant.now();
                    long faultAt = System.nanoTime();
                    timeline.markFault(faultAt, victims, oldPrimary, nodeLost ? "node-" + lostNode : null);
                    if (nodeLost) {
                        cluster.nodeStop(lostNode);
                    } else {
                        fault.apply(victims);
                    }
                    long faultApplied = System.nanoTime();
                    Map<String, Double> extraSteps = new TreeMap<>();
                    String oldPodWhileDown = null;
                    long restored;
                    if (nodeLost) {
                        await(name + ": a new primary labelled and Ready while " + oldPrimary.getSpec().getNodeName()
                                + " is down").atMost(RECOVERY).pollInterval(Duration.ofMillis(250))
                                .until(() -> failedOverFrom(before.primary()));
                        restored = System.nanoTime();
                        await(name + ": inserts acknowledged through " + FERRETDB + " while the node is down")
                                .atMost(WRITES_RESUME).pollInterval(Duration.ofMillis(100))
                                .until(() -> writer.acks().stream().filter(a -> a.sentNanos() > restored).count() >= 10);
                        Pod stillThere = cluster.admin().pods().inNamespace(NAMESPACE).withName(before.primary()).get();
                        oldPodWhileDown = stillThere == null ? "gone" : "uid " + (stillThere.getMetadata().getUid()
                                .equals(oldPrimary.getMetadata().getUid()) ? "unchanged" : "changed") + ", role label "
                                + stillThere.getMetadata().getLabels().get(Labels.ROLE);
                        extraSteps.put("writes acknowledged again (10) with the node down", (System.nanoTime() - faultAt) / 1e9);
                        cluster.nodeStart(lostNode);
                        extraSteps.put("lost node started again", (System.nanoTime() - faultAt) / 1e9);
                        await(name + ": every backend pod Ready with one primary and two secondaries after the node "
                                + "returned").atMost(RECOVERY).pollInterval(Duration.ofMillis(250))
                                .until(() -> settled(p -> true));
                        extraSteps.put("every member back in its role", (System.nanoTime() - faultAt) / 1e9);
                    } else {
                        await(name + ": every backend pod Ready with one primary and two secondaries").atMost(RECOVERY)
                                .pollInterval(Duration.ofMillis(250)).until(() -> settled(recovered));
                        restored = System.nanoTime();
                    }
                    long settledAt = System.nanoTime();
                    Roles after = roles();
                    try {
                        await(name + ": inserts acknowledged through " + FERRETDB + " after the recovery")
                                .atMost(WRITES_RESUME).pollInterval(Duration.ofMillis(100))
                                .until(() -> writer.acks().stream().filter(a -> a.sentNanos() > settledAt).count() >= 10);
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        List<MongoWorkload.Failure> recent = writer.writeFailures().stream()
                                .filter(f -> f.atNanos() > settledAt).toList();
                        throw new AssertionError(e.getMessage() + "; " + recent.size() + " insert(s) failed since the "
                                + "recovery, by kind " + MongoWorkload.kinds(recent), e);
                    }
                    writer.stop(Duration.ofSeconds(30));

                    List<MongoWorkload.Ack> acks = writer.acks();
                    List<Long> ackTimes = acks.stream().map(MongoWorkload.Ack::ackedNanos).toList();
                    long[] outageEndAndGap = outage(ackTimes, faultAt, restored);
                    long outage = outageEndAndGap[0] - faultAt;
                    List<Long> readTimes = writer.reads().stream().filter(MongoWorkload.Read::ok)
                            .map(MongoWorkload.Read::doneNanos).toList();
                    long readOutage = outage(readTimes, faultAt, restored)[0] - faultAt;
                    long readFailuresAfter = writer.readFailures().stream().filter(f -> f.atNanos() >= faultAt).count();
                    Map<String, Double> steps = new TreeMap<>(timeline.steps());
                    steps.putAll(FailoverTimeline.coordinatorSteps(coordinatorLogs(faultWall), faultWall));
                    steps.putAll(extraSteps);
                    String stepLine = steps.entrySet().stream().sorted(Map.Entry.comparingByValue())
                            .map(e -> String.format("%s %+.2f", e.getKey(), e.getValue()))
                            .collect(Collectors.joining("; "));
                    List<MongoWorkload.Failure> failures = writer.writeFailures();
                    long failedBefore = failures.stream().filter(f -> f.atNanos() < faultAt).count();
                    long failedAfter = failures.stream().filter(f -> f.atNanos() > restored).count();
                    Set<Long> present = readBack(collection);
                    long documents = collection.countDocuments();
                    SetChecker.Result check = SetChecker.compare(writer.attempted(),
                            acks.stream().map(MongoWorkload.Ack::id).toList(), present);
                    // The Service balances connections over the FerretDB pods: each of them must serve the same set.
                    Map<String, SetChecker.Result> perServer = new TreeMap<>();
                    for (Pod server : ferretServers()) {
                        try (MongoClient direct = cluster.mongoAt(server.getStatus().getPodIP(), NAMESPACE, FERRETDB,
                                "&socketTimeoutMS=15000")) {
                            perServer.put(server.getMetadata().getName(), SetChecker.compare(writer.attempted(),
                                    acks.stream().map(MongoWorkload.Ack::id).toList(),
                                    readBack(direct.getDatabase("guide").getCollection(collectionName))));
                        }
                    }
                    List<RoleLabels.DualPrimary> dual = labels.dualPrimaries();
                    boolean primaryKept = labels.history().stream().filter(s -> s.nanos() >= faultAt)
                            .allMatch(s -> s.primaries().equals(List.of(before.primary())));

                    String line = String.format("%s: primary %s -> %s; fault applied in %.1f s; write outage %.2f s; "
                            + "read outage (" + SECONDARY_SERVICE + ") %.2f s, " + readFailuresAfter + " failed read(s) "
                            + "after the fault; roles restored %.1f s after the fault; "
                            + "acknowledged %d, attempted %d, present %d, lost %d, phantom %d, duplicates %d, "
                            + "unacknowledged but present %d; per FerretDB pod (present/lost) %s; two primary labels %d time(s); "
                            + "write failures %d before the fault, %d after the recovery, by kind %s",
                            name, before.primary(), after.primary(), (faultApplied - faultAt) / 1e9, outage / 1e9,
                            readOutage / 1e9, (restored - faultAt) / 1e9, check.acknowledged(),
                            writer.attempted().size(), check.present(), check.lost().size(), check.unexpected().size(),
                            documents - present.size(), check.recovered(), perServer.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().present()
                                    + "/" + e.getValue().lost().size()).toList(), dual.size(),
                            failedBefore, failedAfter, MongoWorkload.kinds(failures));
                    log(name, "%s", line);
                    log(name, "where the time went (s after the fault): %s", stepLine);
                    if (nodeLost) {
                        log(name, "the old primary's pod %s while %s was down: %s", before.primary(),
                                oldPrimary.getSpec().getNodeName(), oldPodWhileDown);
                    }
                    summary.add(line);
                    measured[0] = new RealNodeBenchReport.Run(name, 0, true, null, outage / 1e9,
                            outageEndAndGap[1] / 1e9, (restored - faultAt) / 1e9, check.acknowledged(),
                            check.lost().size(), check.unexpected().size(), documents - present.size(), dual.size(),
                            before.primary(), after.primary(), Double.NaN, readOutage / 1e9, steps);

                    SoftAssertions soft = new SoftAssertions();
                    soft.assertThat(notListing).as(name + ": FerretDB pods that did not list the case's collection "
                            + "before the writer started").isEmpty();
                    soft.assertThat(check.lost().size()).as(name + ": acknowledged inserts missing after the recovery: "
                            + SetChecker.Result.sample(check.lost())).isZero();
                    soft.assertThat(check.unexpected().size()).as(name + ": ids nobody inserted: "
                            + SetChecker.Result.sample(check.unexpected())).isZero();
                    soft.assertThat(perServer).as(name + ": the FerretDB pods behind " + FERRETDB)
                            .hasSize(PRIMARY_SERVERS);
                    perServer.forEach((server, result) -> soft.assertThat(result.lost().size())
                            .as(name + ": acknowledged inserts missing when read through FerretDB pod " + server + ": "
                                    + SetChecker.Result.sample(result.lost())).isZero());
                    soft.assertThat(documents).as(name + ": documents counted vs distinct ids read back (duplicates)")
                            .isEqualTo(present.size());
                    soft.assertThat(dual.stream().map(d -> String.format("%s from %+.2f s after the fault for %.2f s",
                            d.members(), (d.fromNanos() - faultAt) / 1e9, d.seconds())).toList())
                            .as(name + ": moments with two pods labelled primary").isEmpty();
                    int serverRestarts = serverRestartEvents() - serverRestartsBefore;
                    if (nodeLost) {
                        soft.assertThat(serverRestarts).as(name + ": the operator restarted the primary FerretDB servers "
                                + "(Event " + StrandedServerConnections.EVENT_REASON + ") once the failover away from "
                                + "the lost node was over: their connections to it would wait for TCP to give up")
                                .isPositive();
                    } else {
                        soft.assertThat(serverRestarts).as(name + ": FerretDB servers restarted by the operator (Event "
                                + StrandedServerConnections.EVENT_REASON + "), though the old primary's host answers")
                                .isZero();
                    }
                    if (nodeLost) {
                        soft.assertThat(oldPodWhileDown).as(name + ": the old primary's pod when the failover was over "
                                + "and writes were acknowledged again, its node still down (failover did not wait for "
                                + "it to be deleted or replaced, and its primary label was taken away)")
                                .isEqualTo("uid unchanged, role label null");
                        soft.assertThat(after.secondaries()).as(name + ": the lost node's member rejoined as a secondary")
                                .contains(before.primary());
                    }
                    if (primaryMustStay) {
                        soft.assertThat(after.primary()).as(name + ": the primary stays the same pod").isEqualTo(before.primary());
                        soft.assertThat(backendPods().stream().filter(p -> p.getMetadata().getName().equals(before.primary()))
                                .map(p -> p.getMetadata().getUid()).toList())
                                .as(name + ": the primary pod is the same object").containsExactly(
                                        pods.get(before.primary()).getMetadata().getUid());
                        soft.assertThat(primaryKept).as(name + ": only " + before.primary()
                                + " carried the primary label throughout: " + labels.history().stream()
                                .filter(h -> h.nanos() >= faultAt).map(RoleLabels.Snapshot::primaries).distinct().toList())
                                .isTrue();
                    }
                    soft.assertAll();
                } finally {
                    writer.stop(Duration.ofSeconds(30));
                }
            }
        } catch (AssertionError | RuntimeException e) {
            summary.add(name + ": FAILED: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        } catch (Exception e) {
            summary.add(name + ": FAILED: " + e);
            throw new AssertionError(name + ": " + e + "\n" + diagnostics(), e);
        } finally {
            ownClients.forEach(MongoClient::close);
        }
    }

    /** How many times the operator restarted this namespace's FerretDB servers after losing the primary's host. */
    private static int serverRestartEvents() {
        return cluster.admin().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> StrandedServerConnections.EVENT_REASON.equals(e.getReason()))
                .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum();
    }

    /** A pod other than {@code oldPrimary} labelled primary and Ready, and no other pod labelled primary. */
    private static boolean failedOverFrom(String oldPrimary) {
        List<Pod> primaries = backendPods().stream()
                .filter(p -> Labels.ROLE_PRIMARY.equals(p.getMetadata().getLabels().get(Labels.ROLE))).toList();
        return primaries.size() == 1 && !primaries.get(0).getMetadata().getName().equals(oldPrimary)
                && RealNodeCluster.ready(primaries.get(0));
    }

    /** Every backend pod's coordinator log since the fault, with timestamps (for where the time went). */
    private static List<String> coordinatorLogs(java.time.Instant since) {
        List<String> out = new ArrayList<>();
        for (Pod pod : backendPods()) {
            Command.Result r = cluster.controlPlane().kubectl("logs", "-n", NAMESPACE, pod.getMetadata().getName(),
                    "-c", "pg-coordinator", "--timestamps", "--since-time=" + since.minusSeconds(1));
            out.add(r.stdout());
        }
        return out;
    }

    private static void delete(List<Pod> pods, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("delete", "pod", "-n", NAMESPACE, "--wait=false"));
        args.addAll(List.of(flags));
        pods.forEach(p -> args.add(p.getMetadata().getName()));
        Command.Result r = cluster.controlPlane().kubectl(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    /** All set reads through ferret; retried while the backend may still be settling its connections. */
    private static Set<Long> readBack(MongoCollection<Document> collection) {
        List<Set<Long>> out = new ArrayList<>();
        await("the ids read back through " + FERRETDB).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> out.add(SetChecker.readIds(collection)));
        return out.get(0);
    }

    private static List<Pod> backendPods() {
        return cluster.admin().pods().inNamespace(NAMESPACE).withLabels(Labels.postgresSelector(BACKEND)).list()
                .getItems().stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    /** Three backend pods, each Ready and {@code recovered}, one labelled primary and two secondary. */
    private static boolean settled(Predicate<Pod> recovered) {
        List<Pod> pods = backendPods();
        if (pods.size() != 3 || !pods.stream().allMatch(p -> RealNodeCluster.ready(p) && recovered.test(p))) {
            return false;
        }
        Map<String, Long> roles = pods.stream().collect(Collectors.groupingBy(
                p -> String.valueOf(p.getMetadata().getLabels().get(Labels.ROLE)), Collectors.counting()));
        return roles.equals(Map.of(Labels.ROLE_PRIMARY, 1L, "secondary", 2L));
    }

    /**
     * Creates the case's collection through one FerretDB pod and waits until every FerretDB pod behind {@code ferret}
     * lists it, before the writer starts, so that two FerretDB servers do not race to create it. Returns the pods that
     * did not list it within 30 s (a FerretDB server whose view of the backend's collections is stale).
     */
    private static List<String> createOnEveryServer(String name) {
        List<Pod> servers = ferretServers();
        assertThat(servers).as("the FerretDB pods behind " + FERRETDB).hasSize(PRIMARY_SERVERS);
        try (MongoClient first = cluster.mongoAt(servers.get(0).getStatus().getPodIP(), NAMESPACE, FERRETDB,
                "&socketTimeoutMS=15000")) {
            await(name + ": collection created through " + servers.get(0).getMetadata().getName())
                    .atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> {
                        try {
                            first.getDatabase("guide").createCollection(name);
                        } catch (com.mongodb.MongoCommandException e) {
                            if (e.getErrorCode() != 48) { // NamespaceExists: an earlier attempt did create it
                                throw e;
                            }
                        }
                        return true;
                    });
        }
        List<String> notListing = new ArrayList<>();
        for (Pod server : servers) {
            try (MongoClient direct = cluster.mongoAt(server.getStatus().getPodIP(), NAMESPACE, FERRETDB,
                    "&socketTimeoutMS=15000")) {
                await(name + ": collection listed by " + server.getMetadata().getName()).atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                        .until(() -> direct.getDatabase("guide").listCollectionNames().into(new ArrayList<>())
                                .contains(name));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                notListing.add(server.getMetadata().getName());
                log(name, "FerretDB pod %s does not list collection %s 30 s after %s created it", server.getMetadata()
                        .getName(), name, servers.get(0).getMetadata().getName());
            }
        }
        return notListing;
    }

    /** The FerretDB pods behind the {@code ferret} Service. */
    private static List<Pod> ferretServers() {
        return cluster.admin().pods().inNamespace(NAMESPACE).withLabels(Labels.ferretdbSelector(FERRETDB, "primary"))
                .list().getItems();
    }

    private static boolean ferretReady() {
        List<Pod> pods = cluster.admin().pods().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(p -> p.getMetadata().getName().startsWith(FERRETDB + "-") && !p.getMetadata().getName()
                        .startsWith(BACKEND))
                .toList();
        return pods.size() == PRIMARY_SERVERS + 2 && pods.stream().allMatch(RealNodeCluster::ready);
    }

    private static Roles roles() {
        List<Pod> pods = backendPods();
        List<String> primaries = pods.stream()
                .filter(p -> Labels.ROLE_PRIMARY.equals(p.getMetadata().getLabels().get(Labels.ROLE)))
                .map(p -> p.getMetadata().getName()).toList();
        List<String> secondaries = pods.stream()
                .filter(p -> "secondary".equals(p.getMetadata().getLabels().get(Labels.ROLE)))
                .map(p -> p.getMetadata().getName()).toList();
        assertThat(primaries).as("pods labelled primary").hasSize(1);
        assertThat(secondaries).as("pods labelled secondary").hasSize(2);
        return new Roles(primaries.get(0), secondaries);
    }

    private static int postgresRestarts(Pod pod) {
        return pod.getStatus().getContainerStatuses() == null ? 0 : pod.getStatus().getContainerStatuses().stream()
                .filter(c -> "postgres".equals(c.getName())).mapToInt(ContainerStatus::getRestartCount).sum();
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void log(String what, String format, Object... args) {
        System.out.printf("[real-nodes] %s: %s%n", what, String.format(format, args));
    }

    private static String diagnostics() {
        StringBuilder out = new StringBuilder(cluster.describePods(NAMESPACE)).append('\n');
        for (int i = 0; i < 3; i++) {
            out.append(cluster.logs(NAMESPACE, BACKEND + "-" + i, "pg-coordinator")).append('\n');
            out.append(cluster.decisionLog(NAMESPACE, BACKEND + "-" + i, "pg-coordinator")).append('\n');
            // PostgreSQL's own messages (the runner sends the server log to this container's log): why a start failed
            out.append(cluster.logs(NAMESPACE, BACKEND + "-" + i, "postgres")).append('\n');
        }
        for (int i = 0; i < PRIMARY_SERVERS; i++) {
            out.append(cluster.logs(NAMESPACE, FERRETDB + "-" + i, "ferretdb")).append('\n');
        }
        out.append(cluster.operatorLog());
        return out.toString();
    }

    static {
        java.util.logging.Logger.getLogger("org.mongodb.driver").setLevel(java.util.logging.Level.WARNING);
    }
}
