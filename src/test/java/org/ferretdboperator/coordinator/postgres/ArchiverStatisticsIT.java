package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.coordinator.archive.ArchiverStatistics;
import org.ferretdboperator.coordinator.decision.ArchiverState;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.postgres.WalArchivingCondition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the coordinator publishes about archiving, read from a real PostgreSQL's pg_stat_archiver, and the operator's
 * judgement of it: an archive_command that fails makes the WALArchiving condition False naming the segment; once it
 * succeeds again, True.
 */
class ArchiverStatisticsIT {

    static Path root;
    static LocalPostgres pg;

    @BeforeAll
    static void setUp() throws Exception {
        LocalPostgres.requirePostgres();
        root = LocalPostgres.tempRoot();
        pg = new LocalPostgres(root, "pg-0");
        pg.controller.initDb();
        pg.controller.startPrimary();
        awaitPrimary();
        exec("ALTER SYSTEM SET archive_mode = 'on'");
        exec("ALTER SYSTEM SET archive_command = 'false'");
        // archive_mode takes a restart
        pg.controller.stopFast(Duration.ofSeconds(30));
        pg.connections.closeLocal();
        pg.controller.startPrimary();
        awaitPrimary();
    }

    private static void awaitPrimary() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(pg.observer::observe,
                LocalInstance::isPrimary);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (pg != null) {
            pg.close();
        }
        if (root != null) {
            InstanceController.deleteTree(root);
        }
    }

    private static void exec(String sql) throws SQLException {
        Connection c = pg.sql();
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void aFailingThenRecoveredArchiveCommandIsPublishedAndJudged() throws Exception {
        ArchiverStatistics statistics = new ArchiverStatistics(new ArchiverStatistics.LocalConnection() {
            @Override
            public Connection get() throws SQLException {
                return pg.sql();
            }

            @Override
            public void broken() {
                pg.connections.closeLocal();
            }
        }, System::nanoTime, 0);
        assertThat(statistics.current()).hasValueSatisfying(s -> assertThat(s.failedCount()).isZero());

        exec("CREATE TABLE t AS SELECT generate_series(1, 1000) AS i");
        exec("SELECT pg_switch_wal()");
        ArchiverState failing = await("archive_command 'false' counted as failed").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> statistics.current().orElseThrow(), ArchiverState::failing);
        assertThat(failing.lastFailedWal()).matches("[0-9A-F]{24}");
        var judged = WalArchivingCondition.judge(Optional.of("pg-0"), Map.of("pg-0", failing));
        assertThat(judged.status()).isEqualTo("False");
        assertThat(judged.message()).contains(failing.lastFailedWal());

        exec("ALTER SYSTEM SET archive_command = 'true'");
        exec("SELECT pg_reload_conf()");
        ArchiverState recovered = await("the segment archived once archive_command succeeds").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200)).until(() -> statistics.current().orElseThrow(),
                        s -> s.archivedCount() > 0 && !s.failing());
        assertThat(recovered.lastArchivedWal()).isEqualTo(failing.lastFailedWal());
        assertThat(WalArchivingCondition.judge(Optional.of("pg-0"), Map.of("pg-0", recovered)).status()).isEqualTo("True");

        // PostgreSQL gone: nothing is published rather than stale numbers
        pg.controller.stopFast(Duration.ofSeconds(30));
        assertThat(statistics.current()).isEmpty();
    }
}
