package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.PostgresPrograms;
import org.ferretdboperator.testsupport.ImagesDir;
import org.ferretdboperator.testsupport.Prerequisite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ControlFile} on real data directories of every PostgreSQL major the catalog ships or the harness runs: 15 from
 * the host's packages (hack/install-deps.sh), 17 inside the unpacked PostgreSQL 17 root filesystem that hack's image
 * build produces (Debian trixie), run with chroot. Each field read is cross-checked with that version's own
 * pg_controldata: after initdb, while running, and after a clean stop.
 *
 * <p>Missing PostgreSQL 15, a missing PostgreSQL 17 root filesystem, or not being root (chroot) skips locally with the
 * reason and fails with CI=true.
 */
class ControlFileIT {

    /** Where hack/images.sh unpacks PostgreSQL 17; {@code PG17_ROOTFS} overrides it (e.g. a debootstrap in /tmp). */
    static final Path PG17_ROOTFS = Path.of(System.getenv().getOrDefault("PG17_ROOTFS",
            ImagesDir.path().resolve("rootfs").resolve("postgres-17").toString()));

    /** One PostgreSQL installation: how to run its programs, and where its paths are on this host. */
    private interface Installation extends AutoCloseable {
        /** A directory for data that this installation's programs see as {@link #inside}. */
        Path work();

        String inside(Path hostPath);

        List<String> command(String program, String... args);

        int expectedControlVersion();

        @Override
        void close() throws IOException;
    }

    private static Installation installation(int major) throws IOException {
        return switch (major) {
            case 15 -> host15();
            case 17 -> chroot17();
            default -> throw new IllegalArgumentException("no installation for PostgreSQL " + major);
        };
    }

    private static Installation host15() throws IOException {
        Path bin = PostgresPrograms.BIN_DIR;
        List<String> missing = new ArrayList<>();
        for (String p : List.of("initdb", "pg_ctl", "pg_controldata", "postgres")) {
            if (!Files.isExecutable(bin.resolve(p))) {
                missing.add(bin.resolve(p) + " (hack/install-deps.sh installs PostgreSQL 15)");
            }
        }
        if (Prerequisite.isRoot() && !Prerequisite.onPath("runuser")) {
            missing.add("runuser: PostgreSQL refuses to run as root");
        }
        Prerequisite.require(missing.isEmpty(), String.join("; ", missing));
        Path work = LocalPostgres.tempRoot();
        return new Installation() {
            public Path work() {
                return work;
            }

            public String inside(Path hostPath) {
                return hostPath.toString();
            }

            public List<String> command(String program, String... args) {
                List<String> c = new ArrayList<>();
                if (Prerequisite.isRoot()) {
                    c.addAll(List.of("runuser", "-u", PostgresPrograms.OS_USER, "--"));
                }
                c.add(bin.resolve(program).toString());
                c.addAll(List.of(args));
                return c;
            }

            public int expectedControlVersion() {
                return 1300;
            }

            public void close() throws IOException {
                InstanceControllerAccess.deleteTree(work);
            }
        };
    }

