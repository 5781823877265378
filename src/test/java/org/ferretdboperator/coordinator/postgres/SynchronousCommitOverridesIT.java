package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.SyncCommitOverride;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stored synchronous_commit defaults on a real PostgreSQL: the observer finds every kind (role, database, role in
 * database, every role), and the reset removes the weakening ones and ends the sessions opened under them, so new
 * sessions commit with the server's setting again.
 */
class SynchronousCommitOverridesIT {

    static Path root;
    static LocalPostgres pg;

    @BeforeAll
    static void setUp() throws Exception {
        LocalPostgres.requirePostgres();
        root = LocalPostgres.tempRoot();
        pg = new LocalPostgres(root, "pg-0");
        pg.controller.initDb();
        pg.controller.startPrimary();
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

    @Test
    void weakeningDefaultsAreFoundRevertedAndTheirSessionsEnded() throws Exception {
        exec(pg.sql(), "CREATE ROLE app NOLOGIN");
        exec(pg.sql(), "CREATE ROLE reporting NOLOGIN");
        exec(pg.sql(), "CREATE DATABASE appdb");
        exec(pg.sql(), "ALTER ROLE app SET synchronous_commit = off");
        exec(pg.sql(), "ALTER DATABASE appdb SET synchronous_commit = remote_write");
        exec(pg.sql(), "ALTER ROLE app IN DATABASE appdb SET synchronous_commit = local");
        exec(pg.sql(), "ALTER ROLE ALL SET synchronous_commit = 'local'");
        exec(pg.sql(), "ALTER ROLE reporting SET synchronous_commit = remote_apply");

        SyncCommitOverride strong = new SyncCommitOverride(null, "reporting", "remote_apply");
        Set<SyncCommitOverride> found = pg.observer.observe().syncCommitOverrides();
        assertThat(found).containsExactlyInAnyOrder(
                new SyncCommitOverride(null, "app", "off"),
                new SyncCommitOverride("appdb", null, "remote_write"),
                new SyncCommitOverride("appdb", "app", "local"),
                new SyncCommitOverride(null, null, "local"),
                strong);

        // a session opened under ALTER ROLE ALL ... local acknowledges commits before any standby has them
        Connection underOverride = PgConnections.open("127.0.0.1", pg.settings.port(), "postgres", LocalPostgres.SUPERUSER, 2, 10);
        assertThat(show(underOverride)).isEqualTo("local");

        pg.controller.resetSynchronousCommit(SyncCommitOverride.toRevert(true, found));

        assertThat(pg.observer.observe().syncCommitOverrides()).containsExactly(strong);
        assertThatThrownBy(() -> show(underOverride)).isInstanceOf(SQLException.class);
        try (Connection fresh = PgConnections.open("127.0.0.1", pg.settings.port(), "postgres", LocalPostgres.SUPERUSER, 2, 10)) {
            assertThat(show(fresh)).isEqualTo("on");
        }
    }

    private static String show(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
