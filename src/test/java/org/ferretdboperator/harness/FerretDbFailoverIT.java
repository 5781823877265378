package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.ferretdboperator.harness.ferretdb.Gaps;
import org.ferretdboperator.harness.ferretdb.MongoWorkload;
import org.ferretdboperator.harness.ferretdb.SetChecker;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seed guide's four cases as a MongoDB application sees them: real FerretDB servers in front of a fresh
 * three-member cluster in Synchronous mode (real PostgreSQL, real coordinators, real API server), the MongoDB Java
 * driver inserting unique ids through the primary server and reading through the secondary server while the pods are
 * deleted ({@code kubectl delete pod}, graceful, StatefulSet recreation: {@link Cluster#deletePods}). Asserted per case:
 * <ul>
 * <li>the client recovers by itself: the same client, with only the driver's own retry, gets inserts acknowledged
 * again once the cluster has settled, within {@link Experiment#SETTLE_TIMEOUT} of the fault;</li>
 * <li>the secondary server serves reads again once the cluster has settled, and, when a standby survives the fault
 * (case 1), reads never stop for longer than {@link #READ_GAP_BOUND};</li>
 * <li>a set check of every id read back through the primary server: no acknowledged insert missing (Synchronous mode)
 * and no id that was never sent.</li>
 * </ul>
 * The pods each case deletes are the ones {@link Scenario}'s guide cases delete; the run itself is this class's, as the
 * harness's JDBC writer and probes would only add load here.
 *
 * <p>"The driver's normal retry": the clients have retryWrites and retryReads on, and the run logs how many commands
 * they sent per operation. Against FerretDB 1.x they retry nothing: FerretDB answers {@code hello} as a standalone
 * server (retryable writes need a replica set or a sharded cluster), and it reports a lost backend connection as
 * error 1 (InternalError), which no driver retries. So every operation in flight during the outage fails, and
 * recovering by itself means the same client, with no reconnect logic, gets operations through again.
 */
@ExtendWith(HarnessResources.class)
class FerretDbFailoverIT {

    /**
     * Longest stretch without a successful secondary read allowed when a standby survives (case 1). The surviving
     * standby keeps its label and stays in recovery throughout (PostgreSQL 13+ re-points it with a reload, no restart),
     * so the secondary server always has a member to read from. What interrupts reads is only the connections the
     * router cuts to the standby being promoted: FerretDB fails the request that used such a pooled connection and
     * dials again through the router, and a dial to a member that has just gone costs at most the router's 1 s connect
     * timeout. 5 s is that plus room for scheduling on a loaded two-core machine (measured: 0.1 to 0.2 s); a longer
     * stretch means reads depended on the member that failed.
     */
    static final Duration READ_GAP_BOUND = Duration.ofSeconds(5);
    static final int SEED_DOCS = 200;
    static final int WRITERS = 2;
    static final Duration WRITE_INTERVAL = Duration.ofMillis(20);
    static final Duration READ_INTERVAL = Duration.ofMillis(20);
    /** Acknowledged inserts (and successful reads) after settling that count as "working again". */
    static final int RESUMED = 20;

    /** The guide's cases: the scenario they are named after and the pods they delete. */
    enum GuideCase {
        CASE1(Scenario.CASE1_DELETE_PRIMARY, s -> List.of(s.primary()), true),
        CASE2(Scenario.CASE2_DELETE_PRIMARY_AND_SECONDARY, s -> List.of(s.primary(), s.standbys().get(0)), false),
        CASE3(Scenario.CASE3_DELETE_BOTH_SECONDARIES, Settled::standbys, false),
        CASE4(Scenario.CASE4_DELETE_ALL, s -> {
            List<String> all = new ArrayList<>(s.standbys());
            all.add(0, s.primary());
            return all;
        }, false);

        final Scenario scenario;
        final Function<Settled, List<String>> victims;
        /** Whether a member labelled secondary before the fault keeps running through it. */
        final boolean standbySurvives;

        GuideCase(Scenario scenario, Function<Settled, List<String>> victims, boolean standbySurvives) {
            this.scenario = scenario;
            this.victims = victims;
            this.standbySurvives = standbySurvives;
        }
    }

    private static Path ferretdb;

    @BeforeAll
    static void prerequisites() {
        Member.requirePrerequisites(Harness.projectDir());
        ferretdb = FerretDbFront.binary(Harness.projectDir());
    }

    /** All four; {@code -Dharness.ferretdb.cases=CASE1,CASE3} narrows the set while working on one. */
    static List<GuideCase> cases() {
        String only = System.getProperty("harness.ferretdb.cases", "");
        return java.util.Arrays.stream(GuideCase.values())
                .filter(c -> only.isBlank() || java.util.Arrays.asList(only.split(",")).contains(c.name()))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mongoClientThroughFailover(GuideCase guideCase, LocalControlPlane controlPlane) throws Exception {
        Scenario scenario = guideCase.scenario;
        String tag = "ferretdb-" + scenario.slug;
        List<String> violations = new ArrayList<>();
        try (Cluster cluster = Cluster.fresh(controlPlane, tag, true, scenario.maxLagBytes(), ClusterSpec.Timings.TESTS)) {
            cluster.bootstrap();
            try (FerretDbFront front = FerretDbFront.start(cluster, ferretdb)) {
                List<Object> seedIds = front.seed(SEED_DOCS);
                Awaitility.await("a first read through the secondary FerretDB server").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> front.secondaryCollection(FerretDbFront.COLLECTION_SEED)
                                .find(Filters.eq("_id", seedIds.get(0))).first() != null);
                Settled before = Settling.await(cluster, Experiment.SETTLE_TIMEOUT);
                List<String> victims = guideCase.victims.apply(before);

                long insertsBefore = front.commandsSent("ferretdb-primary", "insert");
                long findsBefore = front.commandsSent("ferretdb-secondary", "find");
                MongoWorkload workload = new MongoWorkload(front.primaryCollection(FerretDbFront.COLLECTION_WRITES), WRITERS,
                        WRITE_INTERVAL, front.secondaryCollection(FerretDbFront.COLLECTION_SEED), seedIds, READ_INTERVAL).start();
                AtomicLong fault = new AtomicLong();
                Settled after;
                long end;
                try {
                    long started = System.nanoTime();
                    Awaitility.await("inserts acknowledged before the fault").atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> workload.acks().stream().filter(a -> a.sentNanos() > started).count() >= RESUMED);
                    Harness.log("%s: deleting pods %s (graceful); primary %s, standbys %s", tag, victims, before.primary(),
                            before.standbys());
                    cluster.deletePods(victims, true, () -> fault.set(System.nanoTime()), () -> {
                    }, victims);
                    after = Settling.await(cluster, Experiment.SETTLE_TIMEOUT);
                    Harness.log("%s: settled %.1f s after the fault: primary %s, standbys %s", tag,
                            Harness.seconds(after.atNanos() - fault.get()), after.primary(), after.standbys());
                    long settledAt = after.atNanos();
                    long deadline = fault.get() + Experiment.SETTLE_TIMEOUT.toNanos();
                    awaitOrRecord(violations, "%d inserts acknowledged after settling, by %s after the fault".formatted(RESUMED,
                            Experiment.SETTLE_TIMEOUT), Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000_000L)),
                            () -> workload.acks().stream().filter(a -> a.sentNanos() > settledAt).count() >= RESUMED);
                    awaitOrRecord(violations, "%d reads through the secondary server succeeded after settling".formatted(RESUMED),
                            Duration.ofSeconds(30),
                            () -> workload.reads().stream().filter(r -> r.ok() && r.sentNanos() > settledAt).count() >= RESUMED);
                } finally {
                    end = System.nanoTime();
                    workload.stop(Duration.ofSeconds(30));
                }

                List<MongoWorkload.Ack> acks = workload.acks();
                long writeGap = Gaps.longest(acks.stream().map(MongoWorkload.Ack::ackedNanos).toList(), fault.get(), end);
                List<MongoWorkload.Read> reads = workload.reads();
                long readGap = Gaps.longest(reads.stream().filter(MongoWorkload.Read::ok).map(MongoWorkload.Read::doneNanos)
                        .toList(), fault.get(), end);
                long readFailures = reads.stream().filter(r -> !r.ok()).count();

                Settled last = Settling.await(cluster, Experiment.SETTLE_TIMEOUT);
                Harness.log("%s: settled for the read-back %.1f s after the workload stopped", tag,
                        Harness.seconds(last.atNanos() - end));
                SetChecker.Result check = SetChecker.compare(workload.attempted(),
                        acks.stream().map(MongoWorkload.Ack::id).toList(),
                        SetChecker.readIds(front.primaryCollection(FerretDbFront.COLLECTION_WRITES)));

                Harness.log("%s: write failures by kind: %s", tag, MongoWorkload.kinds(workload.writeFailures()));
                Harness.log("%s: read failures by kind: %s", tag, MongoWorkload.kinds(workload.readFailures()));
                Harness.log("%s: %s", tag, front.routerStats());
                long insertsSent = front.commandsSent("ferretdb-primary", "insert") - insertsBefore;
                long findsSent = front.commandsSent("ferretdb-secondary", "find") - findsBefore;
                Harness.log("%s: driver retries: %d insert commands sent for %d insertOne calls, %d find commands for %d reads",
                        tag, insertsSent, workload.attempted().size(), findsSent, reads.size());
                Harness.log("%s SUMMARY: write gap %.2f s, acknowledged %d, missing %d, unexpected %d, unacknowledged but "
                        + "present %d, write failures %d; reads ok %d, read failures %d, longest read gap %.2f s; primary %s -> %s",
                        scenario.slug, Harness.seconds(writeGap), check.acknowledged(), check.lost().size(),
                        check.unexpected().size(), check.recovered(), workload.writeFailures().size(),
                        reads.size() - readFailures, readFailures, Harness.seconds(readGap), before.primary(), last.primary());

                // the dashboard's FerretDB panels read FerretDB's own metrics: they must exist where it is scraped
                java.util.Set<String> scraped = new java.util.HashSet<>();
                front.scrapeMetrics().forEach(m -> scraped.addAll(m.names()));
                org.ferretdboperator.metrics.MetricCatalog catalog = org.ferretdboperator.metrics.MetricCatalog.load();
                org.ferretdboperator.metrics.DashboardQueries.metricNames().stream()
                        .filter(n -> catalog.ferretdb().contains(n) || catalog.ferretdb().contains(n.replaceFirst("_(bucket|count|sum)$", "")))
                        .filter(n -> !scraped.contains(n))
                        .forEach(n -> violations.add("the dashboard queries %s, which FerretDB's metrics endpoint does not publish"
                                .formatted(n)));

                if (!check.lost().isEmpty()) {
                    violations.add("Synchronous mode: %d acknowledged inserts missing: %s".formatted(check.lost().size(),
                            SetChecker.Result.sample(check.lost())));
                }
                if (!check.unexpected().isEmpty()) {
                    violations.add("%d ids present that were never inserted: %s".formatted(check.unexpected().size(),
                            SetChecker.Result.sample(check.unexpected())));
                }
                if (guideCase.standbySurvives && readGap > READ_GAP_BOUND.toNanos()) {
                    violations.add("a standby survived, yet reads through the secondary server stopped for %.2f s (bound %s)"
                            .formatted(Harness.seconds(readGap), READ_GAP_BOUND));
                }
            }
        }
        assertThat(violations).as(scenario.title + " through FerretDB").isEmpty();
    }

    private static void awaitOrRecord(List<String> violations, String what, Duration atMost,
            java.util.concurrent.Callable<Boolean> condition) {
        try {
            Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(50)).until(condition);
        } catch (ConditionTimeoutException e) {
            violations.add("not within " + atMost.toSeconds() + " s: " + what);
        }
    }
}
