package org.ferretdboperator.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of one scenario on a settled three-member {@link HaSystem}, the same for every system the benchmark compares:
 * a writer following the system's route to the primary and the split-brain probes running throughout, rows committed
 * before the fault, the fault's moment randomised within one loop period of the agents, the fault itself (given by the
 * scenario), then the measurements and checks every scenario shares. Everything the scenario asserts beyond that it
 * asserts itself. The system outlives the run (the benchmark runs a scenario many times on one cluster; every run ends
 * with the cluster settled again).
 */
final class Experiment<S extends HaSystem> implements AutoCloseable {

    /** A scenario's fault. */
    @FunctionalInterface
    interface Fault<S extends HaSystem> {
        void inject(Experiment<S> x) throws Exception;
    }

    /** A scenario's checks beyond the shared ones; failures go to {@link Experiment#check}. */
    @FunctionalInterface
    interface Verification<S extends HaSystem> {
        void verify(Experiment<S> x, Outcome o);
    }

    /** Rows committed and replayed on every member before each fault. */
    static final int SEED_ROWS = 500;
    /** Writer acknowledgements that show the writer commits on a primary (at the start, and after settling). */
    static final int WRITES_TO_CONFIRM = 20;
    static final Duration WRITE_INTERVAL = Duration.ofMillis(10);
    static final Duration PROBE_INTERVAL = Duration.ofMillis(20);
    /** How long our cluster may take to settle. */
    static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(2);

    private final String scenario;
    private final S cluster;
    private final AckLog acks;
    private final long startNanos = System.nanoTime();
    private final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Writer writer;
    private WriteProbes probes;
    private Settled before;
    private Long faultNanos;
    /** Rows a scenario committed in harness_bulk before its fault. */
    int bulkRows;
    /** Why this run may lose acknowledged writes in Synchronous mode (a forced failover); null: it must lose none. */
    String acknowledgedLossAccepted;
    /** The forced failover's record, as the operator read it from the Lease. */
    org.ferretdboperator.contract.ForcedFailoverRecord forcedFailover;
    /** Write ids on each member once the run finished and every member caught up. */
    private Map<String, Set<Long>> rowsAtEnd = Map.of();
    /** When every process of a frozen member had received SIGSTOP, and when it was resumed. */
    long frozenNanos;
    long thawNanos;
    /** Acknowledgements a resumed Asynchronous primary may give before it fences; see {@link #tolerateAfterResume}. */
    private volatile ResumedPrimary resumed;

    /**
     * A paused primary, resumed, in Asynchronous mode: what it acknowledges within {@code bound} of the resume, of writes
     * sent before the resume or after it, may overlap the new primary's acknowledgements (nothing waits for a standby,
     * and its coordinator resumes at the same moment as its backends, which a busy machine may schedule first). Those
     * are the bounded exception to the split-brain check, counted in a note; anything later is split brain as always.
     */
    record ResumedPrimary(String member, long resumedNanos, long boundNanos) {
        boolean covers(AckLog.Ack a) {
            // sent before the resume (committed the moment it resumes) or after it (a new session, served until the
            // watchdog fences): both are the resumed primary serving until its fence, which the bound is about
            return a.member().equals(member) && a.ackedNanos() >= resumedNanos && a.ackedNanos() - resumedNanos <= boundNanos;
        }
    }

    void tolerateAfterResume(String member, long resumedNanos, Duration bound) {
        if (cluster.synchronous()) {
            throw new IllegalStateException("only Asynchronous mode may acknowledge after a resume");
        }
        resumed = new ResumedPrimary(member, resumedNanos, bound.toNanos());
    }
    /** When an API server cut ended (every cut-off member reconnected). */
    long apiRestoredNanos;

    private Experiment(String scenario, S cluster) {
        this.scenario = scenario;
        this.cluster = cluster;
        this.acks = new AckLog(cluster.tables()::nextWriteId);
    }

