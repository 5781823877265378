package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Slots;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A clone cancelled half way, against a real leader: pg_basebackup (limited by {@code --max-rate} so it is still
 * copying) is stopped when the thread running it is interrupted, as the coordinator's loop cancels a long action, and
 * the half-copied directory is removed; a clone after that starts from scratch and streams.
 */
class CancelledCloneIT {

    static Path root;
    static LocalPostgres leader;
    static LocalPostgres member;

    @BeforeAll
    static void setUp() throws Exception {
        LocalPostgres.requirePostgres();
        root = LocalPostgres.tempRoot();
        leader = new LocalPostgres(root, "pg-0");
        member = new LocalPostgres(root, "pg-1");
        leader.controller.initDb();
        leader.controller.startPrimary();
        await().atMost(Duration.ofSeconds(30)).until(leader.observer::observe, LocalInstance::isPrimary);
        leader.controller.ensureRoles(List.of());
        // as the coordinator's leader does for every member: a standby streams through its slot, and without one its
        // WAL receiver fails at START_REPLICATION a moment after it reports "streaming"
        leader.controller.ensureSlots(Set.of(Slots.nameFor("pg-1")), Set.of());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (member != null) {
            member.close();
        }
        if (leader != null) {
            leader.close();
        }
        if (root != null) {
            InstanceController.deleteTree(root);
        }
    }

    @Test
    void anInterruptedCloneStopsPgBasebackupAndLeavesNoHalfCopiedDirectory() throws Exception {
        Path pgdata = member.settings.pgdata();
        member.controller.baseBackupMaxRate(Optional.of("64k"));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread cloning = new Thread(() -> {
            try {
                member.controller.cloneFrom(leader.address());
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        }, "clone-under-test");
        cloning.start();
        await("pg_basebackup copying").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> size(pgdata) > 256 * 1024);
        assertThat(basebackups()).as("pg_basebackup processes while copying").isNotEmpty();
        long copied = size(pgdata);
        await("more bytes copied").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> size(pgdata) > copied);

        long interrupted = System.nanoTime();
        cloning.interrupt();
        Throwable thrown = outcome.get(20, TimeUnit.SECONDS);

        assertThat(thrown).isInstanceOf(InterruptedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(15));
        assertThat(basebackups()).as("pg_basebackup processes after the cancel returned").isEmpty();
        assertThat(pgdata).doesNotExist();

        member.controller.baseBackupMaxRate(Optional.empty());
        member.controller.cloneFrom(leader.address());
        LocalInstance standby;
        try {
            standby = await("the second clone streaming from the leader").atMost(Duration.ofSeconds(60))
                    .until(member.observer::observe, l -> l.running() && l.walReceiverStreaming());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + logTail("pg-1") + logTail("pg-0"), e);
        }
        assertThat(standby.systemIdentifier()).isEqualTo(leader.observer.observe().systemIdentifier());
    }

    /** The last lines of a member's server log (why a standby does not stream is only said there). */
    private static String logTail(String name) {
        Path log = root.resolve(name).resolve("postgres.log");
        try {
            List<String> lines = Files.readAllLines(log);
            return "--- " + log + " (last 40 lines) ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
        } catch (java.io.IOException e) {
            return "--- " + log + ": " + e + "\n";
        }
    }

    private static List<ProcessHandle> basebackups() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/pg_basebackup")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(member.settings.pgdata().toString()))
                        .orElse(true))
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    private static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (java.io.IOException e) {
                    return 0;
                }
            }).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
