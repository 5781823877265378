package org.ferretdboperator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.ferretdboperator.contract.MemberCount;
import org.ferretdboperator.coordinator.decision.LeaderProbe;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.coordinator.decision.Slots;
import org.ferretdboperator.coordinator.decision.SyncSetting;
import org.ferretdboperator.coordinator.lease.LeaseTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's ticks against in-memory fakes: one Lease store and one set of member states shared by the members, a
 * model of each member's PostgreSQL, and one monotonic clock the test advances.
 */
class CoordinatorLoopTest {

    private static final long LEASE_MS = 2000;
    private static final long RENEW_DEADLINE_MS = 1200;
    private static final long RETRY_MS = 200;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final FakeLeaseStore store = new FakeLeaseStore();
    private final Map<String, MemberState> states = new HashMap<>();

    private static String address(String member) {
        return member + ".pg-pods:5432";
    }

    /** One member: its loop wired as CoordinatorRuntime wires it, with fakes instead of the API server and PostgreSQL. */
    private final class Member {
        final String name;
        final FakePostgres postgres = new FakePostgres();
        final FakeMembers directory;
        final LeaseTracker tracker;
        final LeaseHolder leaseHolder;
        final CoordinatorLoop loop;

        Member(String name) {
            this(name, 3, false);
        }

        Member(String name, int replicas, boolean synchronous) {
            this.name = name;
            CoordinatorConfig config = new CoordinatorConfig(name, "ns", "pg", replicas, synchronous, LEASE_MS, RENEW_DEADLINE_MS, RETRY_MS,
                    1 << 20, 60_000, address(name), dir.resolve(name), 5432, dir, "*", Optional.of(dir), dir, "postgres",
                    dir.resolve(name + ".log"), dir.resolve(name + ".pgpass"), dir, dir, "1GB", List.of(), 300_000);
            directory = new FakeMembers(name, states);
            tracker = new LeaseTracker(name, clock::get);
            leaseHolder = new LeaseHolder(name, store, tracker, clock::get);
            CoordinatorMetrics metrics = new CoordinatorMetrics(new SimpleMeterRegistry());
            ActionExecutor executor = new ActionExecutor(config, postgres, leaseHolder, directory, metrics, clock::get,
                    address -> false);
            loop = new CoordinatorLoop(config, postgres, postgres, store, tracker, leaseHolder, directory, executor, metrics,
                    address -> LeaderProbe.UNREACHABLE, clock::get);
        }

        void tick() {
            loop.tick(clock.get());
        }

        String why() {
            return name + ": " + postgres.calls + ", " + postgres.get() + ", readiness " + loop.readiness();
        }
    }

    /** A retryPeriod passes, then each member ticks once, in order. */
    private void round(Member... members) {
        clock.addAndGet(RETRY_MS * 1_000_000);
        for (Member m : members) {
            m.tick();
        }
    }

    /**
     * pg-0 bootstraps once pg-1 and pg-2, started with it on empty volumes, have reported that they hold no data
     * directory; they are stopped once pg-0 holds the Lease (the tests add members of their own).
     */
    private Member bootstrappedPrimary() {
        return bootstrappedPrimary(false);
    }

    private Member bootstrappedPrimary(boolean synchronous) {
        Member pg0 = new Member("pg-0", 3, synchronous);
        Member pg1 = new Member("pg-1", 3, synchronous);
        Member pg2 = new Member("pg-2", 3, synchronous);
        for (int i = 0; i < 10 && !pg0.loop.readiness().ready(); i++) {
            if (store.current().map(l -> l.holder().isEmpty()).orElse(true)) {
                round(pg1, pg2, pg0);
            } else {
                round(pg0);
            }
        }
        assertThat(pg0.loop.readiness().ready()).as(pg0.why()).isTrue();
        return pg0;
    }

    /** A new member that clones from the primary and follows it, ticking with it until it is ready (or 10 rounds). */
    private Member cloneAndFollow(Member primary, String name) {
        Member standby = new Member(name);
        for (int i = 0; i < 10 && !standby.loop.readiness().ready(); i++) {
            round(primary, standby);
            primary.postgres.streamingStandbys = standby.postgres.get().walReceiverStreaming() ? java.util.Set.of(name)
                    : java.util.Set.of();
        }
        return standby;
    }

