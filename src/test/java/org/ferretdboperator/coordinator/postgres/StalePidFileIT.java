package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.process.ProcessResult;
import org.ferretdboperator.coordinator.process.Processes;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL whose {@code postmaster.pid} outlived it and now names another live program of its user, as after
 * a lost node returns and its pod's containers start again in a new process namespace (CI: the old primary of the
 * real-node node-lost case never became Ready; the coordinator took a JVM thread for its postmaster). The
 * coordinator must see no server, must not signal that program, and must start PostgreSQL, which by itself refuses to.
 */
class StalePidFileIT {

    @Test
    void aPidFileNamingAnotherProgramIsNeitherTheServerNorFencedNorAnObstacleToStart() throws Exception {
        LocalPostgres.requirePostgres();
        Path root = LocalPostgres.tempRoot();
        LocalPostgres pg = new LocalPostgres(root, "pg-0");
        InstanceObserver observer = pg.observer;
        InstanceController controller = pg.controller;
        Path pidFile = pg.settings.pgdata().resolve(PostmasterPidFile.NAME);
        Process other = null;
        try {
            controller.initDb();
            controller.startPrimary();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(observer::observe,
                    LocalInstance::isPrimary);
            List<String> lines = Files.readAllLines(pidFile);
            controller.stopFast(Duration.ofSeconds(20));
            assertThat(observer.observe().postmasterAlive()).isFalse();

            other = startAsPostgresUser();
            long otherPid = other.pid();
            List<String> stale = new ArrayList<>(lines);
            stale.set(0, Long.toString(otherPid));
            Files.write(pidFile, stale);

            ProcessResult refused = pg.runner.run("pg_ctl", List.of("start", "-D", pg.settings.pgdata().toString(),
                    "-w", "-t", "10", "-l", pg.runner.serverLog().toString()), Duration.ofSeconds(20));
            assertThat(refused.ok()).as("PostgreSQL itself refuses to start beside the stale pid file: %s", refused.tail())
                    .isFalse();
            assertThat(Processes.alive(otherPid)).isTrue();

            assertThat(observer.observe().postmasterAlive()).as("a pid file naming another program is no server").isFalse();
            controller.fence();
            assertThat(Processes.alive(otherPid)).as("the program under the stale pid is never signalled").isTrue();

            controller.startPrimary();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(observer::observe,
                    LocalInstance::isPrimary);
            assertThat(PostmasterPidFile.runningPostmaster(pg.settings.pgdata()))
                    .hasValueSatisfying(p -> assertThat(p).isNotEqualTo(otherPid));
            assertThat(Processes.alive(otherPid)).isTrue();

            long postmaster = PostmasterPidFile.runningPostmaster(pg.settings.pgdata()).orElseThrow();
            controller.fence();
            assertThat(Processes.alive(postmaster)).as("the real postmaster is fenced (SIGQUIT by kill(2))").isFalse();
        } finally {
            if (other != null) {
                other.destroyForcibly();
            }
            PostmasterPidFile.runningPostmaster(pg.settings.pgdata())
                    .ifPresent(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
            pg.connections.closeLocal();
            InstanceController.deleteTree(root);
        }
    }

    /**
     * The same for the lock file beside the unix socket, which lives in an emptyDir of the pod and outlives a lost node
     * the same way (CI, node-lost: every start of the returned member, re-clones included, exited with "lock file
     * .s.PGSQL.5432.lock already exists" naming a pid of the new pod).
     */
    @Test
    void aSocketLockFileNamingAnotherProgramIsNoObstacleToStart() throws Exception {
        LocalPostgres.requirePostgres();
        Path root = LocalPostgres.tempRoot();
        LocalPostgres pg = new LocalPostgres(root, "pg-0");
        Path socketLock = PostmasterPidFile.socketLockFile(pg.settings.socketDir(), pg.settings.port());
        Process other = null;
        try {
            pg.controller.initDb();
            pg.controller.startPrimary();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(pg.observer::observe,
                    LocalInstance::isPrimary);
            List<String> lines = Files.readAllLines(socketLock);
            pg.controller.stopFast(Duration.ofSeconds(20));
            assertThat(socketLock).as("removed by a clean stop").doesNotExist();

            other = startAsPostgresUser();
            long otherPid = other.pid();
            List<String> stale = new ArrayList<>(lines);
            stale.set(0, Long.toString(otherPid));
            Files.write(socketLock, stale);
            pg.runner.handOver(socketLock);

            ProcessResult refused = pg.runner.run("pg_ctl", List.of("start", "-D", pg.settings.pgdata().toString(),
                    "-w", "-t", "10", "-l", pg.runner.serverLog().toString()), Duration.ofSeconds(20));
            assertThat(refused.ok()).as("PostgreSQL itself refuses to start beside the stale socket lock: %s", refused.tail())
                    .isFalse();
            assertThat(Files.readString(pg.runner.serverLog())).contains(".s.PGSQL." + pg.settings.port() + ".lock");

            pg.controller.startPrimary();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(pg.observer::observe,
                    LocalInstance::isPrimary);
            assertThat(Processes.alive(otherPid)).as("the program under the stale pid is never signalled").isTrue();
        } finally {
            if (other != null) {
                other.destroyForcibly();
            }
            pg.close();
            pg.connections.closeLocal();
            InstanceController.deleteTree(root);
        }
    }

    /** A program of PostgreSQL's user (PostgreSQL ignores a pid it may not signal): setpriv execs, so the pid is its. */
    private static Process startAsPostgresUser() throws Exception {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--"));
        }
        command.addAll(List.of("sleep", "600"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> Processes.programName(p.pid()).map("sleep"::equals).orElse(false));
        return p;
    }
}
