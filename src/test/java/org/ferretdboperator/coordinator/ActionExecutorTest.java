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
}
