package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.Prerequisite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shipped runner script with bash against a temporary control directory, with the real PostgreSQL 15
 * programs of this machine; a few fake programs placed first on PATH stand in where a test needs a slow or chatty
 * program.
 */
class RunnerScriptTest {

    private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;
    Path control;
    Path script;
    Path fakeBin;
    Path stdout;
    final List<Process> runners = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Prerequisite.require(Files.isExecutable(PG_BIN.resolve("pg_ctl")),
                "PostgreSQL 15 binaries missing at " + PG_BIN + " (hack/install-deps.sh installs them)");
        control = Files.createDirectories(tmp.resolve("control"));
        fakeBin = Files.createDirectories(tmp.resolve("bin"));
        script = tmp.resolve(PodContract.RUNNER_SCRIPT_KEY);
        Files.writeString(script, RunnerConfigMapDependent.script());
        stdout = tmp.resolve("runner.log");
    }

    @AfterEach
    void stopRunners() throws InterruptedException {
        for (Process p : runners) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsAnAllowedProgramAndPublishesItsOutputAndExitCode() throws Exception {
        startRunner(PG_BIN.toString());
        submit("0001", "pg_ctl", "--version");
        assertThat(exitCode("0001")).isEqualTo(0);
        assertThat(output("0001")).startsWith("pg_ctl (PostgreSQL) 15");
        assertThat(control.resolve("requests")).isEmptyDirectory();
    }

    @Test
    void refusesProgramsOutsideTheAllowlistWithoutRunningThem() throws Exception {
        startRunner(PG_BIN.toString());
        Path victim = Files.writeString(tmp.resolve("victim"), "x");
        submit("0001", "rm", "-f", victim.toString());
        assertThat(exitCode("0001")).isEqualTo(PodContract.RUNNER_RC_REFUSED);
        assertThat(output("0001")).contains("'rm' is not one of");
        assertThat(victim).exists();

        // A path is not a program name either.
        submit("0002", "/bin/rm", "-f", victim.toString());
        assertThat(exitCode("0002")).isEqualTo(PodContract.RUNNER_RC_REFUSED);
        assertThat(victim).exists();
    }

    @Test
    void keepsServingAfterAFailedProgram() throws Exception {
        startRunner(PG_BIN.toString());
        submit("0001", "pg_controldata", tmp.resolve("no-such-data-dir").toString());
        assertThat(exitCode("0001")).isNotZero().isNotEqualTo(PodContract.RUNNER_RC_REFUSED);
        assertThat(output("0001")).contains("no-such-data-dir");
        submit("0002", "pg_ctl", "--version");
        assertThat(exitCode("0002")).isEqualTo(0);
    }

    @Test
    void refusesPgCtlStartWithoutALogFile() throws Exception {
        startRunner(PG_BIN.toString());
        submit("0001", "pg_ctl", "start", "-D", tmp.resolve("data").toString());
        assertThat(exitCode("0001")).isEqualTo(PodContract.RUNNER_RC_REFUSED);
        assertThat(output("0001")).contains("-l");
    }

    @Test
    void ignoresARequestUntilItIsRenamedIntoPlace() throws Exception {
        startRunner(PG_BIN.toString());
        Path partial = control.resolve("requests/0001.cmd.tmp");
        Files.write(partial, argv("pg_ctl", "--version"));
        await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> Files.exists(partial));
        assertThat(control.resolve("responses/0001.rc")).doesNotExist();
        Files.move(partial, control.resolve("requests/0001.cmd"));
        assertThat(exitCode("0001")).isEqualTo(0);
    }

    @Test
    void heartbeatsWhileALongProgramRunsAndHoldsTheClaimUntilTheExitCodeIsOut() throws Exception {
        fake("pg_basebackup", "echo copying; sleep 2.5; echo copied");
        startRunner(fakeBin + ":" + PG_BIN);
        submit("0001", "pg_basebackup", "-D", "x");
        await().atMost(TIMEOUT).until(() -> Files.exists(control.resolve("requests/0001.running")));
        long beatAtStart = heartbeat();
        await().atMost(TIMEOUT).until(() -> heartbeat() > beatAtStart);
        assertThat(control.resolve("responses/0001.rc")).doesNotExist();
        assertThat(alive()).isEqualTo(0);

        assertThat(exitCode("0001")).isEqualTo(0);
        assertThat(output("0001")).isEqualTo("copying\ncopied\n");
        assertThat(control.resolve("requests/0001.running")).doesNotExist();
    }

    @Test
    void aRequestInterruptedByARunnerCrashIsAnsweredAndNeverRunTwice() throws Exception {
        Path runs = tmp.resolve("runs");
        fake("pg_rewind", "echo run >> " + runs + "; sleep 2");
        Process first = startRunner(fakeBin + ":" + PG_BIN);
        submit("0001", "pg_rewind");
        await().atMost(TIMEOUT).until(() -> Files.exists(runs));
        first.destroyForcibly(); // SIGKILL: no chance to clean up
        first.waitFor(5, TimeUnit.SECONDS);

        startRunner(fakeBin + ":" + PG_BIN);
        assertThat(exitCode("0001")).isEqualTo(PodContract.RUNNER_RC_INTERRUPTED);
        assertThat(output("0001")).contains("not run again");
        submit("0002", "pg_ctl", "--version");
        assertThat(exitCode("0002")).isEqualTo(0);
        assertThat(Files.readAllLines(runs)).hasSize(1);
    }

    @Test
    void keepsOnlyTheTailOfALargeOutput() throws Exception {
        fake("pg_controldata", "yes x | head -c 200000; echo; echo END");
        startRunner(fakeBin + ":" + PG_BIN);
        submit("0001", "pg_controldata");
        assertThat(exitCode("0001")).isEqualTo(0);
        String out = output("0001");
        assertThat(out).startsWith("[runner: output truncated").endsWith("END\n");
        assertThat(out.length()).isLessThanOrEqualTo(PodContract.RUNNER_OUTPUT_LIMIT_BYTES + 100);
    }

    @Test
    void serverLogLinkReachesTheRunnersOwnOutput() throws Exception {
        startRunner(PG_BIN.toString());
        Path link = control.resolve("server.log");
        await().atMost(TIMEOUT).until(() -> Files.isSymbolicLink(link));
        Files.writeString(link, "a line from the server\n", StandardOpenOption.APPEND);
        await().atMost(TIMEOUT).until(() -> Files.readString(stdout).contains("a line from the server"));
    }

    @Test
    void livenessFailsWhenTheLoopStopsTurning() throws Exception {
        Process runner = startRunner(PG_BIN.toString());
        await().atMost(TIMEOUT).until(() -> Files.exists(control.resolve("runner.heartbeat")));
        assertThat(alive()).isEqualTo(0);
        runner.destroyForcibly();
        runner.waitFor(5, TimeUnit.SECONDS);
        // As if the loop had stopped a minute ago.
        Files.writeString(control.resolve("runner.heartbeat"), (System.currentTimeMillis() / 1000 - 60) + "\n");
        assertThat(alive()).isNotZero();
        Files.delete(control.resolve("runner.heartbeat"));
        assertThat(alive()).isNotZero();
    }

    @Test
    void exitsCleanlyOnSigtermWhenNoPostmasterRuns() throws Exception {
        Process runner = startRunner(PG_BIN.toString());
        await().atMost(TIMEOUT).until(() -> Files.exists(control.resolve("runner.heartbeat")));
        runner.destroy(); // SIGTERM
        assertThat(runner.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.exitValue()).isEqualTo(0);
    }

    private Process startRunner(String pgBin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()));
        pb.environment().put(PodContract.ENV_CONTROL_DIR, control.toString());
        pb.environment().put("PG_BIN", pgBin);
        pb.environment().remove("PGDATA");
        Process p = pb.start();
        runners.add(p);
        await().atMost(TIMEOUT).until(() -> Files.isDirectory(control.resolve("responses")));
        return p;
    }

    private int alive() throws Exception {
        return Command.run(Path.of("").toAbsolutePath(), Map.of(PodContract.ENV_CONTROL_DIR, control.toString()),
                Duration.ofSeconds(5), List.of("bash", script.toString(), "--alive")).exitCode();
    }

    private void submit(String id, String... argv) throws IOException {
        Path tmpFile = control.resolve("requests/" + id + ".cmd.tmp");
        Files.write(tmpFile, argv(argv));
        Files.move(tmpFile, control.resolve("requests/" + id + PodContract.RUNNER_REQUEST_SUFFIX));
    }

    private static byte[] argv(String... argv) {
        return String.join("\0", argv).getBytes(StandardCharsets.UTF_8);
    }

    private int exitCode(String id) throws IOException {
        Path rc = control.resolve("responses/" + id + PodContract.RUNNER_EXIT_CODE_SUFFIX);
        await().atMost(TIMEOUT).until(() -> Files.exists(rc));
        // The output is published before the exit code.
        assertThat(control.resolve("responses/" + id + PodContract.RUNNER_OUTPUT_SUFFIX)).exists();
        return Integer.parseInt(Files.readString(rc).trim());
    }

    private String output(String id) throws IOException {
        return Files.readString(control.resolve("responses/" + id + PodContract.RUNNER_OUTPUT_SUFFIX));
    }

    private long heartbeat() throws IOException {
        String text = Files.readString(control.resolve("runner.heartbeat")).trim();
        return text.isEmpty() ? 0 : Long.parseLong(text);
    }

    private void fake(String program, String body) throws IOException {
        Path p = fakeBin.resolve(program);
        Files.writeString(p, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
