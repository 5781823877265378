package org.ferretdboperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.metrics.LeaderChange.Reason;
import org.junit.jupiter.api.Test;

class FailoverTrackerTest {

    private static final long MS = 1_000_000L;
    private final FailoverTracker tracker = new FailoverTracker();

    private static LeaseView lease(String holder, long term) {
        return new LeaseView(holder, term, null, null, Set.of(), null);
    }

    private static LeaseView handover(String holder, long term, String to) {
        return new LeaseView(holder, term, to, null, Set.of(), null);
    }

    private static MemberView primary(String pod) {
        return new MemberView(pod, true, "primary", true, 100L, false);
    }

    private static MemberView standby(String pod) {
        return new MemberView(pod, false, "standby", true, 90L, true);
    }

    /** db-0 leads term 1 and renews twice; db-1 is a standby. */
    private void steadyState() {
        assertThat(tracker.lease(0, lease("db-0", 1))).isEmpty();
        assertThat(tracker.member(1 * MS, primary("db-0"))).isEmpty();
        assertThat(tracker.member(1 * MS, standby("db-1"))).isEmpty();
        assertThat(tracker.lease(300 * MS, lease("db-0", 1))).isEmpty();
        assertThat(tracker.lease(600 * MS, lease("db-0", 1))).isEmpty();
    }

    @Test
    void failoverLastsFromTheOldHoldersLastRenewalToTheNewPrimaryServing() {
        steadyState();
        // db-0 dies after its renewal at 600 ms; db-1 takes the Lease at 5600 ms and is labelled primary at 6100 ms.
        assertThat(tracker.lease(5600 * MS, lease("db-1", 2))).isEmpty();
        assertThat(tracker.member(5800 * MS, new MemberView("db-1", false, "primary", true, 120L, false))).isEmpty();
        Optional<LeaderChange> change = tracker.member(6100 * MS, primary("db-1"));

        assertThat(change).hasValueSatisfying(c -> {
            assertThat(c.reason()).isEqualTo(Reason.FAILOVER);
            assertThat(c.from()).isEqualTo("db-0");
            assertThat(c.to()).isEqualTo("db-1");
            assertThat(c.term()).isEqualTo(2);
            assertThat(c.duration()).contains(Duration.ofMillis(5500));
        });
    }

    @Test
    void unhealthyPrimaryStateDoesNotEndTheFailover() {
        steadyState();
        tracker.lease(1000 * MS, lease("db-1", 2));
        assertThat(tracker.member(1200 * MS, new MemberView("db-1", true, "primary", false, 120L, false))).isEmpty();
        assertThat(tracker.member(1500 * MS, primary("db-1"))).hasValueSatisfying(
                c -> assertThat(c.duration()).contains(Duration.ofMillis(900)));
    }

    @Test
    void handoverToTheNewHolderIsASwitchover() {
        steadyState();
        tracker.lease(700 * MS, handover("db-0", 1, "db-1"));
        tracker.lease(900 * MS, handover("db-1", 2, null));
        assertThat(tracker.member(1000 * MS, primary("db-1"))).hasValueSatisfying(c -> {
            assertThat(c.reason()).isEqualTo(Reason.SWITCHOVER);
            assertThat(c.duration()).contains(Duration.ofMillis(300));
        });
    }

    /** As the coordinator hands over on SIGTERM: one Lease update with the new holder, the next term and handover-to. */
    @Test
    void handoverWrittenTogetherWithTheNewHolderIsASwitchover() {
        steadyState();
        tracker.lease(900 * MS, handover("db-1", 2, "db-1"));
        assertThat(tracker.member(1000 * MS, primary("db-1"))).hasValueSatisfying(c -> {
            assertThat(c.reason()).isEqualTo(Reason.SWITCHOVER);
            assertThat(c.from()).isEqualTo("db-0");
            assertThat(c.duration()).contains(Duration.ofMillis(400));
        });
    }

    @Test
    void handoverNamingSomeoneElseIsStillAFailoverWhenAnotherMemberTakesOver() {
        steadyState();
        tracker.lease(700 * MS, handover("db-0", 1, "db-2"));
        tracker.lease(4000 * MS, lease("db-1", 2));
        assertThat(tracker.member(4100 * MS, primary("db-1"))).hasValueSatisfying(
                c -> assertThat(c.reason()).isEqualTo(Reason.FAILOVER));
    }

    @Test
    void gracefulReleaseIsASwitchoverTimedFromTheRelease() {
        steadyState();
        tracker.lease(800 * MS, lease("", 1));
        tracker.lease(1100 * MS, lease("db-1", 2));
        assertThat(tracker.member(1300 * MS, primary("db-1"))).hasValueSatisfying(c -> {
            assertThat(c.reason()).isEqualTo(Reason.SWITCHOVER);
            assertThat(c.from()).isEqualTo("db-0");
            assertThat(c.duration()).contains(Duration.ofMillis(500));
        });
    }

