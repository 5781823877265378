package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.ferretdboperator.contract.ArchiverEnvironment;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.PostgresPrograms;
import org.ferretdboperator.testsupport.Prerequisite;
import org.ferretdboperator.testsupport.S3Server;
import org.ferretdboperator.testsupport.SocketDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Continuous WAL archiving through a failover, end to end: real coordinators configure pgBackRest archiving on real
 * PostgreSQL servers against a real S3 server (versitygw); writes, a base backup, more writes, the primary killed
 * (guide case 1 as a crash), writes on the new primary; then a fresh data directory restored from the store alone
 * (base backup + WAL, following the timeline switch) must hold every acknowledged write.
 */
@ExtendWith(HarnessResources.class)
class WalArchivingFailoverIT {

    private static final String STANZA = "pg";
    private static final Duration ARCHIVED = Duration.ofSeconds(120);

    @BeforeAll
    static void prerequisites() {
        Member.requirePrerequisites(Harness.projectDir());
        Prerequisite.require(Prerequisite.onPath("pgbackrest"), "pgbackrest (Debian package pgbackrest; hack/install-deps.sh)");
    }

    @Test
    void everyAcknowledgedWriteRestoresFromTheArchiveAcrossAFailover(LocalControlPlane controlPlane) throws Exception {
        Path projectDir = Harness.projectDir();
        Path dir = projectDir.resolve("target").resolve("harness").resolve("wal-archiving");
        Harness.deleteTree(dir);
        Files.createDirectories(dir);
        try (S3Server s3 = S3Server.start(projectDir, dir.resolve("s3"))) {
            String bucket = s3.createBucket("wal-archive");
            Path credentials = s3.writeCredentials(dir.resolve("archiver-credentials"));
            Map<String, String> archiver = Map.of(
                    ArchiverEnvironment.BUCKET, bucket,
                    ArchiverEnvironment.ENDPOINT, s3.endpoint(),
                    ArchiverEnvironment.PATH, "/ha",
                    ArchiverEnvironment.CA_FILE, s3.caFile().toString(),
                    ArchiverEnvironment.COMPRESSION, "lz4",
                    ArchiverEnvironment.CREDENTIALS_DIR, credentials.toString());
            try (Cluster cluster = Cluster.fresh(controlPlane, "wal-archiving", true, 16L << 20, ClusterSpec.Timings.TESTS,
                    archiver)) {
                Settled before = cluster.bootstrap();
                Set<Long> acknowledged = new HashSet<>();
                acknowledged.addAll(write(cluster, 300));
                awaitArchived(cluster);
                Member first = cluster.member(before.primary());
                pgbackrest(first.spec().dir().resolve("pgbackrest.conf"), List.of("backup", "--type=full", "--start-fast",
                        // every member archives (archive_mode = always), which pgBackRest accepts only when told so
                        "--no-archive-mode-check"));
                acknowledged.addAll(write(cluster, 300));

                // As a lost node: the killed primary comes back only after a standby took over. Restarted at once, its
                // coordinator can be up within the Lease on a quiet machine and keep it, and then nothing failed over.
                cluster.deletePods(List.of(before.primary()), false, () -> Harness.log("SIGKILL of %s", before.primary()),
                        () -> org.awaitility.Awaitility.await("a standby labelled primary after " + before.primary() + " was lost")
                                .atMost(Experiment.SETTLE_TIMEOUT).pollInterval(java.time.Duration.ofMillis(100))
                                .until(() -> cluster.labels().primaries(),
                                        primaries -> primaries.size() == 1 && !primaries.contains(before.primary())),
                        List.of(before.primary()));
                Settled after = Settling.await(cluster, Experiment.SETTLE_TIMEOUT);
                assertThat(after.primary()).as("a standby took over").isNotEqualTo(before.primary());
                acknowledged.addAll(write(cluster, 300));
                String lastSegment = awaitArchived(cluster);
                assertThat(lastSegment).as("the new primary writes on a new timeline").doesNotStartWith("00000001");
                String history = lastSegment.substring(0, 8) + ".history";
                assertThat(storedFiles(s3.root().resolve(bucket))).as("the history file of the new timeline is in the store")
                        .anyMatch(name -> name.startsWith(history));

                Set<Long> restored = restoreAndRead(cluster, first.spec().dir().resolve("pgbackrest.conf"),
                        dir.resolve("restored"));
                Set<Long> lost = new HashSet<>(acknowledged);
                lost.removeAll(restored);
                Harness.log("restored %d rows; %d acknowledged, %d of them missing", restored.size(), acknowledged.size(),
                        lost.size());
                assertThat(lost).as("acknowledged writes missing from the restore").isEmpty();
            }
        }
    }

