package org.ferretdboperator.harness.patroni;

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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.ferretdboperator.harness.AckLog;
import org.ferretdboperator.harness.Harness;
import org.ferretdboperator.harness.Sql;
import org.ferretdboperator.harness.SplitBrain;
import org.ferretdboperator.harness.WriteOutage;
import org.ferretdboperator.harness.WriteProbes;
import org.ferretdboperator.harness.Writer;

/**
 * Our harness's scenarios that apply to Patroni, with the same slugs, the same clients and the same checks: the
 * writer (one INSERT every 10 ms, 1 s connect / 2 s statement timeouts) follows the primary through
 * {@link PrimaryFollower}, the split-brain probes commit on every member directly every 20 ms, 500 rows are committed
 * and replayed before the fault, and the moment of the fault is randomised within one {@code loop_wait} against the
 * agents' loop (as ours is within one retry period). After the fault the member comes back on the same data directory
 * at once, as the StatefulSet recreates a deleted pod; the run ends once the cluster has settled and the writer has
 * committed on the new primary.
 */
public enum PatroniScenario {

    /** Guide case 1: {@code kubectl delete pod} of the primary: SIGTERM to its agent, 30 s grace, then restart. */
    CASE1_DELETE_PRIMARY("case1-delete-primary", true),

    /** Guide case 1 as a crash: SIGKILL of the primary's agent and PostgreSQL (every process), then restart. */
    CASE1_KILL_PRIMARY("case1-kill-primary", false),

    /**
     * Guide case 1 as a lost node: SIGKILL of every process of the primary's member, which comes back only once another
     * member serves writes (a dead node's pods are rescheduled minutes later). Patroni's agent cannot release its
     * leader key here, so a standby must wait for the key's ttl.
     */
    CASE1_NODE_LOST("case1-node-lost", false, true);

    static final Duration WRITE_INTERVAL = Duration.ofMillis(10);
    static final Duration PROBE_INTERVAL = Duration.ofMillis(20);
    static final Duration GRACE_PERIOD = Duration.ofSeconds(30);
    static final int SEED_ROWS = 500;
    static final int RESUMED = 20;

    public final String slug;
    final boolean graceful;

    final boolean backAfterFailover;

    PatroniScenario(String slug, boolean graceful) {
        this(slug, graceful, false);
    }

    PatroniScenario(String slug, boolean graceful, boolean backAfterFailover) {
        this.slug = slug;
        this.graceful = graceful;
        this.backAfterFailover = backAfterFailover;
    }

    public static java.util.Optional<PatroniScenario> bySlug(String slug) {
        for (PatroniScenario s : values()) {
            if (s.slug.equals(slug)) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }

    /** One run on a settled cluster; the cluster is settled again when it returns. */
    public PatroniOutcome runOn(PatroniCluster cluster) throws SQLException {
        String system = cluster.settings().system;
        List<String> notes = new CopyOnWriteArrayList<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        cluster.drainUnexpectedExits().forEach(what -> violations.add(what));
        PatroniCluster.Settled before = cluster.awaitSettled(PatroniCluster.SETTLE_TIMEOUT);
        long startNanos = System.nanoTime();
        AckLog acks = new AckLog(cluster::nextWriteId);
        WriteProbes probes = new WriteProbes(cluster.ports(), cluster.superuser(), acks, PROBE_INTERVAL).start();
        Writer writer = new Writer(cluster.ports(), cluster.superuser(), acks, cluster.follower()::primaries, WRITE_INTERVAL, 2)
                .start();
        AtomicLong fault = new AtomicLong();
        PatroniCluster.Settled after;
        try {
            awaitWrites(acks, startNanos, null, Duration.ofSeconds(30), "writer acknowledged on " + before.primary());
            cluster.seed(SEED_ROWS);
            // a random phase against the agents' loop, or every run hits the same moment of it
            Procs.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(cluster.settings().loopWait * 1000L + 1)));
            PatroniMember victim = cluster.member(before.primary());
            if (graceful) {
                Duration took = victim.terminate(GRACE_PERIOD, () -> fault.set(System.nanoTime()));
                note(notes, system, "fault: SIGTERM to %s's Patroni (as kubectl delete pod); it exited %s", victim.name(),
                        took == null ? "only when killed after the grace period" : "after %d ms".formatted(took.toMillis()));
            } else {
                victim.kill(() -> fault.set(System.nanoTime()));
                note(notes, system, "fault: SIGKILL of every process of %s (Patroni and PostgreSQL)", victim.name());
            }
            if (backAfterFailover) {
                awaitWritesElsewhere(acks, fault.get(), victim.name(), PatroniCluster.SETTLE_TIMEOUT,
                        "writer acknowledged on a member other than the lost " + victim.name());
                note(notes, system, "another member serves writes %.3f s after the fault; %s comes back",
                        Harness.seconds(System.nanoTime() - fault.get()), victim.name());
            }
            victim.start(); // the StatefulSet's replacement pod, on the same volume
            after = cluster.awaitSettled(PatroniCluster.SETTLE_TIMEOUT);
            long settledAt = after.atNanos();
            awaitWrites(acks, settledAt, after.primary(), Duration.ofSeconds(30),
                    "writer acknowledged on " + after.primary() + " after settling");
        } finally {
            writer.close();
            probes.close();
        }
        long faultNanos = fault.get();
        double settleSeconds = Harness.seconds(after.atNanos() - faultNanos);
        PatroniCluster.Settled end = cluster.awaitSettled(PatroniCluster.SETTLE_TIMEOUT);
        cluster.awaitReplayed();