    private static Installation chroot17() throws IOException {
        String bin = "/usr/lib/postgresql/17/bin";
        Path initdb = PG17_ROOTFS.resolve(bin.substring(1)).resolve("initdb");
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(initdb)) {
            missing.add("the PostgreSQL 17 root filesystem (" + initdb + " is missing; the image build unpacks it there, "
                    + "or set PG17_ROOTFS to e.g. a `debootstrap --variant=minbase --include=postgresql-17 trixie` directory)");
        }
        if (!Prerequisite.isRoot()) {
            missing.add("root, to chroot into the PostgreSQL 17 root filesystem");
        }
        Prerequisite.require(missing.isEmpty(), String.join("; ", missing));
        String user = uidGid(PG17_ROOTFS.resolve("etc/passwd"));
        Path work = Files.createTempDirectory(Files.createDirectories(PG17_ROOTFS.resolve("tmp")), "controlfile-it");
        run(List.of("chown", user, work.toString()));
        return new Installation() {
            public Path work() {
                return work;
            }

            public String inside(Path hostPath) {
                return "/" + PG17_ROOTFS.relativize(hostPath);
            }

            public List<String> command(String program, String... args) {
                List<String> c = new ArrayList<>(List.of("chroot", "--userspec=" + user, PG17_ROOTFS.toString(),
                        bin + "/" + program));
                c.addAll(List.of(args));
                return c;
            }

            public int expectedControlVersion() {
                return 1700;
            }

            public void close() throws IOException {
                InstanceControllerAccess.deleteTree(work);
            }
        };
    }

    /** uid:gid of the postgres user of a root filesystem (999 in the images, whatever Debian gave it elsewhere). */
    private static String uidGid(Path passwd) throws IOException {
        for (String line : Files.readAllLines(passwd)) {
            String[] f = line.split(":");
            if (f.length > 3 && f[0].equals("postgres")) {
                return f[2] + ":" + f[3];
            }
        }
        throw new IOException(passwd + " has no postgres user");
    }

    private static String run(List<String> command) throws IOException {
        Command.Result result = Command.run(Path.of("").toAbsolutePath(), environment -> {
            environment.keySet().removeIf(k -> k.startsWith("PG"));
            environment.put("LC_ALL", "C");
        }, Duration.ofSeconds(120), command);
        if (!result.succeeded()) {
            throw new IOException(result.describe());
        }
        return result.stdout();
    }

    /** pg_controldata's "label: value" lines. */
    private static Map<String, String> controldata(Installation pg, Path data) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String line : run(pg.command("pg_controldata", "-D", pg.inside(data))).split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    private static final Map<String, ControlFile.State> STATES = Map.of(
            "starting up", ControlFile.State.STARTUP,
            "shut down", ControlFile.State.SHUT_DOWN,
            "shut down in recovery", ControlFile.State.SHUT_DOWN_IN_RECOVERY,
            "shutting down", ControlFile.State.SHUTTING_DOWN,
            "in crash recovery", ControlFile.State.IN_CRASH_RECOVERY,
            "in archive recovery", ControlFile.State.IN_ARCHIVE_RECOVERY,
            "in production", ControlFile.State.IN_PRODUCTION);

    /** Every field ControlFile reads equals what the installation's own pg_controldata reports. */
    private static ControlFile assertMatchesControldata(Installation pg, Path data) throws IOException {
        Map<String, String> expected = controldata(pg, data);
        ControlFile read = ControlFile.read(data).orElseThrow(
                () -> new AssertionError("ControlFile.read gave nothing for " + data + "; pg_controldata: " + expected));
        assertThat(read.controlVersion()).isEqualTo(Integer.parseInt(expected.get("pg_control version number")))
                .isEqualTo(pg.expectedControlVersion());
        assertThat(Long.toUnsignedString(read.systemIdentifier())).isEqualTo(expected.get("Database system identifier"));
        assertThat(read.state()).isEqualTo(STATES.get(expected.get("Database cluster state")));
        assertThat(read.checkpointLsn()).isEqualTo(Lsn.parse(expected.get("Latest checkpoint location")));
        assertThat(read.timeline()).isEqualTo(Integer.parseInt(expected.get("Latest checkpoint's TimeLineID")));
        long minRecovery = Lsn.parse(expected.get("Minimum recovery ending location"));
        assertThat(read.minRecoveryLsn()).isEqualTo(minRecovery == 0 ? Lsn.UNKNOWN : minRecovery);
        assertThat(read.minRecoveryTimeline()).isEqualTo(Integer.parseInt(expected.get("Min recovery ending loc's timeline")));
        return read;
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 17})
    void readsWhatPgControldataReportsAfterInitdbWhileRunningAndAfterAStop(int major) throws Exception {
        try (Installation pg = installation(major)) {
            Path data = pg.work().resolve("data");
            run(pg.command("initdb", "-D", pg.inside(data), "-U", "postgres", "--auth=trust", "--locale=C",
                    "--encoding=UTF8", "--no-sync"));
            ControlFile fresh = assertMatchesControldata(pg, data);
            assertThat(fresh.state()).isEqualTo(ControlFile.State.SHUT_DOWN);
            assertThat(fresh.cleanShutdown()).isTrue();
            assertThat(fresh.timeline()).isEqualTo(1);

            String log = pg.inside(pg.work().resolve("server.log"));
            run(pg.command("pg_ctl", "start", "-D", pg.inside(data), "-w", "-t", "60", "-l", log, "-o",
                    "-c listen_addresses='' -c unix_socket_directories=" + pg.inside(pg.work())
                            + " -c dynamic_shared_memory_type=mmap"));
            ControlFile running;
            try {
                running = assertMatchesControldata(pg, data);
            } finally {
                run(pg.command("pg_ctl", "stop", "-D", pg.inside(data), "-m", "fast", "-w", "-t", "60"));
            }
            assertThat(running.state()).isEqualTo(ControlFile.State.IN_PRODUCTION);
            assertThat(running.cleanShutdown()).isFalse();

            ControlFile stopped = assertMatchesControldata(pg, data);
            assertThat(stopped.state()).isEqualTo(ControlFile.State.SHUT_DOWN);
            assertThat(stopped.systemIdentifier()).isEqualTo(fresh.systemIdentifier());
            // the shutdown checkpoint is a new record after the one initdb left
            assertThat(stopped.checkpointLsn()).isGreaterThan(fresh.checkpointLsn());

            // run once as a standby (no upstream): a clean stop in recovery records a minimum recovery point
            Files.createFile(data.resolve("standby.signal"));
            run(pg.command("pg_ctl", "start", "-D", pg.inside(data), "-w", "-t", "60", "-l", log, "-o",
                    "-c listen_addresses='' -c unix_socket_directories=" + pg.inside(pg.work())
                            + " -c dynamic_shared_memory_type=mmap"));
            run(pg.command("pg_ctl", "stop", "-D", pg.inside(data), "-m", "fast", "-w", "-t", "60"));
            ControlFile inRecovery = assertMatchesControldata(pg, data);
            assertThat(inRecovery.state()).isEqualTo(ControlFile.State.SHUT_DOWN_IN_RECOVERY);
            assertThat(inRecovery.crashedAsPrimary()).isFalse();
            assertThat(inRecovery.minRecoveryLsn()).isGreaterThanOrEqualTo(stopped.checkpointLsn());
            assertThat(inRecovery.minRecoveryTimeline()).isEqualTo(1);
            assertThat(running.crashedAsPrimary()).as("read while it ran as a primary").isTrue();
            assertThat(stopped.minRecoveryLsn()).as("a primary records none").isEqualTo(Lsn.UNKNOWN);

            // another format is refused, naming the version found and the ones read
            byte[] bytes = Files.readAllBytes(data.resolve("global/pg_control"));
            java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder()).putInt(8, 1201);
            assertThatThrownBy(() -> ControlFile.parse(bytes, "pg_control"))
                    .isInstanceOf(ControlFile.UnsupportedControlFileException.class)
                    .hasMessageContaining("pg_control_version is 1201")
                    .hasMessageContaining("1300 (PostgreSQL 13 to 16) and 1700 (PostgreSQL 17)");
            assertThatThrownBy(() -> ControlFile.parse(java.util.Arrays.copyOf(bytes, 20), "pg_control"))
                    .hasMessageContaining("too short");
        }
    }
}