    @Test
    void theBootstrapMemberInitialisesTakesTheLeaseAndServesAsPrimary() {
        Member pg0 = bootstrappedPrimary();

        assertThat(pg0.postgres.calls).as(pg0.why()).startsWith("initDb").contains("startPrimary");
        assertThat(pg0.postgres.get().isPrimary()).isTrue();
        assertThat(store.current().orElseThrow().holder()).isEqualTo("pg-0");
        assertThat(store.lastWrite().record().leaderAddress()).isEqualTo(address("pg-0"));
        assertThat(pg0.directory.role()).isEqualTo(Role.PRIMARY);
        assertThat(pg0.directory.own().role()).isEqualTo(MemberState.PRIMARY);
        assertThat(pg0.leaseHolder.holding()).isTrue();
    }

    @Test
    void aSecondMemberClonesFromTheLeaderAndFollowsIt() {
        Member pg0 = bootstrappedPrimary();
        Member pg1 = cloneAndFollow(pg0, "pg-1");

        assertThat(pg1.loop.readiness().ready()).as(pg1.why()).isTrue();
        assertThat(pg1.loop.readiness().reason()).isEqualTo("standby of pg-0");
        assertThat(pg1.postgres.calls).as(pg1.why()).startsWith("cloneFrom " + address("pg-0"));
        assertThat(pg1.directory.role()).isEqualTo(Role.SECONDARY);
        assertThat(pg1.directory.own().upstream()).isNotNull();
        assertThat(store.current().orElseThrow().holder()).as("the leader keeps the Lease").isEqualTo("pg-0");
        assertThat(pg0.loop.readiness().ready()).as(pg0.why()).isTrue();
    }

    @Test
    void aPrimaryThatSeesItsLeaseTakenFencesAndStopsHoldingIt() throws Exception {
        Member pg0 = bootstrappedPrimary();
        // another member took the Lease (as after pg-0's renewals stopped reaching the API server)
        store.write(store.current().orElseThrow(), "pg-1", store.current().orElseThrow().transitions() + 1,
                org.ferretdboperator.contract.LeaseAnnotations.encode(store.lastWrite().record()));

        round(pg0);

        assertThat(pg0.postgres.calls).as(pg0.why()).contains("fence");
        assertThat(pg0.postgres.get().running()).isFalse();
        assertThat(pg0.loop.readiness().ready()).isFalse();
        assertThat(pg0.leaseHolder.holding()).isFalse();
        assertThat(store.current().orElseThrow().holder()).isEqualTo("pg-1");
        round(pg0);
        assertThat(pg0.directory.own().role()).as(pg0.why()).isEqualTo(MemberState.FENCED);
    }

    /** Standbys that flush every WAL marker the primary writes as soon as it is written, while they follow it. */
    private static final class FollowingStandbys implements org.ferretdboperator.coordinator.postgres.WalAcknowledgements {
        volatile java.util.Set<String> following;
        private long lsn = 1000;

        FollowingStandbys(java.util.Set<String> following) {
            this.following = following;
        }

        @Override
        public synchronized long writeMarker() {
            return ++lsn;
        }

        @Override
        public synchronized Map<String, Long> acknowledgedFlush() {
            Map<String, Long> out = new HashMap<>();
            following.forEach(m -> out.put(m, lsn));
            return out;
        }
    }

    /** Half a retryPeriod passes, as between the failsafe's own checks; the watchdog looks too. */
    private void failsafePeriod(Member m) {
        clock.addAndGet(RETRY_MS / 2 * 1_000_000);
        m.loop.failsafeCheck();
        m.loop.watchdogCheck();
    }

    @Test
    void throughAnApiOutageThePrimaryServesWhileEveryOtherMemberStreamsFromItAndFencesOnceOneStops() {
        Member pg0 = bootstrappedPrimary();
        FollowingStandbys standbys = new FollowingStandbys(java.util.Set.of("pg-1", "pg-2"));
        pg0.loop.apiOutageFailsafe(new FollowerConfirmations(standbys, clock::get, RENEW_DEADLINE_MS));
        store.unreachable(true);
        for (int i = 0; i < 50; i++) { // ten seconds, over eight renew deadlines
            failsafePeriod(pg0);
            failsafePeriod(pg0);
            pg0.tick();
        }
        assertThat(pg0.postgres.calls).as(pg0.why()).doesNotContain("fence");
        assertThat(pg0.postgres.get().isPrimary()).isTrue();
        assertThat(pg0.loop.readiness().ready()).as(pg0.why()).isTrue();
        assertThat(pg0.loop.failsafeVerdict().active()).isTrue();

        standbys.following = java.util.Set.of("pg-1");
        long stopped = clock.get();
        while (!pg0.postgres.calls.contains("fence") && clock.get() - stopped < 10_000_000_000L) {
            failsafePeriod(pg0);
        }
        assertThat(pg0.postgres.calls).as(pg0.why()).endsWith("fence");
        assertThat((clock.get() - stopped) / 1_000_000).as("fenced within renewDeadline of pg-2's last acknowledgement")
                .isLessThanOrEqualTo(RENEW_DEADLINE_MS + RETRY_MS);
        assertThat(pg0.leaseHolder.holding()).isFalse();
    }