        Map<String, Set<Long>> rows = new HashMap<>();
        Map<String, Integer> seeds = new HashMap<>();
        for (PatroniMember m : cluster.members()) {
            try (Connection c = Sql.connect(m.pgPort(), cluster.superuser(), "harness-check", 30)) {
                rows.put(m.name(), ids(c, "SELECT id FROM harness_writes"));
                seeds.put(m.name(), (int) Sql.queryLong(c, "SELECT count(*) FROM harness_seed"));
            }
        }
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
        int seedRows = cluster.seedRows();
        int seedMissing = seedRows - seeds.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        List<String> divergent = new ArrayList<>();
        rows.forEach((member, ids) -> {
            if (!ids.equals(onPrimary)) {
                divergent.add(member);
            }
        });
        WriteOutage outage = WriteOutage.measure(acks.from(Writer.SOURCE), faultNanos, after.atNanos());
        cluster.drainUnexpectedExits().forEach(violations::add);
        long staleness = (PrimaryFollower.POLL.plus(PrimaryFollower.TIMEOUT)).toNanos();
        List<PrimaryFollower.DualPrimary> dual = cluster.follower().dualPrimaries().stream()
                .filter(d -> d.toNanos() > startNanos).toList();
        List<PrimaryFollower.DualPrimary> dualAfter = dual.stream().filter(d -> d.toNanos() > after.atNanos() + staleness)
                .toList();
        List<SplitBrain.Event> splitBrain = SplitBrain.detect(all);
        check(violations, end.primary().equals(after.primary()), "the primary changed after the cluster had settled: %s -> %s",
                after.primary(), end.primary());
        check(violations, splitBrain.isEmpty(), "two members acknowledged writes at the same time: %s", splitBrain);
        check(violations, dualAfter.isEmpty(), "two members answered /primary after the cluster settled: %s", dualAfter);
        check(violations, seedMissing == 0, "%d of %d rows committed before the fault are missing", seedMissing, seedRows);
        check(violations, divergent.isEmpty(), "members %s hold other rows than the primary %s after catching up", divergent,
                end.primary());
        check(violations, lost == 0, "synchronous_mode lost %d acknowledged writes: %s", lost, lostSample);
        check(violations, outage.failoverSeconds() != null, "the writer never got a write acknowledged after the fault");
        PatroniOutcome o = new PatroniOutcome(system, slug, before.primary(), end.primary(), outage.failoverSeconds(),
                outage.gapSeconds(), settleSeconds, all.size(), lost, lostSample, seedRows, seedMissing, splitBrain, dual,
                dualAfter, divergent, List.copyOf(notes), List.copyOf(violations));
        Harness.log("%s", o.summary());
        return o;
    }

    private static void awaitWritesElsewhere(AckLog acks, long sinceNanos, String notMember, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acks.from(Writer.SOURCE).stream().noneMatch(a -> a.sentNanos() > sinceNanos && !a.member().equals(notMember))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": none within " + timeout);
            }
            Procs.sleep(Duration.ofMillis(10));
        }
    }

    private static void awaitWrites(AckLog acks, long sinceNanos, String member, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acks.from(Writer.SOURCE).stream()
                .filter(a -> a.sentNanos() > sinceNanos && (member == null || a.member().equals(member))).count() < RESUMED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": fewer than " + RESUMED + " writes within " + timeout);
            }
            Procs.sleep(Duration.ofMillis(20));
        }
    }

    private static void note(List<String> notes, String system, String format, Object... args) {
        String line = format.formatted(args);
        notes.add(line);
        Harness.log("%s: %s", system, line);
    }

    private static void check(List<String> violations, boolean ok, String format, Object... args) {
        if (!ok) {
            String line = format.formatted(args);
            violations.add(line);
            Harness.log("VIOLATION: %s", line);
        }
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
}
