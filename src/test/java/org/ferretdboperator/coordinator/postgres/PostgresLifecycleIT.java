package org.ferretdboperator.coordinator.postgres;

import org.ferretdboperator.contract.AppUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.SyncSetting;
import org.ferretdboperator.coordinator.process.ProcessResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real PostgreSQL 15 processes on loopback, driven by the coordinator's own observer and controller: bootstrap,
 * clone, synchronous commit, fencing, promotion, pg_rewind of a diverged old primary, re-clone. The steps build on each
 * other (one cluster through its life), hence the ordering.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresLifecycleIT {

    static Path root;
    static LocalPostgres a;
    static LocalPostgres b;

    @BeforeAll
    static void setUp() throws Exception {
        LocalPostgres.requirePostgres();
        root = LocalPostgres.tempRoot();
        a = new LocalPostgres(root, "pg-0");
        b = new LocalPostgres(root, "pg-1");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (root != null && System.getenv("KEEP_IT_DIRS") == null) {
            InstanceController.deleteTree(root);
        } else if (root != null) {
            System.out.println("kept " + root);
        }
    }

    static LocalInstance awaitRunning(LocalPostgres pg, boolean primary) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(pg.observer::observe,
                l -> l.running() && l.inRecovery() != primary);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static List<Integer> ids(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM t ORDER BY id")) {
            java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
            return out;
        }
    }

    @Test
    @Order(1)
    void bootstrapsAPrimary() throws Exception {
        LocalInstance empty = a.observer.observe();
        assertThat(empty.dataDirInitialised()).isFalse();

        a.controller.initDb();
        LocalInstance stopped = a.observer.observe();
        assertThat(stopped.dataDirInitialised()).isTrue();
        assertThat(stopped.running()).isFalse();
        assertThat(stopped.standbySignal()).isFalse();
        assertThat(stopped.systemIdentifier()).isNotZero();

        a.controller.startPrimary();
        LocalInstance primary = awaitRunning(a, true);
        assertThat(primary.timeline()).isEqualTo(1);
        assertThat(primary.systemIdentifier()).isEqualTo(stopped.systemIdentifier());
        assertThat(Lsn.known(primary.flushLsn())).isTrue();

        a.controller.ensureRoles(List.of());
        a.controller.ensureSlots(Set.of("pg_1"), Set.of());
        exec(a.sql(), "CREATE TABLE t (id int primary key)");
        exec(a.sql(), "INSERT INTO t VALUES (1)");
        assertThat(a.observer.observe().replicationSlots()).containsExactly("pg_1");
    }

    @Test
    @Order(2)
    void clonesAStreamingStandby() throws Exception {
        b.controller.cloneFrom(a.address());
        LocalInstance standby = await().atMost(Duration.ofSeconds(30)).until(b.observer::observe,
                l -> l.running() && l.walReceiverStreaming());
        assertThat(standby.inRecovery()).isTrue();
        assertThat(standby.upstreamAddress()).isEqualTo(a.address());
        assertThat(standby.standbySignal()).isTrue();
        assertThat(standby.systemIdentifier()).isEqualTo(a.observer.observe().systemIdentifier());
        assertThat(a.observer.observe().streamingStandbys()).containsExactly("pg-1");
        // the clone runs with its own port, not the leader's copied configuration
        assertThat(Files.readString(b.settings.pgdata().resolve("postgresql.conf"))).contains("port = " + b.settings.port());
    }

    @Test
    @Order(3)
    void synchronousCommitsAreOnTheStandbyWhenAcknowledged() throws Exception {
        SyncSetting sync = new SyncSetting(1, Set.of("pg-1", "pg-2"));
        a.controller.setSynchronousStandbys(sync);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.observer.observe().syncSetting().equals(sync));
        // an application session (the coordinator's own session commits with synchronous_commit=local)
        try (Connection app = PgConnections.open("127.0.0.1", a.settings.port(), "postgres", LocalPostgres.SUPERUSER, 2, 10)) {
            exec(app, "INSERT INTO t VALUES (2)");
        }
        long acknowledged = a.observer.observe().flushLsn();
        // the standby's flushed position is already at or past the commit the primary acknowledged
        assertThat(b.observer.observe().receiveLsn()).isGreaterThanOrEqualTo(acknowledged);
        try (Statement st = a.sql().createStatement();
                ResultSet rs = st.executeQuery("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'pg-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("quorum");
        }
    }

    @Test
    @Order(4)
    void fencingCutsSessionsAtOnce() throws Exception {
        // make the old primary write WAL its standby never gets: detach the standby, go asynchronous, write
        b.controller.detach();
        await().atMost(Duration.ofSeconds(10)).until(() -> !b.observer.observe().walReceiverStreaming());
        a.controller.setSynchronousStandbys(SyncSetting.NONE);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.observer.observe().syncSetting().isEmpty());
        exec(a.sql(), "INSERT INTO t VALUES (100)");
        Connection session = PgConnections.open("127.0.0.1", a.settings.port(), "postgres", LocalPostgres.SUPERUSER, 1, 5);
        long started = System.nanoTime();
        a.controller.fence();
        long fenceMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("fence (SIGQUIT, postmaster gone) took " + fenceMillis + " ms");
        assertThat(a.controller.postmasterAlive()).isFalse();
        assertThatThrownBy(() -> exec(session, "INSERT INTO t VALUES (101)")).isInstanceOf(SQLException.class);
        LocalInstance fenced = a.observer.observe();
        assertThat(fenced.running()).isFalse();
        assertThat(fenced.formerPrimary()).isTrue();
        assertThat(fenced.cleanShutdown()).isFalse();
    }

    @Test
    @Order(5)
    void promotesTheStandbyOnANewTimeline() throws Exception {
        b.controller.setSynchronousStandbys(new SyncSetting(1, Set.of("pg-0")));
        long started = System.nanoTime();
        b.controller.promote();
        System.out.println("pg_promote(wait) took " + (System.nanoTime() - started) / 1_000_000 + " ms");
        LocalInstance promoted = awaitRunning(b, true);
        assertThat(promoted.timeline()).isEqualTo(2);
        long forkPoint = promoted.history().endOf(1).orElseThrow();
        assertThat(promoted.history().diverged(1, forkPoint + 1, 2)).isTrue();
        assertThat(promoted.history().diverged(1, forkPoint, 2)).isFalse();
        b.controller.setSynchronousStandbys(SyncSetting.NONE);
        b.controller.ensureSlots(Set.of("pg_0"), Set.of("pg_1"));
        exec(b.sql(), "INSERT INTO t VALUES (200)");
        assertThat(ids(b.sql())).containsExactly(1, 2, 200);
    }

    @Test
    @Order(6)
    void theOldPrimaryRewindsAndFollows() throws Exception {
        a.controller.rewind(b.address(), true);
        // it replays from the last common checkpoint on timeline 1, then crosses to the leader's timeline 2
        LocalInstance follower = await().atMost(Duration.ofSeconds(30)).until(a.observer::observe,
                l -> l.running() && l.walReceiverStreaming() && l.timeline() == 2);
        assertThat(follower.inRecovery()).isTrue();
        assertThat(follower.upstreamAddress()).isEqualTo(b.address());
        exec(b.sql(), "INSERT INTO t VALUES (201)");
        long target = b.observer.observe().flushLsn();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.observer.observe().replayLsn() >= target);
        // the write only the fenced old primary had is gone; the new primary's writes are there
        assertThat(ids(a.sql())).containsExactly(1, 2, 200, 201);
    }

    @Test
    @Order(7)
    void aStandbyIsRepointedWithoutRestart() throws Exception {
        long pidBefore = PostmasterPidFile.runningPostmaster(a.settings.pgdata()).orElseThrow();
        a.controller.detach();
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.observer.observe().walReceiverStreaming());
        long started = System.nanoTime();
        a.controller.repoint(b.address());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> a.observer.observe().walReceiverStreaming());
        System.out.println("re-point to streaming took " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertThat(PostmasterPidFile.runningPostmaster(a.settings.pgdata())).contains(pidBefore);
    }

    @Test
    @Order(8)
    void controlFileMatchesPgControldataAfterAFastStop() throws Exception {
        long started = System.nanoTime();
        a.controller.stopFast(Duration.ofSeconds(30));
        System.out.println("fast stop of a standby took " + (System.nanoTime() - started) / 1_000_000 + " ms");
        ControlFile control = ControlFile.read(a.settings.pgdata()).orElseThrow();
        ProcessResult out = a.runner.run("pg_controldata", List.of("-D", a.settings.pgdata().toString()),
                Duration.ofSeconds(10));
        String text = out.output();
        assertThat(text).contains("Database cluster state:               shut down in recovery");
        assertThat(control.state()).isEqualTo(ControlFile.State.SHUT_DOWN_IN_RECOVERY);
        assertThat(text).contains("Latest checkpoint location:           " + Lsn.format(control.checkpointLsn()));
        assertThat(text).contains("Latest checkpoint's TimeLineID:       " + control.timeline());
        assertThat(text).contains("Database system identifier:           " + Long.toUnsignedString(control.systemIdentifier()));
    }

    @Test
    @Order(9)
    void recloneReplacesTheDataDirectoryOnlyAfterTheCloneWorks() throws Exception {
        Path marker = a.settings.pgdata().resolve("marker-from-old-dir");
        Files.writeString(marker, "old");
        a.controller.reclone(b.address());
        await().atMost(Duration.ofSeconds(30)).until(a.observer::observe, l -> l.running() && l.walReceiverStreaming());
        assertThat(marker).doesNotExist();
        try (var siblings = Files.list(a.settings.pgdata().getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("data.replaced-"));
        }
    }

    @Test
    @Order(10)
    void aFailedRecloneRestoresTheOldDirectory() throws Exception {
        a.controller.stopFast(Duration.ofSeconds(30));
        Path marker = a.settings.pgdata().resolve("marker-kept");
        Files.writeString(marker, "keep");
        assertThatThrownBy(() -> a.controller.reclone("127.0.0.1:" + LocalPostgres.freePort()))
                .hasMessageContaining("pg_basebackup");
        assertThat(marker).exists();
        a.controller.startStandby(b.address());
        awaitRunning(a, false);
    }

    @Test
    @Order(11)
    void applicationRolesLogInOverTcpAndOwnTheirDatabase() throws Exception {
        Path secret = root.resolve("app-secret");
        Files.createDirectories(secret);
        Files.writeString(secret.resolve("username"), "ferret");
        Files.writeString(secret.resolve("password"), "app'pass");
        b.controller.ensureRoles(List.of(new AppUser(secret, "ferretdb")));
        b.controller.ensureRoles(List.of(new AppUser(secret, "ferretdb")));
        try (Connection app = PgConnections.open("127.0.0.1", b.settings.port(), "ferretdb",
                new Credentials("ferret", "app'pass".toCharArray()), 2, 5); Statement st = app.createStatement()) {
            exec(app, "CREATE TABLE app_owned (x int)");
            try (ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isFalse();
            }
        }
        assertThatThrownBy(() -> PgConnections.open("127.0.0.1", b.settings.port(), "ferretdb",
                new Credentials("ferret", "wrong".toCharArray()), 2, 5)).isInstanceOf(SQLException.class);
    }

    /**
     * Every member stopped at once (guide case 4): the standby stops before the primary writes its shutdown checkpoint,
     * so when the standby is promoted its timeline forks exactly where that checkpoint record starts. The old primary
     * holds one record the new leader never had; it must count as diverged, and pg_rewind (which reports "same
     * timeline" until the new leader has checkpointed) must be retried, not taken for done.
     */
    @Test
    @Order(12)
    void aPrimaryWhoseShutdownCheckpointTheNewLeaderLacksRewindsAndFollows() throws Exception {
        exec(b.sql(), "INSERT INTO t VALUES (300)");
        a.controller.stopFast(Duration.ofSeconds(30));
        b.controller.stopFast(Duration.ofSeconds(30));
        LocalInstance oldPrimary = b.observer.observe();
        assertThat(oldPrimary.cleanShutdown()).isTrue();

        a.controller.startStandby(null);
        awaitRunning(a, false);
        a.controller.promote();
        LocalInstance leader = awaitRunning(a, true);
        a.controller.ensureSlots(Set.of("pg_1"), Set.of("pg_0"));
        long fork = leader.history().endOf(oldPrimary.timeline()).orElseThrow();
        assertThat(fork).as("the new timeline forks where the old primary's shutdown checkpoint starts")
                .isEqualTo(oldPrimary.flushLsn());
        assertThat(leader.history().divergedAtCheckpoint(oldPrimary.timeline(), oldPrimary.flushLsn(), leader.timeline()))
                .isTrue();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreException(RewindNotReadyException.class)
                .until(() -> {
                    b.controller.rewind(a.address(), true);
                    return true;
                });
        await().atMost(Duration.ofSeconds(30)).until(b.observer::observe,
                l -> l.running() && l.walReceiverStreaming() && l.timeline() == leader.timeline());
        exec(a.sql(), "INSERT INTO t VALUES (301)");
        long target = a.observer.observe().flushLsn();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.observer.observe().replayLsn() >= target);
        assertThat(ids(b.sql())).contains(300, 301);
    }
}