    @Test
    void withoutTheMembersConfirmationAnApiOutageFencesThePrimaryAtItsRenewDeadline() {
        Member pg0 = bootstrappedPrimary();
        FollowingStandbys standbys = new FollowingStandbys(java.util.Set.of("pg-1"));
        pg0.loop.apiOutageFailsafe(new FollowerConfirmations(standbys, clock::get, RENEW_DEADLINE_MS));
        store.unreachable(true);
        long cut = clock.get();
        while (!pg0.postgres.calls.contains("fence") && clock.get() - cut < 10_000_000_000L) {
            failsafePeriod(pg0);
            failsafePeriod(pg0);
            pg0.tick();
        }
        assertThat(pg0.postgres.calls).as(pg0.why()).contains("fence");
        assertThat((clock.get() - cut) / 1_000_000).isLessThanOrEqualTo(RENEW_DEADLINE_MS + 2 * RETRY_MS);
    }

    @Test
    void aPrimaryFencedByTheWatchdogStopsRenewingItsLease() {
        Member pg0 = bootstrappedPrimary();
        int writesBefore = store.writes().size();
        // the API server is unreachable past renewDeadline while the loop is stuck in a call: only the watchdog acts
        store.unreachable(true);
        clock.addAndGet((RENEW_DEADLINE_MS + 1) * 1_000_000);

        pg0.loop.watchdogCheck();

        assertThat(pg0.postgres.calls).as(pg0.why()).endsWith("fence");
        store.unreachable(false);
        clock.addAndGet(RETRY_MS * 1_000_000);
        pg0.loop.backgroundRenew();
        assertThat(store.writes()).as("a fenced ex-primary must let its Lease lapse").hasSize(writesBefore);
    }

    @Test
    void aPrimaryThatCannotStartReleasesItsLeaseAfterPrimaryStartTimeoutAndAStandbyTakesOver() {
        Member pg0 = bootstrappedPrimary();
        Member pg1 = cloneAndFollow(pg0, "pg-1");
        assertThat(pg1.loop.readiness().ready()).as(pg1.why()).isTrue();
        // pg-0's PostgreSQL crashes and cannot start again; its coordinator runs on
        pg0.postgres.running = false;
        pg0.postgres.startFails = true;
        pg1.postgres.upstreamAnswers = false;
        round(pg0, pg1);
        assertThat(store.current().orElseThrow().holder()).as("within primaryStartTimeout it keeps trying").isEqualTo("pg-0");
        clock.addAndGet(300_000L * 1_000_000);
        for (int i = 0; i < 5 && store.current().orElseThrow().holder().equals("pg-0"); i++) {
            round(pg0, pg1);
        }
        assertThat(store.current().orElseThrow().holder()).as(pg0.why()).isNotEqualTo("pg-0");
        for (int i = 0; i < 40 && !pg1.postgres.get().isPrimary(); i++) {
            round(pg0, pg1);
        }
        assertThat(pg1.postgres.get().isPrimary()).as(pg1.why()).isTrue();
        assertThat(store.current().orElseThrow().holder()).isEqualTo("pg-1");
    }

    @Test
    void aPrimaryWhosePodIsMarkedForDeletionHandsOverBeforeAnySigterm() {
        Member pg0 = bootstrappedPrimary();
        Member pg1 = cloneAndFollow(pg0, "pg-1");
        assertThat(pg1.loop.readiness().ready()).as(pg1.why()).isTrue();

        pg0.directory.markOwnPodForDeletion();
        round(pg0);

        assertThat(pg0.postgres.calls).as(pg0.why()).endsWith("stopFast");
        assertThat(store.current().orElseThrow().holder()).as("handed over, not left to expire").isEqualTo("pg-1");
        assertThat(store.lastWrite().record().handoverTo()).isEqualTo("pg-1");
        assertThat(pg0.directory.own().shuttingDown()).as("peers see it leaving").isTrue();
        for (int i = 0; i < 5 && !pg1.postgres.get().isPrimary(); i++) {
            round(pg0, pg1);
        }
        assertThat(pg1.postgres.get().isPrimary()).as(pg1.why()).isTrue();
        assertThat(pg0.postgres.get().running()).as(pg0.why()).isFalse();
    }

