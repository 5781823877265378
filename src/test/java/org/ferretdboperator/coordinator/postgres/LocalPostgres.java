package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.ferretdboperator.contract.PostgresDistribution;
import org.ferretdboperator.coordinator.process.LocalProcessRunner;
import org.ferretdboperator.testsupport.Prerequisite;

/** One PostgreSQL member for integration tests: temp dirs, a free loopback port, the coordinator's own classes. */
final class LocalPostgres {

    static final Path BIN = Path.of(System.getenv().getOrDefault("PG_BIN_DIR", LocalProcessRunner.DEFAULT_PG_BIN_DIR));
    static final Credentials SUPERUSER = new Credentials("postgres", "su-secret'pw".toCharArray());
    static final Credentials REPLICATION = new Credentials("replicator", "repl:secret\\pw".toCharArray());

    final String name;
    final InstanceSettings settings;
    final LocalProcessRunner runner;
    final PgConnections connections;
    /** Shared by the observer and the controller, as in the coordinator. */
    final KnownPostmaster postmaster = new KnownPostmaster();
    final InstanceObserver observer;
    final InstanceController controller;

    LocalPostgres(Path root, String name) throws IOException {
        this(root, name, PostgresDistribution.POSTGRESQL);
    }

    LocalPostgres(Path root, String name, PostgresDistribution distribution) throws IOException {
        this.name = name;
        Path dir = root.resolve(name);
        Files.createDirectories(dir.resolve("sock"));
        runner = new LocalProcessRunner(BIN, "postgres", dir.resolve("postgres.log"));
        runner.handOver(dir);
        runner.handOver(dir.resolve("sock"));
        settings = new InstanceSettings(dir.resolve("data"), freePort(), dir.resolve("sock"), "127.0.0.1", name, SUPERUSER,
                REPLICATION, dir.resolve("pgpass"), "1GB", distribution);
        connections = new PgConnections(settings);
        observer = new InstanceObserver(settings, connections, System::nanoTime, postmaster);
        controller = new InstanceController(settings, runner, connections, postmaster);
    }

    String address() {
        return "127.0.0.1:" + settings.port();
    }

    Connection sql() throws SQLException {
        return connections.local();
    }

    void close() {
        try {
            controller.fence();
        } catch (Exception ignored) {
            // best effort
        }
    }

    static Path tempRoot() throws IOException {
        Path root = Files.createTempDirectory("coordinator-pg-it");
        if (LocalProcessRunner.isRoot()) {
            new LocalProcessRunner(BIN, "postgres", root.resolve("x")).handOver(root);
        }
        return root;
    }

    /** A missing PostgreSQL fails the test in CI and skips it (with the reason) elsewhere. */
    static void requirePostgres() {
        Prerequisite.require(Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("pg_rewind")),
                "PostgreSQL binaries not found in " + BIN + " (install postgresql-15 or set PG_BIN_DIR)");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
