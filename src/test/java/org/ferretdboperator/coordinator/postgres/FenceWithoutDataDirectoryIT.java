package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.process.Processes;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL whose data directory is removed while it runs: it keeps running without its pid file, and the
 * coordinator's fence must still stop it, through the postmaster its observer last saw (issue: the server kept
 * answering for 30 s after the removal, blocking every failover as "still running").
 */
class FenceWithoutDataDirectoryIT {

    @Test
    void theServerLastSeenRunningIsFencedAfterItsDataDirectoryWasRemoved() throws Exception {
        LocalPostgres.requirePostgres();
        Path root = LocalPostgres.tempRoot();
        LocalPostgres pg = new LocalPostgres(root, "pg-0");
        InstanceObserver observer = pg.observer;
        InstanceController controller = pg.controller;
        long pid = -1;
        try {
            controller.initDb();
            controller.startPrimary();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(observer::observe,
                    LocalInstance::isPrimary);
            pid = PostmasterPidFile.runningPostmaster(pg.settings.pgdata()).orElseThrow();

            removeWhileRunning(pg.settings.pgdata());
            LocalInstance gone = observer.observe();
            assertThat(gone.dataDirInitialised()).isFalse();
            assertThat(gone.postmasterAlive()).as("no pid file left to find the server by").isFalse();
            assertThat(Processes.alive(pid)).as("the server runs on without its data directory").isTrue();

            // what the pid file alone offers: nothing to fence
            new InstanceController(pg.settings, pg.runner, pg.connections).fence();
            assertThat(Processes.alive(pid)).isTrue();

            controller.fence();
            assertThat(Processes.alive(pid)).as("fenced through the postmaster last seen running").isFalse();
        } finally {
            if (pid > 0 && Processes.alive(pid)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            pg.connections.closeLocal();
            InstanceController.deleteTree(root);
        }
    }

    @Test
    void aRememberedPidThatIsNoPostgresIsNeverSignalled() {
        KnownPostmaster known = new KnownPostmaster();
        known.seen(ProcessHandle.current().pid()); // this JVM: alive, but not a postmaster (a reused pid)
        assertThat(known.stillRunning()).isEmpty();
    }

    /** PostgreSQL writes files while they go: repeat until the directory itself is gone. */
    private static void removeWhileRunning(Path pgdata) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            try {
                InstanceController.deleteTree(pgdata);
            } catch (IOException e) {
                // a file appeared meanwhile: the next round removes it
            }
            return !Files.exists(pgdata);
        });
    }
}
