package org.ferretdboperator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ferretdboperator.coordinator.decision.ApiOutageFailsafe.RenewFailures;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.ferretdboperator.coordinator.lease.LeaseConflictException;
import org.ferretdboperator.coordinator.lease.LeaseTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The background renewer against the loop's own Lease writes. Each test holds one write inside the store (a slow API
 * call), lines the other threads up behind LeaseHolder's lock, then lets the held write finish.
 */
class LeaseHolderTest {

    private static final String SELF = "pg-0";
    private static final LeaderRecord NARROW = record(Set.of("pg-1"));
    private static final LeaderRecord WIDENED = record(Set.of("pg-1", "pg-2"));

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final FakeLeaseStore store = new FakeLeaseStore();
    private final LeaseTracker tracker = new LeaseTracker(SELF, clock::get);
    private final LeaseHolder holder = new LeaseHolder(SELF, store, tracker, clock::get);
    private final List<Thread> threads = new ArrayList<>();

    private static LeaderRecord record(Set<String> sync) {
        return new LeaderRecord("pg-0.pods:5432", 5000, 1, TimelineHistory.EMPTY, 7, sync, 1, null, Lsn.UNKNOWN);
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        store.letHeldWriteFinish();
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    private Thread start(String name, ThrowingRunnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, name);
        threads.add(t);
        t.start();
        return t;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Waits until {@code t} is parked on a lock (condition, not a sleep). */
    private static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.BLOCKED && t.getState() != Thread.State.WAITING) {
            assertThat(t.isAlive()).as(t.getName() + " finished instead of waiting for the lock").isTrue();
            assertThat(System.nanoTime()).as(t.getName() + " never blocked").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private void awaitHeldWrite() throws InterruptedException {
        assertThat(store.heldWriteEntered().await(10, TimeUnit.SECONDS)).as("held write reached the store").isTrue();
    }

    private void joinAll() throws InterruptedException {
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
        }
    }

    @Test
    void aWriteAwaitingItsAnswerCountsAsUnansweredAndARefusalStaysUntilAWriteSucceeds() throws Exception {
        tracker.observed(Optional.empty());
        holder.write(1, NARROW);
        assertThat(holder.renewFailures()).isEqualTo(RenewFailures.NONE);
        store.holdNextWrite();
        start("renewer", holder::renewInBackground);
        awaitHeldWrite();
        assertThat(holder.renewFailures()).as("sent, not answered").isEqualTo(RenewFailures.UNANSWERED);
        store.unreachable(true);
        store.letHeldWriteFinish();
        joinAll();
        assertThat(holder.renewFailures()).isEqualTo(RenewFailures.UNANSWERED);

        store.unreachable(false);
        store.write(store.current().orElseThrow(), "pg-1", 2, java.util.Map.of()); // another member's write
        assertThatThrownBy(() -> holder.write(1, NARROW)).isInstanceOf(LeaseConflictException.class);
        assertThat(holder.renewFailures()).isEqualTo(RenewFailures.REFUSED);
        store.unreachable(true);
        assertThatThrownBy(() -> holder.write(1, NARROW)).isInstanceOf(RuntimeException.class);
        assertThat(holder.renewFailures()).as("a refusal is not forgotten by a later unanswered write")
                .isEqualTo(RenewFailures.REFUSED);
    }

    @Test
    void aRenewQueuedBehindTheLoopsWriteRenewsTheLoopsRecordNotTheOneBefore() throws Exception {
        tracker.observed(Optional.empty());
        holder.write(1, NARROW);
        store.holdNextWrite();
        start("loop", () -> holder.write(1, WIDENED));
        awaitHeldWrite();
        Thread renewer = start("renewer", holder::renewInBackground);
        awaitBlocked(renewer);

        store.letHeldWriteFinish();
        joinAll();

        assertThat(store.lastWrite().thread()).isEqualTo("renewer");
        assertThat(store.lastWrite().record().syncMembers()).as("the synchronous set just widened stays widened")
                .isEqualTo(WIDENED.syncMembers());
    }

    @Test
    void aRenewQueuedBehindAReleaseDoesNotRetakeTheLease() throws Exception {
        // the lock decides whether the queued renewer or the release goes first; both orders must end handed over
        for (int round = 0; round < 20; round++) {
            FakeLeaseStore roundStore = new FakeLeaseStore();
            LeaseTracker roundTracker = new LeaseTracker(SELF, clock::get);
            LeaseHolder roundHolder = new LeaseHolder(SELF, roundStore, roundTracker, clock::get);
            roundTracker.observed(Optional.empty());
            roundHolder.write(1, NARROW);
            roundStore.holdNextWrite();
            threads.clear();
            start("loop-renew", () -> roundHolder.write(1, NARROW));
            assertThat(roundStore.heldWriteEntered().await(10, TimeUnit.SECONDS)).isTrue();
            Thread renewer = start("renewer", roundHolder::renewInBackground);
            awaitBlocked(renewer);
            Thread release = start("release", () -> roundHolder.release("pg-1", 2, NARROW.withHandover("pg-1", 6000)));
            awaitBlocked(release);

            roundStore.letHeldWriteFinish();
            joinAll();

            assertThat(roundStore.current().orElseThrow().holder()).as("round %d: %s", round, roundStore.writes())
                    .isEqualTo("pg-1");
            assertThat(roundHolder.holding()).isFalse();
        }
    }

    @Test
    void afterReleaseNothingIsRenewed() throws Exception {
        tracker.observed(Optional.empty());
        holder.write(1, NARROW);
        holder.release(null, 1, NARROW.withHandover(null, 6000));
        int writes = store.writes().size();

        holder.renewInBackground();

        assertThat(store.writes()).hasSize(writes);
    }

    @Test
    void afterStopHoldingNothingIsRenewed() throws Exception {
        tracker.observed(Optional.empty());
        holder.write(1, NARROW);
        holder.stopHolding();

        holder.renewInBackground();

        assertThat(store.writes()).hasSize(1);
        assertThat(holder.holding()).isFalse();
    }

    @Test
    void aLostCompareAndSwapEndsHolding() throws Exception {
        tracker.observed(Optional.empty());
        holder.write(1, NARROW);
        // another member's write moved the Lease on; this process has not read it yet
        store.write(store.current().orElseThrow(), "pg-1", 2, org.ferretdboperator.contract.LeaseAnnotations.encode(NARROW));

        holder.renewInBackground();

        assertThat(holder.holding()).isFalse();
        assertThat(store.current().orElseThrow().holder()).isEqualTo("pg-1");
    }

    @Test
    void aReadShowingAnotherHolderEndsHoldingWithoutAWrite() throws Exception {
        tracker.observed(Optional.empty());
        holder.write(1, NARROW);
        store.write(store.current().orElseThrow(), "pg-1", 2, org.ferretdboperator.contract.LeaseAnnotations.encode(NARROW));
        tracker.observed(store.read());

        holder.renewInBackground();

        assertThat(holder.holding()).isFalse();
        assertThat(store.writes()).hasSize(2);
    }
}
