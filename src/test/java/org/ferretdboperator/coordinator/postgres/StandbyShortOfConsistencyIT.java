package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Slots;
import org.ferretdboperator.coordinator.process.ProcessResult;
import org.junit.jupiter.api.Test;

/**
 * A real standby that cannot reach a consistent state from its own pg_wal, started without an upstream (what the
 * coordinator does while no leader is live): it never accepts connections, so the repoint a running standby gets over
 * SQL cannot reach it. {@link InstanceController#repointStarting} must point it at the leader without a restart, and
 * the observer must report the upstream it was started with while it cannot be asked over SQL. Seen in CI: after the
 * guide's case 4 a member sat "starting" for the whole two-minute settle timeout while its peers ran.
 */
class StandbyShortOfConsistencyIT {

    @Test
    void aStandbyThatNeedsTheLeadersWalIsPointedAtItWhileStarting() throws Exception {
        LocalPostgres.requirePostgres();
        Path root = LocalPostgres.tempRoot();
        LocalPostgres leader = new LocalPostgres(root, "pg-0");
        LocalPostgres standby = new LocalPostgres(root, "pg-1");
        try {
            leader.controller.initDb();
            leader.controller.startPrimary();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(leader.observer::observe,
                    LocalInstance::isPrimary);
            leader.controller.ensureRoles(List.of());
            leader.controller.ensureSlots(Set.of(Slots.nameFor("pg-1")), Set.of());
            try (Statement st = leader.sql().createStatement()) {
                st.execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");
            }

            // a base backup without its WAL: consistency lies at the backup's end, in WAL only the leader holds
            PostgresFiles files = new PostgresFiles(standby.settings, standby.runner);
            files.writePassfile();
            ProcessResult copied = standby.runner.run("pg_basebackup", List.of("-D", standby.settings.pgdata().toString(),
                    "-d", files.conninfo(leader.address(), true), "-X", "none", "-c", "fast", "--no-password"),
                    Duration.ofMinutes(2));
            assertThat(copied.ok()).as("pg_basebackup -X none: %s", copied.tail()).isTrue();
            try (Statement st = leader.sql().createStatement()) {
                st.execute("INSERT INTO t SELECT g FROM generate_series(1001, 2000) g");
            }

            standby.controller.startStandby(null);
            LocalInstance waiting = standby.observer.observe();
            assertThat(waiting.postmasterAlive()).isTrue();
            assertThat(waiting.standbySignal()).isTrue();
            assertThat(waiting.upstreamAddress()).as("started without an upstream").isNull();
            await("the standby stays short of a consistent state without the leader's WAL").during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        LocalInstance l = standby.observer.observe();
                        return l.postmasterAlive() && !l.running();
                    });
            long pid = PostmasterPidFile.runningPostmaster(standby.settings.pgdata()).orElseThrow();

            standby.controller.repointStarting(leader.address());
            assertThat(standby.observer.observe().upstreamAddress())
                    .as("what a standby not accepting connections was pointed at, read from postgresql.auto.conf")
                    .isEqualTo(leader.address());
            LocalInstance streaming = await("the standby streams from the leader and accepts connections")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(standby.observer::observe, l -> l.running() && l.walReceiverStreaming());
            assertThat(streaming.inRecovery()).isTrue();
            assertThat(streaming.upstreamAddress()).isEqualTo(leader.address());
            assertThat(PostmasterPidFile.runningPostmaster(standby.settings.pgdata())).as("no restart").contains(pid);
            try (Connection c = standby.sql(); Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2000);
            }
        } finally {
            standby.close();
            leader.close();
            standby.connections.closeLocal();
            leader.connections.closeLocal();
            InstanceController.deleteTree(root);
        }
    }
}