    @Test
    void eachTermIsReportedOnce() {
        steadyState();
        tracker.lease(1000 * MS, lease("db-1", 2));
        assertThat(tracker.member(1100 * MS, primary("db-1"))).isPresent();
        // Renewals, relabels and repeated pod updates of the same term report nothing more.
        assertThat(tracker.member(1200 * MS, primary("db-1"))).isEmpty();
        assertThat(tracker.lease(1300 * MS, lease("db-1", 2))).isEmpty();
        assertThat(tracker.member(1400 * MS, primary("db-1"))).isEmpty();
        // The next term is a new change.
        tracker.member(1500 * MS, standby("db-0"));
        tracker.lease(9000 * MS, lease("db-0", 3));
        assertThat(tracker.member(9500 * MS, primary("db-0"))).hasValueSatisfying(c -> {
            assertThat(c.term()).isEqualTo(3);
            assertThat(c.duration()).contains(Duration.ofMillis(8200));
        });
    }

    @Test
    void derivedFromLeaseAndLabelsAloneWhenNoMemberStateIsPublished() {
        // The coordinators' endpoints and annotations are unavailable: only the Lease and the role labels are seen.
        tracker.lease(0, lease("db-0", 4));
        tracker.lease(250 * MS, lease("db-0", 4));
        tracker.member(260 * MS, new MemberView("db-1", false, null, null, null, null));
        tracker.lease(3000 * MS, lease("db-1", 5));
        assertThat(tracker.member(3400 * MS, new MemberView("db-1", true, null, null, null, null))).hasValueSatisfying(c -> {
            assertThat(c.term()).isEqualTo(5);
            assertThat(c.duration()).contains(Duration.ofMillis(3150));
        });
    }

    @Test
    void holderFlappingBeforeAnyoneServesIsOneChangeTimedFromTheOriginalOutage() {
        steadyState();
        tracker.lease(2000 * MS, lease("db-1", 2));
        tracker.lease(2500 * MS, lease("db-2", 3));
        tracker.member(2600 * MS, primary("db-1")); // a stale label of db-1 no longer matters: db-2 holds the Lease
        assertThat(tracker.member(2700 * MS, primary("db-1"))).isEmpty();
        assertThat(tracker.member(3000 * MS, primary("db-2"))).hasValueSatisfying(c -> {
            assertThat(c.from()).isEqualTo("db-0");
            assertThat(c.to()).isEqualTo("db-2");
            assertThat(c.term()).isEqualTo(3);
            assertThat(c.duration()).contains(Duration.ofMillis(2400));
        });
        assertThat(tracker.lease(3100 * MS, lease("db-2", 3))).isEmpty();
    }

    @Test
    void operatorStartingMidFailoverObservesNoDuration() {
        // First sight: db-1 already holds term 2 and is not yet primary: that term began before the operator watched.
        tracker.lease(0, lease("db-1", 2));
        assertThat(tracker.member(100 * MS, primary("db-1"))).isEmpty();
    }

    @Test
    void operatorStartingAfterTheOldHolderDiedReportsTheChangeWithoutADuration() {
        // db-0 is the holder at first sight but never renews again: its last write is unknown, so no duration is guessed.
        tracker.lease(0, lease("db-0", 1));
        tracker.lease(2000 * MS, lease("db-1", 2));
        assertThat(tracker.member(2100 * MS, primary("db-1"))).hasValueSatisfying(c -> {
            assertThat(c.term()).isEqualTo(2);
            assertThat(c.duration()).isEmpty();
        });
    }

    @Test
    void staleLeaseUpdateOfAnOlderTermIsIgnored() {
        steadyState();
        tracker.lease(1000 * MS, lease("db-1", 2));
        tracker.member(1100 * MS, primary("db-1"));
        // A delayed event from before the change (lower term) must not start a new change.
        assertThat(tracker.lease(1200 * MS, lease("db-0", 1))).isEmpty();
        assertThat(tracker.member(1300 * MS, primary("db-0"))).isEmpty();
    }

    @Test
    void theInitialElectionOfAnEmptyLeaseIsNoLeaderChange() {
        tracker.lease(0, lease("", 0));
        tracker.lease(500 * MS, lease("db-0", 1));
        assertThat(tracker.member(600 * MS, primary("db-0"))).isEmpty();
        tracker.lease(800 * MS, lease("db-0", 1));
        tracker.lease(3000 * MS, lease("db-1", 2));
        assertThat(tracker.member(3100 * MS, primary("db-1"))).hasValueSatisfying(c -> {
            assertThat(c.from()).isEqualTo("db-0");
            assertThat(c.duration()).contains(Duration.ofMillis(2300));
        });
    }
}
