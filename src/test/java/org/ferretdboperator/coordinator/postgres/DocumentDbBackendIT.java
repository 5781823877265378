package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.ferretdboperator.contract.AppUser;
import org.ferretdboperator.contract.PostgresDistribution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A FerretDB 2.x backend (DocumentDB distribution) on a PostgreSQL without the DocumentDB extension, the only kind
 * these machines have: the coordinator's own controller refuses to start PostgreSQL with libraries the image lacks,
 * naming them, and refuses to set FerretDB's role up without the extension. Real PostgreSQL 15 and its pg_config.
 */
class DocumentDbBackendIT {

    Path root;
    LocalPostgres documentDb;
    LocalPostgres plain;

    @BeforeEach
    void setUp() throws Exception {
        LocalPostgres.requirePostgres();
        root = LocalPostgres.tempRoot();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (LocalPostgres pg : new LocalPostgres[] { documentDb, plain }) {
            if (pg != null) {
                pg.close();
            }
        }
        if (root != null && System.getenv("KEEP_IT_DIRS") == null) {
            InstanceController.deleteTree(root);
        }
    }

    @Test
    void postgresIsNotStartedWithDocumentDbsLibrariesWhenTheImageLacksThem() throws Exception {
        documentDb = new LocalPostgres(root, "pg-0", PostgresDistribution.DOCUMENTDB);
        documentDb.controller.initDb();

        assertThatThrownBy(documentDb.controller::startPrimary)
                .hasMessageContaining("lacks pg_cron.so, pg_documentdb_core.so, pg_documentdb.so")
                .hasMessageContaining("DocumentDB extension");
        assertThat(documentDb.observer.observe().running()).as("nothing was started to fail").isFalse();
        // what it would have asked PostgreSQL to load, in the file it wrote
        assertThat(Files.readString(documentDb.settings.pgdata().resolve("postgresql.conf")))
                .contains("shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'");
    }

    @Test
    void ferretDbsRoleIsNotSetUpWithoutTheExtension() throws Exception {
        // the same data directory served as plain PostgreSQL, then set up as a DocumentDB backend would be
        plain = new LocalPostgres(root, "pg-0");
        plain.controller.initDb();
        plain.controller.startPrimary();
        PostgresLifecycleIT.awaitRunning(plain, true);
        InstanceController asDocumentDb = new InstanceController(
                withDistribution(plain.settings, PostgresDistribution.DOCUMENTDB), plain.runner, plain.connections);
        Path secret = Files.createDirectories(root.resolve("ferret-auth"));
        Files.writeString(secret.resolve("username"), "ferret");
        Files.writeString(secret.resolve("password"), "ferret-pw");

        assertThatThrownBy(() -> asDocumentDb.ensureRoles(List.of(new AppUser(secret, DocumentDb.DATABASE))))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("extension documentdb is not available");
        // the same users on plain PostgreSQL are set up as ever: the difference is the distribution alone
        plain.controller.ensureRoles(List.of(new AppUser(secret, "ferretdb")));
    }

    private static InstanceSettings withDistribution(InstanceSettings s, PostgresDistribution distribution) {
        return new InstanceSettings(s.pgdata(), s.port(), s.socketDir(), s.listenAddresses(), s.memberName(), s.superuser(),
                s.replication(), s.passfile(), s.slotWalKeepSize(), distribution);
    }
}
