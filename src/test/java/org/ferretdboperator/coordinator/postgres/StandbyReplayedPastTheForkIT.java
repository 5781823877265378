package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferretdboperator.coordinator.decision.Action;
import org.ferretdboperator.coordinator.decision.ClusterConfig;
import org.ferretdboperator.coordinator.decision.Decision;
import org.ferretdboperator.coordinator.decision.HaDecision;
import org.ferretdboperator.coordinator.decision.LeaderProbe;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.LeaseView;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.Memory;
import org.ferretdboperator.coordinator.decision.Observation;
import org.ferretdboperator.coordinator.decision.Slots;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A standby that replayed WAL past the point where the new leader's timeline forked, then stopped cleanly: its last
 * restartpoint lies before the fork, its minimum recovery point after it. Seen on real nodes after a lost node came
 * back: once the WAL receiver had fetched the leader's history file, every start of that member exited at once
 * ("requested timeline 2 does not contain minimum recovery point"), and the coordinator, judging only the checkpoint,
 * started it again and again for five minutes. Real PostgreSQL on both sides: the observer must read the minimum
 * recovery point from pg_control, the decision must rewind on it, and the rewind must bring the member back as the new
 * leader's standby.
 */
class StandbyReplayedPastTheForkIT {

    private static final String P0 = "pg-0";
    private static final String P1 = "pg-1";
    private static final String P2 = "pg-2";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stopped cleanly", "crashed"})
    void aStandbyWhoseMinimumRecoveryPointIsPastTheForkRewindsInsteadOfStartingForEver(String howItStopped) throws Exception {
        boolean crashed = howItStopped.equals("crashed");
        LocalPostgres.requirePostgres();
        Path root = LocalPostgres.tempRoot();
        LocalPostgres oldLeader = new LocalPostgres(root, P0);
        LocalPostgres ahead = new LocalPostgres(root, P1);
        LocalPostgres newLeader = new LocalPostgres(root, P2);
        try {
            oldLeader.controller.initDb();
            oldLeader.controller.startPrimary();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(oldLeader.observer::observe,
                    LocalInstance::isPrimary);
            oldLeader.controller.ensureRoles(List.of());
            oldLeader.controller.ensureSlots(Set.of(Slots.nameFor(P1), Slots.nameFor(P2)), Set.of());
            execute(oldLeader, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");
            ahead.controller.cloneFrom(oldLeader.address());
            newLeader.controller.cloneFrom(oldLeader.address());
            execute(oldLeader, "CHECKPOINT"); // both standbys' next restartpoint: before the fork below
            long forkFrom = position(oldLeader);
            awaitReplayed(ahead, forkFrom);
            awaitReplayed(newLeader, forkFrom);

            // the new leader stops here; the other standby goes on replaying the old leader's WAL, with no checkpoint
            newLeader.controller.stopFast(Duration.ofSeconds(30));
            execute(oldLeader, "INSERT INTO t SELECT g FROM generate_series(1001, 3000) g");
            awaitReplayed(ahead, position(oldLeader));
            if (crashed) {
                // a restartpoint at the old CHECKPOINT writes the replayed pages out, so the minimum recovery point
                // moves past the fork; then the standby dies without a shutdown restartpoint
                execute(ahead, "CHECKPOINT");
                ahead.connections.closeLocal();
                ahead.controller.fence();
            } else {
                ahead.controller.stopFast(Duration.ofSeconds(30));
            }
            oldLeader.controller.stopFast(Duration.ofSeconds(30));

            newLeader.controller.startStandby(null);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(newLeader.observer::observe,
                    LocalInstance::isStandby);
            newLeader.controller.promote();
            LocalInstance leader = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(newLeader.observer::observe, l -> l.isPrimary() && l.timeline() == 2 && !l.history().switches().isEmpty());
            long forkedAt = leader.history().endOf(1).orElseThrow();
            newLeader.controller.ensureSlots(Set.of(Slots.nameFor(P1)), Set.of()); // as its first leader tick would

            LocalInstance stopped = ahead.observer.observe();
            assertThat(stopped.running()).isFalse();
            assertThat(stopped.standbySignal()).isTrue();
            assertThat(stopped.timeline()).isEqualTo(1);
            assertThat(stopped.flushLsn()).as("last restartpoint, before the fork").isLessThan(forkedAt);
            assertThat(stopped.stoppedControl().minRecoveryTimeline()).isEqualTo(1);
            assertThat(stopped.stoppedControl().minRecoveryLsn()).as("minimum recovery point, past the fork at %s",
                    Lsn.format(forkedAt)).isGreaterThan(forkedAt);

            assertThat(ControlFile.read(ahead.settings.pgdata()).orElseThrow().cleanShutdown()).isEqualTo(!crashed);
            if (!crashed) {
                assertPostgresRefusesToFollow(ahead, newLeader);
            }

            LocalInstance judged = ahead.observer.observe();
            LeaderRecord record = new LeaderRecord(newLeader.address(), leader.flushLsn(), leader.timeline(), leader.history(),
                    leader.systemIdentifier(), Set.of(P1), 1, null, Lsn.UNKNOWN);
            Observation o = new Observation(P1, ahead.address(),
                    new ClusterConfig(List.of(P0, P1, P2), true, 1 << 20, 2000, 1200, 200, 60_000),
                    judged, new LeaseView(true, P2, "7", 2, 100, -1, true, record), Map.of(), null, LeaderProbe.NOT_PROBED,
                    Memory.NONE, false, true);
            Decision decision = new HaDecision().decide(o);
            assertThat(decision.status()).contains("minimum recovery point");
            Action.Rewind rewind = decision.first(Action.Rewind.class);
            assertThat(rewind.address()).isEqualTo(newLeader.address());

            execute(newLeader, "CHECKPOINT"); // as the promotion's own background one would: pg_rewind reads pg_control
            ahead.controller.rewind(rewind.address(), true);
            LocalInstance following = await("the rewound member streams from the new leader").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(ahead.observer::observe, l -> l.isStandby() && l.walReceiverStreaming());
            assertThat(following.timeline()).isEqualTo(2);
            execute(newLeader, "INSERT INTO t VALUES (-1)");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> count(ahead, "SELECT count(*) FROM t WHERE id = -1") == 1);
            assertThat(count(ahead, "SELECT count(*) FROM t")).as("the new leader's rows, not the discarded ones")
                    .isEqualTo(count(newLeader, "SELECT count(*) FROM t"));
        } finally {
            for (LocalPostgres pg : List.of(ahead, newLeader, oldLeader)) {
                pg.close();
                pg.connections.closeLocal();
            }
            InstanceController.deleteTree(root);
        }
    }