    /**
     * One run of a scenario on a settled system: begin, seed, wait a random phase of the agents' loop, inject the
     * fault, finish, and the scenario's own checks. The system is settled again when it returns.
     */
    static <S extends HaSystem> Outcome run(S system, String scenario, Fault<S> fault, Verification<S> verification)
            throws Exception {
        try (Experiment<S> x = begin(system, scenario)) {
            x.seed(SEED_ROWS);
            // a random phase against the agents' loop, or every run hits the same moment of it
            long period = system.loopPeriod().toNanos();
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(period + 1));
            fault.inject(x);
            Outcome o = x.finish();
            verification.verify(x, o);
            return x.withScenarioChecks(o);
        }
    }

    /** Starts a run on a settled cluster: the writer and the probes, until the writer's commits are acknowledged. */
    static <S extends HaSystem> Experiment<S> begin(S cluster, String scenario) {
        Experiment<S> x = new Experiment<>(scenario, cluster);
        cluster.drainUnexpectedExits().forEach(what -> x.check(false, "%s", what));
        x.before = cluster.awaitSettled();
        x.probes = new WriteProbes(cluster.ports(), cluster.superuser(), x.acks, PROBE_INTERVAL).start();
        x.writer = new Writer(cluster.ports(), cluster.superuser(), x.acks, cluster.primaryRoute()::primaries,
                WRITE_INTERVAL, 2).start();
        long startAcks = System.nanoTime();
        org.awaitility.Awaitility.await("writer acknowledged on " + x.before.primary()).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> x.acks.from(Writer.SOURCE).stream().filter(a -> a.sentNanos() > startAcks).count()
                        >= WRITES_TO_CONFIRM);
        return x;
    }

    /** The system under test. */
    S cluster() {
        return cluster;
    }

    AckLog acks() {
        return acks;
    }

    Settled before() {
        return before;
    }

    void note(String format, Object... args) {
        String line = format.formatted(args);
        notes.add(line);
        Harness.log("%s: %s", scenario, line);
    }

    /** Records a failed check (the run goes on, so one run reports everything it found). */
    void check(boolean ok, String format, Object... args) {
        if (!ok) {
            String line = format.formatted(args);
            violations.add(line);
            Harness.log("%s: VIOLATION: %s", scenario, line);
        }
    }

    long faultNanos() {
        return faultNanos;
    }

    /** Commits {@code rows} rows on the primary and waits until every member has replayed them. */
    void seed(int rows) throws SQLException {
        cluster.tables().seed(cluster, cluster.primaryConnection(), rows);
    }

    /** Marks the fault's moment (call right before injecting it) and returns it. */
    long fault(String what) {
        faultNanos = System.nanoTime();
        note("fault: %s", what);
        return faultNanos;
    }

    /**
     * Deletes pods as {@code kubectl delete pod} does (see {@link HaSystem#deletePods}); the fault's moment is when the
     * processes are signalled, for every system alike.
     */
    void deletePods(List<String> names, boolean graceful, Runnable beforeRestart, List<String> restart) {
        cluster.deletePods(names, graceful, () -> fault((graceful ? "kubectl delete pod " : "SIGKILL of every process of, and "
                + "kubectl delete --force of, ") + names), beforeRestart, restart);
    }

    void deletePods(List<String> names, boolean graceful) {
        deletePods(names, graceful, () -> {
        }, names);
    }

    Connection primaryConnection() throws SQLException {
        return cluster.primaryConnection();
    }

    /** Waits until a member other than {@code old} has acknowledged a writer commit sent since {@code since}. */
    String awaitOtherPrimaryAcknowledging(String old, long since) {
        return org.awaitility.Awaitility.await("a new primary other than " + old + " acknowledging writes")
                .atMost(cluster.settleTimeout()).pollInterval(Duration.ofMillis(10))
                .until(() -> acks.from(Writer.SOURCE).stream()
                        .filter(a -> a.sentNanos() >= since && !a.member().equals(old))
                        .map(AckLog.Ack::member).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    /**
     * Waits until the cluster settles again with every member in a role, lets the writer commit on the new primary,
     * stops the clients, and measures and checks what every scenario shares.
     */
    Outcome finish() throws SQLException {
        if (faultNanos == null) {
            throw new IllegalStateException("finish() before fault()");
        }
        Settled after = cluster.awaitSettled();
        double settleSeconds = Harness.seconds(after.atNanos() - faultNanos);
        org.awaitility.Awaitility.await("writer acknowledged on " + after.primary() + " after settling")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> acks.from(Writer.SOURCE).stream()
                        .filter(a -> a.sentNanos() > after.atNanos() && a.member().equals(after.primary())).count()
                        >= WRITES_TO_CONFIRM);
        writer.close();
        probes.close();
        Settled end = cluster.awaitSettled();
        cluster.awaitReplayed();

        Map<String, Set<Long>> rows = new HashMap<>();
        Map<String, Integer> seeds = new HashMap<>();
        for (Map.Entry<String, Integer> m : cluster.ports().entrySet()) {
            try (Connection c = Sql.connect(m.getValue(), cluster.superuser(), "harness-check", 30)) {
                rows.put(m.getKey(), ids(c, "SELECT id FROM harness_writes"));
                seeds.put(m.getKey(), (int) Sql.queryLong(c, "SELECT count(*) FROM harness_seed"));
            }
        }
        rowsAtEnd = Map.copyOf(rows);
        Set<Long> onPrimary = rows.get(end.primary());
        List<AckLog.Ack> all = acks.all();
        List<String> lostSample = new ArrayList<>();
        long lost = 0;
        for (AckLog.Ack a : all) {
            if (!onPrimary.contains(a.id())) {
                lost++;
                if (lostSample.size() < 10) {
                    lostSample.add(a.source() + " id " + a.id() + " acknowledged by " + a.member() + " at +"
                            + "%.3f s".formatted(Harness.seconds(a.ackedNanos() - faultNanos)));
                }
            }
        }
        int seedRows = cluster.tables().seedRows();
        int seedMissing = seedRows - seeds.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        List<String> divergent = new ArrayList<>();
        rows.forEach((member, ids) -> {
            if (!ids.equals(onPrimary)) {
                divergent.add(member);
            }
        });

        // the outage the application saw, measured as for every system the benchmark runs (see WriteOutage)
        WriteOutage outage = WriteOutage.measure(acks.from(Writer.SOURCE), faultNanos, after.atNanos());
        Double failover = outage.failoverSeconds();
        cluster.drainUnexpectedExits().forEach(what -> check(false, "%s", what));
        List<PrimaryTimeline.DualPrimary> dual = cluster.primaryRoute().dualPrimaries().stream()
                .filter(d -> d.toNanos() > startNanos).toList();
        List<PrimaryTimeline.DualPrimary> dualAfter = dual.stream()
                .filter(d -> d.toNanos() > after.atNanos() + cluster.primaryRouteLag().toNanos()).toList();
        ResumedPrimary tolerated = resumed;
        List<AckLog.Ack> judged = tolerated == null ? all : all.stream().filter(a -> !tolerated.covers(a)).toList();
        if (tolerated != null) {
            note("%d acknowledgements by the resumed %s within %d ms of its resume left out of the split-brain check",
                    all.size() - judged.size(), tolerated.member(), tolerated.boundNanos() / 1_000_000);
        }
        List<SplitBrain.Event> splitBrain = SplitBrain.detect(judged);
        check(end.primary().equals(after.primary()), "the primary changed after the cluster had settled: %s -> %s",
                after.primary(), end.primary());
        check(splitBrain.isEmpty(), "two members acknowledged writes at the same time: %s", splitBrain);
        check(dualAfter.isEmpty(), "two members %s after the cluster settled: %s", cluster.primaryCriterion(), dualAfter);
        check(seedMissing == 0, "%d of %d rows committed before the fault are missing", seedMissing, seedRows);
        check(divergent.isEmpty(), "members %s hold other rows than the primary %s after catching up", divergent,
                end.primary());
        if (acknowledgedLossAccepted != null && lost > 0) {
            // the scenario itself checks the loss against what was recorded about it
            note("%d acknowledged writes lost, accepted in this run: %s", lost, acknowledgedLossAccepted);
        }
        check(!cluster.synchronous() || lost == 0 || acknowledgedLossAccepted != null,
                "Synchronous mode lost %d acknowledged writes: %s", lost,
                lostSample);
        check(failover != null, "the writer never got a write acknowledged by %s after the fault", after.primary());
        Outcome outcome = new Outcome(scenario, cluster.synchronous(), before.primary(), end.primary(), failover,
                outage.gapSeconds(), settleSeconds, all.size(), lost, lostSample, seedRows, seedMissing,
                splitBrain, dual, dualAfter, divergent, List.copyOf(notes), List.copyOf(violations));
        Harness.log("%s: %s", cluster.name(), outcome.summary());
        return outcome;
    }

    /** The outcome with the checks and notes the scenario added after {@link #finish}. */
    Outcome withScenarioChecks(Outcome o) {
        return new Outcome(o.scenario(), o.synchronous(), o.primaryBefore(), o.primaryAfter(), o.failoverSeconds(),
                o.writeGapSeconds(), o.settleSeconds(), o.acknowledged(), o.lostAcknowledged(), o.lostSample(), o.seedRows(),
                o.seedMissing(), o.splitBrain(), o.dualPrimaries(), o.dualPrimariesAfterSettle(), o.divergentMembers(),
                List.copyOf(notes), List.copyOf(violations));
    }

    /** The write ids on {@code member} when the run finished (empty before {@link #finish}). */
    Set<Long> idsOn(String member) {
        return rowsAtEnd.getOrDefault(member, Set.of());
    }

    private static Set<Long> ids(Connection c, String sql) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Stops this run's clients; the cluster stays. */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        if (probes != null) {
            probes.close();
        }
    }
}