    /** {@code n} inserts committed one by one on the current primary; the ids of those acknowledged. */
    private static List<Long> write(Cluster cluster, int n) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = cluster.primaryConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO harness_writes (id, source, member) VALUES (?, 'archiving', 'primary')")) {
            for (int i = 0; i < n; i++) {
                long id = cluster.tables().nextWriteId();
                ps.setLong(1, id);
                ps.executeUpdate();
                ids.add(id);
            }
        }
        return ids;
    }

    /** Closes the primary's current segment and waits until its archiver has shipped it; returns its name. */
    private static String awaitArchived(Cluster cluster) throws Exception {
        String segment;
        try (Connection c = cluster.primaryConnection()) {
            segment = Sql.queryString(c, "SELECT pg_walfile_name(pg_switch_wal())");
        }
        Awaitility.await("segment " + segment + " archived").atMost(ARCHIVED).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    try (Connection c = cluster.primaryConnection()) {
                        return Sql.queryBoolean(c, "SELECT coalesce(last_archived_wal, '') >= '" + segment
                                + "' FROM pg_stat_archiver");
                    }
                });
        return segment;
    }

    private static List<String> storedFiles(Path bucket) throws Exception {
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }

    /**
     * pgBackRest restore of the newest base backup into {@code target} with every archived segment replayed (the
     * default type: to the end of the archive, on the latest timeline), then PostgreSQL started there on a port of its
     * own, without archiving (it must not push into the store it came from); the ids of harness_writes it holds.
     */
    private static Set<Long> restoreAndRead(Cluster cluster, Path config, Path target) throws Exception {
        Files.createDirectories(target);
        PostgresOwnership.handOver(target);
        Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        pgbackrest(config, List.of("--pg1-path=" + target, "restore", "--type=default", "--target-timeline=latest"));
        int port = Harness.freePort();
        Path socketDir = SocketDirectory.create("wal-archiving-restored", port);
        PostgresOwnership.handOver(socketDir);
        Files.writeString(target.resolve("postgresql.custom.conf"), String.join("\n", "port = " + port,
                "listen_addresses = '127.0.0.1'", "unix_socket_directories = '" + socketDir + "'", "archive_mode = off", ""));
        PostgresOwnership.handOver(target.resolve("postgresql.custom.conf"));
        Path log = Files.createFile(target.getParent().resolve("restored.log"));
        PostgresOwnership.handOver(log);
        asPostgres(List.of(PostgresPrograms.BIN_DIR.resolve("pg_ctl").toString(), "start", "-w", "-t", "300", "-D",
                target.toString(), "-l", log.toString()), Duration.ofMinutes(6));
        try {
            Awaitility.await("restored PostgreSQL out of recovery").atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                        try (Connection c = Sql.connect(port, cluster.superuser(), "wal-archiving-check", 10)) {
                            return !Sql.queryBoolean(c, "SELECT pg_is_in_recovery()");
                        }
                    });
            Set<Long> ids = new HashSet<>();
            try (Connection c = Sql.connect(port, cluster.superuser(), "wal-archiving-check", 30);
                    ResultSet rs = c.createStatement().executeQuery("SELECT id FROM harness_writes")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        } finally {
            asPostgres(List.of(PostgresPrograms.BIN_DIR.resolve("pg_ctl").toString(), "stop", "-m", "immediate", "-D",
                    target.toString()), Duration.ofMinutes(1));
        }
    }

    private static void pgbackrest(Path config, List<String> args) {
        List<String> command = new ArrayList<>(List.of("pgbackrest", "--config=" + config, "--stanza=" + STANZA));
        command.addAll(args);
        asPostgres(command, Duration.ofMinutes(10));
    }

    private static void asPostgres(List<String> command, Duration timeout) {
        List<String> full = new ArrayList<>();
        if (Prerequisite.isRoot()) {
            full.addAll(List.of("runuser", "-u", PostgresPrograms.OS_USER, "--"));
        }
        full.addAll(command);
        Command.run(Harness.projectDir(), Map.of(), timeout, full).requireSuccess();
    }
}