    @Test
    void aStandbyWhosePodIsMarkedForDeletionStopsAndTheLeaderKeepsTheLease() {
        Member pg0 = bootstrappedPrimary();
        Member pg1 = cloneAndFollow(pg0, "pg-1");

        pg1.directory.markOwnPodForDeletion();
        round(pg0, pg1);

        assertThat(pg1.postgres.get().running()).as(pg1.why()).isFalse();
        assertThat(pg1.loop.readiness().ready()).isFalse();
        assertThat(store.current().orElseThrow().holder()).isEqualTo("pg-0");
        assertThat(pg0.postgres.get().isPrimary()).isTrue();
    }

    @Test
    void aMemberCountAnnouncedOnTheLeaseGivesNewMembersSlotsWithoutARestartAndCountsThemOnlyOnceTheyStream() {
        // started with REPLICAS=3, as the StatefulSet's template said before a HorizontalScaling to 5
        Member pg0 = bootstrappedPrimary(true);
        pg0.postgres.streamingStandbys = new java.util.HashSet<>(java.util.Set.of("pg-1", "pg-2"));
        for (int i = 0; i < 5; i++) {
            round(pg0);
        }
        assertThat(pg0.postgres.slots).as(pg0.why()).doesNotContain(Slots.nameFor("pg-3"));
        assertThat(pg0.postgres.sync).isEqualTo(new SyncSetting(1, java.util.Set.of("pg-1", "pg-2")));

        store.annotate(new MemberCount("scale-up", 5).encode());
        round(pg0);
        assertThat(pg0.postgres.slots).as(pg0.why()).contains(Slots.nameFor("pg-3"), Slots.nameFor("pg-4"));
        assertThat(pg0.postgres.sync.names()).as("not streaming yet: not counted").containsExactlyInAnyOrder("pg-1", "pg-2");

        pg0.postgres.streamingStandbys.add("pg-3");
        for (int i = 0; i < 3; i++) {
            round(pg0);
        }
        assertThat(pg0.postgres.sync.names()).as(pg0.why()).containsExactlyInAnyOrder("pg-1", "pg-2", "pg-3");
        assertThat(store.lastWrite().record().syncMembers()).containsExactlyInAnyOrder("pg-1", "pg-2", "pg-3");
        assertThat(store.current().orElseThrow().annotations()).as("the renewals carry the announcement along")
                .containsEntry(MemberCount.REPLICAS, "5");
    }

    @Test
    void aSmallerMemberCountAnnouncedOnTheLeaseNarrowsPostgresFirstThenTheRecordedSetAndDropsTheSlot() {
        Member pg0 = bootstrappedPrimary(true);
        pg0.postgres.streamingStandbys = new java.util.HashSet<>(java.util.Set.of("pg-1", "pg-2"));
        for (int i = 0; i < 5; i++) {
            round(pg0);
        }
        assertThat(store.lastWrite().record().syncMembers()).containsExactlyInAnyOrder("pg-1", "pg-2");

        store.annotate(new MemberCount("scale-down", 2).encode());
        round(pg0);
        // pg-2 still streams, but it is leaving: PostgreSQL stops counting it, while the record still names it
        assertThat(pg0.postgres.sync).as(pg0.why()).isEqualTo(new SyncSetting(1, java.util.Set.of("pg-1")));
        assertThat(store.lastWrite().record().syncMembers()).containsExactlyInAnyOrder("pg-1", "pg-2");
        round(pg0);
        assertThat(store.lastWrite().record().syncMembers()).as(pg0.why()).containsExactly("pg-1");
        pg0.postgres.streamingStandbys.remove("pg-2");
        round(pg0);
        assertThat(pg0.postgres.slots).doesNotContain(Slots.nameFor("pg-2"));

        store.annotate(MemberCount.removal());
        round(pg0);
        assertThat(pg0.postgres.slots).as("withdrawn: the REPLICAS it was started with count again")
                .contains(Slots.nameFor("pg-2"));
    }
}
