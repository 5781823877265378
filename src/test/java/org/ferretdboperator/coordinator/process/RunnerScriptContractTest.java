package org.ferretdboperator.coordinator.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.coordinator.postgres.DocumentDb;
import org.ferretdboperator.testsupport.PostgresPrograms;
import org.ferretdboperator.testsupport.Prerequisite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between the coordinator and the postgres container: the REAL {@code runner.sh} (the script the operator
 * ships in the runner ConfigMap, run with bash in a temporary control directory) against the REAL
 * {@link ControlDirProcessRunner}. The PostgreSQL programs are PostgreSQL 15's own where a real one shows the case
 * (initdb, pg_controldata, pg_ctl), and tiny scripts under allowed names where the case needs a program that sleeps or
 * records what it was given.
 */
class RunnerScriptContractTest {

    private static final String SCRIPT = "/org/ferretdboperator/postgres/runner.sh";

    @TempDir
    Path tmp;

    Path control;
    Path bin;
    Path runnerLog;
    Process runner;
    ControlDirProcessRunner coordinator;
    final List<Long> strayPids = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String program : List.of("initdb", "pg_controldata", "pg_ctl", "pg_config")) {
            if (!Files.isExecutable(PostgresPrograms.BIN_DIR.resolve(program))) {
                missing.add(PostgresPrograms.BIN_DIR.resolve(program) + " (hack/install-deps.sh installs PostgreSQL 15)");
            }
        }
        if (!Prerequisite.onPath("bash")) {
            missing.add("bash");
        }
        Prerequisite.require(missing.isEmpty(), String.join("; ", missing));
        control = Files.createDirectories(tmp.resolve("control"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        runnerLog = tmp.resolve("runner.log");
        for (String real : List.of("initdb", "pg_controldata", "pg_ctl", "pg_config")) {
            Files.createSymbolicLink(bin.resolve(real), PostgresPrograms.BIN_DIR.resolve(real));
        }
        // echoes its argv one per line in brackets; records start/end in a journal for the ordering test
        script("pg_rewind", """
                journal=%s
                echo "start $1" >> "$journal"
                for a in "$@"; do printf '[%%s]\\n' "$a"; done
                if [[ "$2" == sleep ]]; then read -r -t "$3" _ <> <(:); fi
                echo "end $1" >> "$journal"
                exit "${EXIT_CODE:-0}"
                """.formatted(tmp.resolve("journal")));
        // writes its pid, then runs until killed
        script("pg_basebackup", """
                echo $$ > "$1"
                echo "streaming"
                exec sleep 300
                """);
        startRunner();
        coordinator = new ControlDirProcessRunner(control, Duration.ofMillis(10));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            runner.descendants().forEach(ProcessHandle::destroyForcibly);
            runner.destroyForcibly();
            runner.waitFor();
        }
        strayPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        for (String real : List.of("initdb", "pg_controldata", "pg_ctl", "pg_config")) {
            if (bin != null) {
                Files.deleteIfExists(bin.resolve(real)); // the links, not PostgreSQL's programs
            }
        }
    }

    private void script(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void startRunner() throws IOException {
        Path script = tmp.resolve("runner.sh");
        try (InputStream in = RunnerScriptContractTest.class.getResourceAsStream(SCRIPT)) {
            assertThat(in).as("runner.sh on the classpath at " + SCRIPT).isNotNull();
            Files.write(script, in.readAllBytes());
        }
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(runnerLog.toFile()));
        pb.environment().put(PodContract.ENV_CONTROL_DIR, control.toString());
        pb.environment().put("PG_BIN", bin.toString());
        pb.environment().remove("PGDATA");
        runner = pb.start();
        awaitTrue("runner heartbeat", Duration.ofSeconds(10),
                () -> Files.exists(control.resolve(PodContract.RUNNER_HEARTBEAT_NAME)));
    }

    private static void awaitTrue(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private List<Path> files(String dir) throws IOException {
        try (Stream<Path> s = Files.list(control.resolve(dir))) {
            return s.toList();
        }
    }

    private boolean anyClaim() {
        try {
            return files(PodContract.RUNNER_REQUESTS).stream()
                    .anyMatch(p -> p.toString().endsWith(PodContract.RUNNER_CLAIM_SUFFIX));
        } catch (IOException e) {
            return false;
        }
    }

    private long pidFrom(Path pidFile) throws IOException {
        awaitTrue("pid file " + pidFile, Duration.ofSeconds(10), () -> {
            try {
                return Files.exists(pidFile) && !Files.readString(pidFile).isBlank();
            } catch (IOException e) {
                return false;
            }
        });
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        strayPids.add(pid);
        return pid;
    }

    private void assertNothingLeftBehind() throws IOException {
        awaitTrue("requests/ and responses/ empty", Duration.ofSeconds(10), () -> {
            try {
                return files(PodContract.RUNNER_REQUESTS).isEmpty() && files(PodContract.RUNNER_RESPONSES).isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void aRealProgramSucceedsWithItsOutput() throws Exception {
        ProcessResult result = coordinator.run("initdb", List.of("--version"), Duration.ofSeconds(20));
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("initdb (PostgreSQL) 15");
        assertNothingLeftBehind();
    }

    @Test
    void argvArrivesExactlyAsGivenAndNoArgumentIsLogged() throws Exception {
        List<String> args = List.of("args", "two words", "", "quote ' \" $(whoami) `id` *", "password=s3cr3t-in-argv",
                "tab\tand\nnewline", "ünïcödé");
        ProcessResult result = coordinator.run("pg_rewind", args, Duration.ofSeconds(20));
        assertThat(result.exitCode()).isZero();
        StringBuilder expected = new StringBuilder();
        args.forEach(a -> expected.append('[').append(a).append("]\n"));
        assertThat(result.output()).isEqualTo(expected.toString());
        assertThat(Files.readString(runnerLog)).contains("running pg_rewind").doesNotContain("s3cr3t");
    }

    @Test
    void aRealProgramFailsWithItsExitCodeAndMessage() throws Exception {
        Path missing = tmp.resolve("no-such-pgdata");
        ProcessResult result = coordinator.run("pg_controldata", List.of("-D", missing.toString()),
                Duration.ofSeconds(20));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("could not open file").contains(missing.toString());
        assertNothingLeftBehind();
    }

    @Test
    void aProgramOutsideTheAllowListIsRefusedWith126() throws Exception {
        for (String program : List.of("bash", "psql")) {
            ProcessResult result = coordinator.run(program, List.of("-c", "true"), Duration.ofSeconds(20));
            assertThat(result.exitCode()).as(program).isEqualTo(PodContract.RUNNER_RC_REFUSED);
            assertThat(result.output()).contains("refused: program '" + program + "'");
        }
        assertNothingLeftBehind();
    }

    @Test
    void pgCtlStartWithoutALogFileIsRefused() throws Exception {
        for (List<String> args : List.of(List.of("start", "-D", tmp.toString()), List.of("-D", tmp.toString(), "restart"))) {
            ProcessResult result = coordinator.run("pg_ctl", args, Duration.ofSeconds(20));
            assertThat(result.exitCode()).as(args.toString()).isEqualTo(PodContract.RUNNER_RC_REFUSED);
            assertThat(result.output()).contains("needs -l");
        }
        // with -l it is not refused: the real pg_ctl runs and reports the missing data directory
        ProcessResult withLog = coordinator.run("pg_ctl", List.of("start", "-D", tmp.resolve("none").toString(), "-l",
                tmp.resolve("server.log").toString()), Duration.ofSeconds(20));
        assertThat(withLog.exitCode()).isNotEqualTo(PodContract.RUNNER_RC_REFUSED).isNotZero();
        assertThat(withLog.output()).contains("pg_ctl");
    }

    @Test
    void aProgramThatOutlivesItsTimeoutIsStoppedAndTheRunnerServesTheNextRequest() throws Exception {
        Path pidFile = tmp.resolve("long.pid");
        long started = System.nanoTime();
        ProcessResult result = coordinator.run("pg_basebackup", List.of(pidFile.toString()), Duration.ofSeconds(1));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result.exitCode()).isEqualTo(ControlDirProcessRunner.RC_TIMED_OUT);
        assertThat(result.output()).contains("within 1000 ms").contains("cancelled");
        assertThat(took).isLessThan(Duration.ofSeconds(1).plus(ControlDirProcessRunner.CANCEL_WAIT));
        long pid = pidFrom(pidFile);
        awaitTrue("the cancelled program has exited", Duration.ofSeconds(10), () -> !Processes.alive(pid));
        ProcessResult next = coordinator.run("initdb", List.of("--version"), Duration.ofSeconds(5));
        assertThat(next.exitCode()).isZero();
        assertNothingLeftBehind();
    }

    @Test
    void aRequestStillQueuedAtItsTimeoutIsWithdrawnAndNeverRuns() throws Exception {
        Path pidFile = tmp.resolve("blocker.pid");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ProcessResult> blocker = pool.submit(() -> coordinator.run("pg_basebackup", List.of(pidFile.toString()),
                    Duration.ofSeconds(60)));
            long pid = pidFrom(pidFile);
            ProcessResult queued = coordinator.run("pg_rewind", List.of("queued"), Duration.ofMillis(300));
            assertThat(queued.exitCode()).isEqualTo(ControlDirProcessRunner.RC_TIMED_OUT);
            assertThat(queued.output()).contains("withdrawn before it started");
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            assertThat(blocker.get().exitCode()).isNotZero();
            // the withdrawn request never ran
            ProcessResult after = coordinator.run("initdb", List.of("--version"), Duration.ofSeconds(10));
            assertThat(after.exitCode()).isZero();
            assertThat(tmp.resolve("journal")).doesNotExist();
        } finally {
            pool.shutdownNow();
        }
        assertNothingLeftBehind();
    }

    @Test
    void anInterruptedCallerCancelsItsRunningProgram() throws Exception {
        Path pidFile = tmp.resolve("interrupted.pid");
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                coordinator.run("pg_basebackup", List.of(pidFile.toString()), Duration.ofSeconds(60));
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        caller.start();
        long pid = pidFrom(pidFile);
        caller.interrupt();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        // the caller cleans up after the program (a clone removes its half copy): it must have stopped by now
        assertThat(Processes.alive(pid)).as("the program is still running when the interrupted call returns").isFalse();
        // its late answer is cleaned up by the next request
        awaitTrue("the runner answered the cancelled request", Duration.ofSeconds(10), () -> !anyClaim());
        assertThat(coordinator.run("initdb", List.of("--version"), Duration.ofSeconds(10)).exitCode()).isZero();
        assertNothingLeftBehind();
    }

    @Test
    void concurrentRequestsRunOneAtATimeInSubmissionOrderEachWithItsOwnAnswer() throws Exception {
        Path pidFile = tmp.resolve("first.pid");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<ProcessResult> first = pool.submit(() -> coordinator.run("pg_basebackup", List.of(pidFile.toString()),
                    Duration.ofSeconds(60)));
            long pid = pidFrom(pidFile);
            List<Future<ProcessResult>> queued = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                int before = files(PodContract.RUNNER_REQUESTS).size();
                queued.add(pool.submit(() -> coordinator.run("pg_rewind", List.of(name, "sleep", "0.2"),
                        Duration.ofSeconds(60))));
                // the next one is submitted only once this one's request file is there: submission order is known
                awaitTrue("request " + name + " queued", Duration.ofSeconds(10), () -> {
                    try {
                        return files(PodContract.RUNNER_REQUESTS).size() > before;
                    } catch (IOException e) {
                        return false;
                    }
                });
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            assertThat(first.get().exitCode()).isNotZero();
            List<String> names = List.of("a", "b", "c");
            for (int i = 0; i < 3; i++) {
                ProcessResult r = queued.get(i).get();
                assertThat(r.exitCode()).isZero();
                assertThat(r.output()).startsWith("[" + names.get(i) + "]\n");
            }
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        assertThat(Files.readAllLines(tmp.resolve("journal"), StandardCharsets.UTF_8))
                .containsExactly("start a", "end a", "start b", "end b", "start c", "end c");
        assertNothingLeftBehind();
    }

    @Test
    void aRequestRunningWhenTheRunnerDiesIsAnswered137AndNotRunAgain() throws Exception {
        Path pidFile = tmp.resolve("orphan.pid");
        CompletableFuture<ProcessResult> result = CompletableFuture.supplyAsync(() -> {
            try {
                return coordinator.run("pg_basebackup", List.of(pidFile.toString()), Duration.ofSeconds(60));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long pid = pidFrom(pidFile);
        awaitTrue("the request is claimed", Duration.ofSeconds(10), this::anyClaim);
        // the container dies: the runner and the program with it
        runner.destroyForcibly();
        runner.waitFor();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        awaitTrue("the program is gone", Duration.ofSeconds(10), () -> !Processes.alive(pid));
        Files.delete(pidFile);
        startRunner();
        ProcessResult answered = result.get();
        assertThat(answered.exitCode()).isEqualTo(PodContract.RUNNER_RC_INTERRUPTED);
        assertThat(answered.output()).contains("it was not run again");
        assertThat(pidFile).doesNotExist();
        assertNothingLeftBehind();
    }

    @Test
    void malformedRequestsAreRefusedBeforeAnythingIsWritten() throws Exception {
        assertThatThrownBy(() -> coordinator.run("/bin/sh", List.of(), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/bin/sh");
        assertThatThrownBy(() -> coordinator.run("pg_ctl", List.of("a\0b"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThat(files(PodContract.RUNNER_REQUESTS)).isEmpty();
    }

    @Test
    void theServerLogIsTheRunnersLogLink() {
        assertThat(coordinator.serverLog()).isEqualTo(control.resolve(PodContract.RUNNER_LOG_LINK_NAME));
        assertThat(control.resolve(PodContract.RUNNER_LOG_LINK_NAME)).isSymbolicLink();
    }

    @Test
    void theRunnerListsTheImagesServerLibrariesAsPgConfigNamesThem() throws Exception {
        awaitTrue("server-libraries", Duration.ofSeconds(10),
                () -> Files.exists(control.resolve(PodContract.RUNNER_SERVER_LIBRARIES_NAME)));
        Optional<Set<String>> listed = coordinator.serverLibraries();
        // the same directory read by the coordinator's own runner (harness, tests) from the same pg_config
        Optional<Set<String>> local = new LocalProcessRunner(PostgresPrograms.BIN_DIR, "postgres", tmp.resolve("log"))
                .serverLibraries();
        assertThat(listed).isPresent();
        assertThat(listed.get()).contains("plpgsql.so").isEqualTo(local.orElseThrow());
        assertThat(DocumentDb.missingLibraries(listed.get()))
                .as("plain PostgreSQL has none of DocumentDB's preload libraries")
                .containsExactly("pg_cron", "pg_documentdb_core", "pg_documentdb");
    }
}
