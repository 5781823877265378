package org.ferretdboperator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.ferretdboperator.coordinator.decision.Action;
import org.ferretdboperator.coordinator.decision.Decision;
import org.ferretdboperator.coordinator.decision.HaDecision;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Observation;
import org.ferretdboperator.coordinator.lease.LeaseTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActionExecutorTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final FakePostgres postgres = new FakePostgres();
    private final FakeLeaseStore store = new FakeLeaseStore();

    private LeaseTracker tracker;
    private LeaseHolder leaseHolder;

    private ActionExecutor executor(CoordinatorConfig config) {
        return executor(config, address -> false);
    }

    private ActionExecutor executor(CoordinatorConfig config, java.util.function.Predicate<String> leaderAnswers) {
        tracker = new LeaseTracker(config.podName(), clock::get);
        leaseHolder = new LeaseHolder(config.podName(), store, tracker, clock::get);
        return new ActionExecutor(config, postgres, leaseHolder,
                new FakeMembers(config.podName(), new HashMap<>()), new CoordinatorMetrics(new SimpleMeterRegistry()),
                clock::get, leaderAnswers);
    }

    /** An executor whose long actions run on a thread of their own, as in a coordinator. */
    private ActionExecutor threadedExecutor(CoordinatorConfig config, long stallTimeoutMillis) {
        tracker = new LeaseTracker(config.podName(), clock::get);
        leaseHolder = new LeaseHolder(config.podName(), store, tracker, clock::get);
        return new ActionExecutor(config, postgres, leaseHolder, new FakeMembers(config.podName(), new HashMap<>()),
                new CoordinatorMetrics(new SimpleMeterRegistry()), clock::get, address -> true,
                LongActionRunner.threaded(config.pgdata(), clock::get), stallTimeoutMillis);
    }

    private static Observation cloningObservation(CoordinatorConfig config, boolean shuttingDown) {
        org.ferretdboperator.coordinator.decision.LeaseView lease = new org.ferretdboperator.coordinator.decision.LeaseView(
                true, "pg-1", "7", 2, 100, -1, true, org.ferretdboperator.coordinator.decision.LeaderRecord.EMPTY);
        return new Observation("pg-0", "pg-0.pods:5432", config.cluster(), LocalInstance.empty(), lease, Map.of(), null, null,
                null, shuttingDown, true);
    }

    private CoordinatorConfig config() {
        return new CoordinatorConfig("pg-0", "ns", "pg", 3, true, 2000, 1200, 200, 1 << 20, 60_000, "pg-0.pods:5432",
                dir.resolve("pgdata"), 5432, dir, "*", Optional.of(dir), dir, "postgres", dir.resolve("log"),
                dir.resolve("pgpass"), dir, dir, "1GB", List.of(), 300_000);
    }

    @Test
    void everyKindOfActionHasAHandler() {
        ActionExecutor executor = executor(config());
        for (Class<?> kind : Action.class.getPermittedSubclasses()) {
            assertThat(executor.handles(kind.asSubclass(Action.class))).as(kind.getSimpleName()).isTrue();
        }
    }

    @Test
    void actionsRunInOrderUntilTheFirstFailure() {
        CoordinatorConfig config = config();
        ActionExecutor executor = executor(config);
        Observation o = new Observation("pg-0", "pg-0.pods:5432", config.cluster(), LocalInstance.empty(),
                org.ferretdboperator.coordinator.decision.LeaseView.absent(), Map.of(), null, null, null, false, true);
        store.unreachable(true);
        Decision d = Decision.of("test", new Action.InitDb(),
                new Action.AcquireLease(1, org.ferretdboperator.coordinator.decision.LeaderRecord.EMPTY), new Action.StartPrimary());

        String failure = executor.execute(d, o, clock.get());

        assertThat(failure).startsWith("AcquireLease failed");
        assertThat(postgres.calls).containsExactly("initDb");
    }

    @Test
    void standbyStartsOfOneLeaderAreCountedUntilPostgresIsSeenRunning() {
        CoordinatorConfig config = config();
        ActionExecutor executor = executor(config);
        LocalInstance running = new LocalInstance(true, true, true, true, true, 2, 1, 100, 100, -1, true, "pg-1.pods:5432", 0,
                java.util.Set.of(), null, java.util.Set.of(), false, null);
        Decision start = Decision.of("start", new Action.StartStandby("pg-1", "pg-1.pods:5432"));

        executor.execute(start, observation(config, LocalInstance.empty(), 2), clock.get());
        executor.execute(start, observation(config, LocalInstance.empty(), 2), clock.get());
        assertThat(executor.memory().failedStandbyStarts(HaDecision.leaderTermKey("pg-1", 2))).isEqualTo(2);
        assertThat(executor.memory().failedStandbyStarts(HaDecision.leaderTermKey("pg-1", 3))).isZero();

        executor.execute(start, observation(config, LocalInstance.empty(), 3), clock.get());
        assertThat(executor.memory().failedStandbyStarts(HaDecision.leaderTermKey("pg-1", 2)))
                .as("a new term starts a new count").isZero();
        assertThat(executor.memory().failedStandbyStarts(HaDecision.leaderTermKey("pg-1", 3))).isEqualTo(1);

        executor.execute(Decision.waiting("following"), observation(config, running, 3), clock.get());
        assertThat(executor.memory().failedStandbyStarts(HaDecision.leaderTermKey("pg-1", 3))).isZero();

        executor.execute(Decision.of("read-only", new Action.StartStandby(null, null)), observation(config,
                LocalInstance.empty(), 3), clock.get());
        assertThat(executor.memory().standbyStartsAgainst()).as("a start without a leader counts against nobody").isNull();
    }

    private static Observation observation(CoordinatorConfig config, LocalInstance local, int term) {
        org.ferretdboperator.coordinator.decision.LeaseView lease = new org.ferretdboperator.coordinator.decision.LeaseView(
                true, "pg-1", "7", term, 100, -1, true, org.ferretdboperator.coordinator.decision.LeaderRecord.EMPTY);
        return new Observation("pg-0", "pg-0.pods:5432", config.cluster(), local, lease, Map.of(), null, null, null, false,
                true);
    }

    @Test
    void anImageThatCannotServeIsTheMembersProblemUntilAStartSucceeds() {
        CoordinatorConfig config = config();
        ActionExecutor executor = executor(config);
        Observation o = new Observation("pg-0", "pg-0.pods:5432", config.cluster(), LocalInstance.empty(),
                org.ferretdboperator.coordinator.decision.LeaseView.absent(), Map.of(), null, null, null, false, true);
        postgres.imageLacks = "pg_documentdb.so";

        assertThat(executor.execute(Decision.of("start", new Action.StartPrimary()), o, clock.get())).contains("pg_documentdb.so");
        assertThat(executor.problem()).hasValue("image lacks pg_documentdb.so");

        postgres.imageLacks = null; // the image was fixed
        assertThat(executor.execute(Decision.of("start", new Action.StartPrimary()), o, clock.get())).isNull();
        assertThat(executor.problem()).isEmpty();
    }

    @Test
    void anOrdinaryFailureIsNoProblemOfTheMember() {
        CoordinatorConfig config = config();
        ActionExecutor executor = executor(config);
        Observation o = new Observation("pg-0", "pg-0.pods:5432", config.cluster(), LocalInstance.empty(),
                org.ferretdboperator.coordinator.decision.LeaseView.absent(), Map.of(), null, null, null, false, true);
        store.unreachable(true);
        executor.execute(Decision.of("acquire", new Action.AcquireLease(1,
                org.ferretdboperator.coordinator.decision.LeaderRecord.EMPTY)), o, clock.get());
        assertThat(executor.problem()).isEmpty();
    }

    @Test
    void aFenceEndsHoldingTheLeaseEvenWhenTheShutdownFails() throws Exception {
        CoordinatorConfig config = config();
        ActionExecutor executor = executor(config);
        tracker.observed(Optional.empty());
        leaseHolder.write(1, org.ferretdboperator.coordinator.decision.LeaderRecord.EMPTY);
        Observation o = new Observation("pg-0", "pg-0.pods:5432", config.cluster(), LocalInstance.empty(),
                tracker.view(), Map.of(), null, null, null, false, true);
        postgres.fenceFails = true;

        String failure = executor.execute(Decision.of("fence", new Action.Fence("test")), o, clock.get());

        assertThat(failure).startsWith("Fence failed");
        assertThat(leaseHolder.holding()).isFalse();
        postgres.fenceFails = false;
        leaseHolder.write(1, org.ferretdboperator.coordinator.decision.LeaderRecord.EMPTY);
        assertThat(executor.execute(Decision.of("fence", new Action.Fence("test")), o, clock.get())).isNull();
        assertThat(leaseHolder.holding()).isFalse();
        assertThat(executor.fenced()).isTrue();
    }

    @Test
    void reclonesOnlyFromALeaderWhosePostgresAcceptsWrites() {
        CoordinatorConfig config = config();
        java.util.Set<String> writable = new java.util.HashSet<>();
        ActionExecutor executor = executor(config, writable::contains);
        Observation o = new Observation("pg-0", "pg-0.pods:5432", config.cluster(), LocalInstance.empty(),
                org.ferretdboperator.coordinator.decision.LeaseView.absent(), Map.of(), null, null, null, false, true);
        Decision reclone = Decision.of("reclone", new Action.Reclone("pg-1", "pg-1.pods:5432"));

        assertThat(executor.execute(reclone, o, clock.get())).contains("not re-cloning from pg-1");
        assertThat(postgres.calls).isEmpty();

        writable.add("pg-1.pods:5432");
        assertThat(executor.execute(reclone, o, clock.get())).isNull();
        assertThat(postgres.calls).first().isEqualTo("reclone pg-1.pods:5432");
    }

    @Test
    void aCloneRunsBesideTheLoopWhichCarriesOutNothingElseUntilItEnds() throws Exception {
        CoordinatorConfig config = config();
        ActionExecutor executor = threadedExecutor(config, 600_000);
        postgres.cloneTakes = new java.util.concurrent.CountDownLatch(1);
        Observation o = cloningObservation(config, false);

        assertThat(executor.execute(Decision.of("clone", new Action.CloneFrom("pg-1", "pg-1.pods:5432")), o, clock.get()))
                .isNull();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> postgres.calls.contains("cloneFrom started pg-1.pods:5432"));
        assertThat(executor.longAction()).hasValueSatisfying(r -> assertThat(r.role()).isEqualTo("cloning"));

        // another long action, or a start of the half-copied directory, is not carried out while it runs
        assertThat(executor.execute(Decision.of("clone again", new Action.CloneFrom("pg-1", "pg-1.pods:5432")), o,
                clock.get())).isNull();
        assertThat(executor.execute(Decision.of("start", new Action.StartStandby("pg-1", "pg-1.pods:5432")), o,
                clock.get())).isNull();
        assertThat(postgres.calls).containsExactly("cloneFrom started pg-1.pods:5432");

        clock.addAndGet(java.time.Duration.ofMinutes(5).toNanos()); // far past the tick bound: still live (no stall yet)
        assertThat(executor.live(300, 30_000)).isTrue();

        postgres.cloneTakes.countDown();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> executor.longAction().isEmpty());
        // the tick that learns of the end reports it and decides nothing on its observation
        assertThat(executor.execute(Decision.of("start", new Action.StartStandby("pg-1", "pg-1.pods:5432")), o,
                clock.get())).isNull();
        assertThat(postgres.calls).containsExactly("cloneFrom started pg-1.pods:5432", "cloneFrom pg-1.pods:5432",
                "startStandby pg-1.pods:5432");
    }

    @Test
    void shuttingDownCancelsARunningClone() {
        CoordinatorConfig config = config();
        ActionExecutor executor = threadedExecutor(config, 60_000);
        postgres.cloneTakes = new java.util.concurrent.CountDownLatch(1);
        executor.execute(Decision.of("clone", new Action.CloneFrom("pg-1", "pg-1.pods:5432")), cloningObservation(config, false),
                clock.get());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> postgres.calls.contains("cloneFrom started pg-1.pods:5432"));

        String outcome = executor.execute(Decision.waiting("stopped for shutdown"), cloningObservation(config, true), clock.get());

        assertThat(outcome).isEqualTo("CloneFrom cancelled");
        assertThat(executor.longAction()).isEmpty();
        assertThat(postgres.calls).containsExactly("cloneFrom started pg-1.pods:5432");
    }

    @Test
    void aCloneWithoutProgressIsCancelledAtTheStallTimeoutAndIsNotLiveBefore() {
        CoordinatorConfig config = config(); // its PGDATA never appears: no progress at all
        ActionExecutor executor = threadedExecutor(config, 60_000);
        postgres.cloneTakes = new java.util.concurrent.CountDownLatch(1);
        Observation o = cloningObservation(config, false);
        executor.execute(Decision.of("clone", new Action.CloneFrom("pg-1", "pg-1.pods:5432")), o, clock.get());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> postgres.calls.contains("cloneFrom started pg-1.pods:5432"));

        clock.addAndGet(java.time.Duration.ofSeconds(59).toNanos());
        assertThat(executor.live(300, 30_000)).isTrue();
        assertThat(executor.execute(Decision.waiting("x"), o, clock.get())).isNull();

        clock.addAndGet(java.time.Duration.ofSeconds(2).toNanos());
        assertThat(executor.live(300, 30_000)).isFalse();
        assertThat(executor.execute(Decision.waiting("x"), o, clock.get())).isEqualTo("CloneFrom cancelled");
        assertThat(executor.live(300, 30_000)).isTrue();
    }

    @Test
    void aCloneWhoseDirectoryGrowsIsNotStalled() throws Exception {
        CoordinatorConfig config = config();
        ActionExecutor executor = threadedExecutor(config, 60_000);
        postgres.cloneTakes = new java.util.concurrent.CountDownLatch(1);
        Observation o = cloningObservation(config, false);
        executor.execute(Decision.of("clone", new Action.CloneFrom("pg-1", "pg-1.pods:5432")), o, clock.get());
        java.nio.file.Files.createDirectories(config.pgdata());
        for (int i = 0; i < 4; i++) {
            clock.addAndGet(java.time.Duration.ofSeconds(40).toNanos());
            java.nio.file.Files.writeString(config.pgdata().resolve("segment-" + i), "x".repeat(1000 * (i + 1)));
            assertThat(executor.execute(Decision.waiting("x"), o, clock.get())).as("after %d s", 40 * (i + 1)).isNull();
            assertThat(executor.longAction()).hasValueSatisfying(r -> assertThat(r.sinceProgressMillis()).isZero());
        }
        assertThat(executor.live(300, 30_000)).isTrue();
        postgres.cloneTakes.countDown();
    }
}
