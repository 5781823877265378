package org.ferretdboperator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.coordinator.postgres.InstanceControllerAccess;
import org.ferretdboperator.coordinator.postgres.PostmasterPidFile;
import org.ferretdboperator.coordinator.process.LocalProcessRunner;
import org.ferretdboperator.coordinator.process.Processes;
import org.ferretdboperator.testsupport.PostgresPrograms;
import org.ferretdboperator.testsupport.Prerequisite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The dead-man's switch across the pod's two containers, each side real: the coordinator's {@link PrimaryHeartbeat}
 * writing {@link PodContract#PRIMARY_HEARTBEAT_FILE}, the shipped {@code runner.sh} watching it (started with the
 * postgres container's environment, as the postgres user), and a real PostgreSQL on the data directory it watches. A coordinator that stops beating (frozen, dead) must not leave a primary that goes on
 * acknowledging writes once a standby could take the Lease over.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrimaryHeartbeatRunnerIT {

    /** The CRD's default renewDeadline; the Lease (2000 ms) can be taken over no earlier than this after a renew. */
    static final long RENEW_DEADLINE_MS = 1200;
    static final long LEASE_DURATION_MS = 2000;

    static Path root;
    static Path control;
    static Path pgdata;
    static Path runnerLog;
    static int port;
    static Process runner;
    static PrimaryHeartbeat heartbeat;

    @BeforeAll
    static void setUp() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String program : List.of("initdb", "pg_ctl", "postgres")) {
            if (!Files.isExecutable(PostgresPrograms.BIN_DIR.resolve(program))) {
                missing.add(PostgresPrograms.BIN_DIR.resolve(program) + " (hack/install-deps.sh installs PostgreSQL 15)");
            }
        }
        if (LocalProcessRunner.isRoot() && !(Prerequisite.onPath("runuser") && PostgresPrograms.osUserExists())) {
            missing.add("runuser and the postgres OS user (PostgreSQL refuses to run as root)");
        }
        Prerequisite.require(missing.isEmpty(), String.join("; ", missing));
        root = Files.createTempDirectory("heartbeat-it");
        control = Files.createDirectories(root.resolve("control"));
        Path socket = Files.createDirectories(root.resolve("sock"));
        LocalProcessRunner owner = new LocalProcessRunner(PostgresPrograms.BIN_DIR, PostgresPrograms.OS_USER, root.resolve("x"));
        for (Path p : List.of(root, control, socket)) {
            owner.handOver(p);
        }
        pgdata = root.resolve("data");
        runnerLog = root.resolve("runner.log");
        port = freePort();
        startRunner();
        // PostgreSQL is started as the coordinator does for local processes (as the postgres user when root): the
        // runner's request channel needs both sides to be the same user, as they are in a pod
        var initdb = owner.run("initdb", List.of("-D", pgdata.toString(), "-U", "postgres", "--auth=trust"),
                Duration.ofSeconds(60));
        assertThat(initdb.ok()).as(initdb.output()).isTrue();
        var started = owner.run("pg_ctl", List.of("start", "-w", "-t", "60", "-D", pgdata.toString(), "-l",
                root.resolve("postgres.log").toString(), "-o", "-p " + port + " -k " + socket + " -c listen_addresses=127.0.0.1"),
                Duration.ofSeconds(90));
        assertThat(started.ok()).as(started.output()).isTrue();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE acks (id bigint)");
        }
        heartbeat = new PrimaryHeartbeat(Optional.of(control.resolve(PodContract.PRIMARY_HEARTBEAT_FILE)));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (pgdata != null) {
            PostmasterPidFile.runningPostmaster(pgdata).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        if (runner != null) {
            runner.descendants().forEach(ProcessHandle::destroyForcibly);
            runner.destroyForcibly();
            runner.waitFor();
        }
        if (root != null) {
            InstanceControllerAccess.deleteTree(root);
        }
    }

    @Test
    @Order(1)
    void withoutAHeartbeatFileTheRunnerLeavesPostgresAlone() throws Exception {
        heartbeat.stop();
        awaitElapsed(Duration.ofMillis(3 * RENEW_DEADLINE_MS));
        assertThat(postmasterRunning()).as("a member that is not primary has no heartbeat to go stale").isTrue();
    }

    @Test
    @Order(2)
    void aStaleHeartbeatOnAStandbyDataDirectoryIsNotAPrimaryToStop() throws Exception {
        Path signal = pgdata.resolve("standby.signal");
        Files.writeString(signal, "");
        try {
            heartbeat.beat();
            awaitElapsed(Duration.ofMillis(3 * RENEW_DEADLINE_MS));
            assertThat(postmasterRunning()).isTrue();
        } finally {
            Files.delete(signal);
            heartbeat.stop();
        }
    }

    @Test
    @Order(3)
    void aPrimaryWhoseCoordinatorStopsBeatingStopsAcknowledgingWithinTheRenewDeadline() throws Exception {
        AtomicLong lastAck = new AtomicLong();
        AtomicLong acks = new AtomicLong();
        Thread writer = new Thread(() -> write(lastAck, acks), "writer");
        writer.setDaemon(true);
        writer.start();
        // beating as the coordinator does after each renew (every retryPeriod, 200 ms) for several renew deadlines:
        // the runner must not fire while the content changes
        long beatUntil = System.nanoTime() + Duration.ofMillis(4 * RENEW_DEADLINE_MS).toNanos();
        long lastBeat = 0;
        while (System.nanoTime() < beatUntil) {
            heartbeat.beat();
            lastBeat = System.nanoTime();
            Thread.sleep(200); // the renew period itself, not a wait for a condition
        }
        long acksWhileBeating = acks.get();
        assertThat(postmasterRunning()).as("PostgreSQL while its coordinator renews").isTrue();
        assertThat(acksWhileBeating).isPositive();

        // the coordinator freezes: no more beats
        await("the postmaster stopped by the runner").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> !postmasterRunning());
        writer.interrupt();
        writer.join(5000);
        long stoppedAfterMillis = (lastAck.get() - lastBeat) / 1_000_000;
        System.out.printf("last write acknowledged %d ms after the last heartbeat (renew deadline %d ms, Lease %d ms)%n",
                stoppedAfterMillis, RENEW_DEADLINE_MS, LEASE_DURATION_MS);
        assertThat(stoppedAfterMillis).as("acknowledged writes after the last heartbeat")
                .isGreaterThanOrEqualTo(RENEW_DEADLINE_MS - 100) // it waited for the deadline...
                .isLessThan(LEASE_DURATION_MS - 200); // ...and stopped before a standby could take over
        assertThat(Files.readString(runnerLog)).contains("primary heartbeat unchanged").contains("immediate shutdown");
    }

    /**
     * What a member finds after its node came back: a stale heartbeat, and the pid file of a postmaster that died with
     * the node, whose pid now belongs to another program (in a pod, the coordinator's JVM: SIGQUIT made it print thread
     * dumps every 50 ms, and the member never became Ready). The runner must not take that program for a postmaster.
     */
    @Test
    @Order(4)
    void aPidFileWhosePidNowBelongsToAnotherProgramIsNotAPostmasterToStop() throws Exception {
        await("the postmaster stopped by the previous test").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50)).until(() -> !postmasterRunning());
        List<String> command = new ArrayList<>();
        if (LocalProcessRunner.isRoot()) {
            command.addAll(List.of("runuser", "-u", PostgresPrograms.OS_USER, "--")); // signallable by the runner
        }
        command.addAll(List.of("sleep", "120"));
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        Path pidFile = pgdata.resolve("postmaster.pid");
        try {
            ProcessHandle other = await("the other program running").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> java.util.stream.Stream.concat(java.util.stream.Stream.of(launcher.toHandle()),
                            launcher.descendants()).filter(h -> h.info().command().map(c -> c.endsWith("/sleep"))
                                    .orElse(false)).findFirst(), Optional::isPresent).orElseThrow();
            Files.writeString(pidFile, other.pid() + "\n" + pgdata + "\n");
            heartbeat.beat();
            awaitElapsed(Duration.ofMillis(3 * RENEW_DEADLINE_MS));
            assertThat(other.isAlive()).as("the program holding the stale postmaster pid " + other.pid()
                    + " after 3 renew deadlines of an unchanged heartbeat").isTrue();
            assertThat(Files.readString(runnerLog)).doesNotContain("(postmaster " + other.pid() + ")");
        } finally {
            heartbeat.stop();
            Files.deleteIfExists(pidFile);
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    private static void write(AtomicLong lastAck, AtomicLong acks) {
        long id = 0;
        Connection c = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (c == null) {
                    c = connect();
                }
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO acks VALUES (" + (++id) + ")");
                }
                lastAck.set(System.nanoTime());
                acks.incrementAndGet();
            } catch (SQLException e) {
                c = null;
            }
            try {
                Thread.sleep(5); // the writer's own pace
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean postmasterRunning() {
        return PostmasterPidFile.runningPostmaster(pgdata).map(Processes::alive).orElse(false);
    }

    private static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "1");
        p.setProperty("socketTimeout", "2");
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    /** The duration is the point of the check (nothing may happen within it), not a stand-in for a condition. */
    private static void awaitElapsed(Duration d) {
        long start = System.nanoTime();
        await().atMost(d.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> System.nanoTime() - start >= d.toNanos());
    }

    private static void startRunner() throws IOException {
        Path script = root.resolve("runner.sh");
        try (InputStream in = PrimaryHeartbeatRunnerIT.class.getResourceAsStream("/org/ferretdboperator/postgres/runner.sh")) {
            assertThat(in).isNotNull();
            Files.write(script, in.readAllBytes());
        }
        List<String> command = new ArrayList<>();
        if (LocalProcessRunner.isRoot()) {
            command.addAll(List.of("runuser", "-u", PostgresPrograms.OS_USER, "--"));
        }
        // the postgres container's environment as the pod template writes it
        command.addAll(List.of("env", PodContract.ENV_CONTROL_DIR + "=" + control, "PGDATA=" + pgdata,
                PodContract.ENV_RENEW_DEADLINE_MS + "=" + RENEW_DEADLINE_MS, "PG_BIN=" + PostgresPrograms.BIN_DIR,
                "bash", script.toString()));
        runner = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(runnerLog.toFile())).start();
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