    /**
     * What PostgreSQL does with such a directory: the first start as the new leader's standby fetches its history
     * file, and every later start exits at once.
     */
    private static void assertPostgresRefusesToFollow(LocalPostgres ahead, LocalPostgres newLeader) throws Exception {
        ahead.controller.startStandby(newLeader.address());
        Path history = ahead.settings.pgdata().resolve("pg_wal").resolve("00000002.history");
        await("the WAL receiver fetches the new leader's history file").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(history));
        ahead.controller.stopFast(Duration.ofSeconds(30));
        long logBefore = Files.size(ahead.runner.serverLog());
        try {
            ahead.controller.startStandby(newLeader.address());
        } catch (java.io.IOException e) {
            // "did not start within 10 s": the postmaster exited before it wrote its pid file
        }
        await("PostgreSQL refuses the data directory").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !ahead.observer.observe().postmasterAlive()
                        && logSince(ahead, logBefore).contains("does not contain minimum recovery point"));
    }

    private static void execute(LocalPostgres pg, String sql) throws Exception {
        try (Statement st = pg.sql().createStatement()) {
            st.execute(sql);
        }
    }

    private static long position(LocalPostgres primary) throws Exception {
        try (Statement st = primary.sql().createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_current_wal_flush_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private static void awaitReplayed(LocalPostgres standby, long lsn) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(standby.observer::observe,
                l -> l.isStandby() && l.replayLsn() >= lsn);
    }

    private static long count(LocalPostgres pg, String sql) throws Exception {
        Connection c = pg.sql();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String logSince(LocalPostgres pg, long offset) throws java.io.IOException {
        byte[] all = Files.readAllBytes(pg.runner.serverLog());
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset));
    }
}
