package org.ferretdboperator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.ferretdboperator.coordinator.decision.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongActionRunnerTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private static final Action.CloneFrom CLONE = new Action.CloneFrom("pg-0", "pg-0.pods:5432");

    @Test
    void refusesASecondLongActionUntilTheFirstEndedAndWasReported() throws Exception {
        LongActionRunner runner = LongActionRunner.threaded(dir, clock::get);
        CountDownLatch release = new CountDownLatch(1);
        runner.start(CLONE, release::await);
        assertThatThrownBy(() -> runner.start(CLONE, () -> { })).hasMessageContaining("still in flight");

        release.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !runner.busy());
        assertThatThrownBy(() -> runner.start(CLONE, () -> { })).as("ended but not reported yet")
                .hasMessageContaining("unreported");
        assertThat(runner.takeFinished()).hasValueSatisfying(f -> assertThat(f.failure()).isNull());
        assertThat(runner.takeFinished()).as("reported once").isEmpty();
        runner.start(CLONE, () -> { });
    }

    @Test
    void progressIsAnyChangeOfTheDirectorysSizeOrNewestModification() throws Exception {
        LongActionRunner runner = LongActionRunner.threaded(dir, clock::get);
        Files.writeString(dir.resolve("a"), "12345");
        CountDownLatch release = new CountDownLatch(1);
        runner.start(CLONE, release::await);
        assertThat(runner.inFlight()).hasValueSatisfying(r -> assertThat(r.bytes()).isEqualTo(5));

        clock.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(runner.inFlight()).hasValueSatisfying(r -> assertThat(r.sinceProgressMillis()).isEqualTo(30_000));

        // same size, rewritten later: a rewind changes blocks in place
        Files.writeString(dir.resolve("a"), "54321");
        Files.setLastModifiedTime(dir.resolve("a"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(runner.inFlight()).hasValueSatisfying(r -> assertThat(r.sinceProgressMillis()).isZero());
        assertThat(runner.lastSampled()).hasValueSatisfying(r -> assertThat(r.sinceProgressMillis()).isZero());

        clock.addAndGet(Duration.ofMillis(500).toNanos());
        Files.writeString(dir.resolve("b"), "more");
        // sampled at most once a second: half a second later the loop's view has not changed
        assertThat(runner.inFlight()).hasValueSatisfying(r -> assertThat(r.bytes()).isEqualTo(5));
        clock.addAndGet(Duration.ofMillis(600).toNanos());
        assertThat(runner.inFlight()).hasValueSatisfying(r -> assertThat(r.bytes()).isEqualTo(9));
        release.countDown();
    }

    @Test
    void aCancelledActionEndsAsInterruptedAndIsReportedSo() throws Exception {
        LongActionRunner runner = LongActionRunner.threaded(dir, clock::get);
        CountDownLatch started = new CountDownLatch(1);
        runner.start(CLONE, () -> {
            started.countDown();
            new CountDownLatch(1).await();
        });
        started.await();
        assertThat(runner.cancel("test", Duration.ofSeconds(10))).isTrue();
        assertThat(runner.busy()).isFalse();
        assertThat(runner.lastSampled()).isEmpty();
        assertThat(runner.takeFinished()).hasValueSatisfying(f -> assertThat(f.failure()).isInstanceOf(InterruptedException.class));
    }
}
