package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.coordinator.decision.Obs.LEASE;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.P2;
import static org.ferretdboperator.coordinator.decision.Obs.addr;
import static org.ferretdboperator.coordinator.decision.Obs.record;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.contract.ForceFailoverRequest;
import org.ferretdboperator.contract.ForcedFailoverRecord;
import org.ferretdboperator.coordinator.decision.Action.AcquireLease;
import org.ferretdboperator.coordinator.decision.Action.Promote;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link ForcedFailover} branch by branch. The situation it exists for: Synchronous, pg-0 (primary, term 3) and pg-1
 * (the other member of the synchronous set) lost together; pg-2, seen from here, cannot prove it holds every
 * acknowledged commit, so its ordinary decision is blocked.
 */
class ForcedFailoverTest {

    static final ForceFailoverRequest ANY = new ForceFailoverRequest("ops-uid", 3, List.of(), null);

    /** pg-2 at 4000, the lost leader recorded 4990 at its last renew; pg-1 is gone. */
    static Obs blocked() {
        Obs o = Obs.of(P2).standby(4000, 2, false, addr(P0)).expiredLease(P0, record(P0, 4990, 2, Set.of(P1, P2), 1));
        o.label = "secondary";
        o.probe = LeaderProbe.UNREACHABLE;
        return o;
    }

    static Decision decide(Obs o, ForceFailoverRequest r) {
        Observation observation = o.build();
        return ForcedFailover.decide(observation, Optional.ofNullable(r), new HaDecision().decide(observation));
    }

    @Test
    void theSituationIsBlockedWithoutARequest() {
        Decision d = decide(blocked(), null);
        assertThat(d.blocked()).isTrue();
        assertThat(d.status()).contains("cannot prove candidate holds every acknowledged commit");
        assertThat(d.contains(AcquireLease.class)).isFalse();
    }

    @Test
    void aBlockedStandbyUnderARequestTakesTheNextTermAndPromotesRecordingWhatWasLost() {
        Decision d = decide(blocked(), ANY);
        assertThat(d.blocked()).isFalse();
        assertThat(d.kinds()).containsSubsequence("AcquireLease", "Promote", "PublishRole");
        AcquireLease acquire = d.first(AcquireLease.class);
        assertThat(acquire.term()).isEqualTo(4);
        ForcedFailoverRecord forced = acquire.record().forcedFailover();
        assertThat(forced).isEqualTo(new ForcedFailoverRecord("ops-uid", 4, P2, 4000, P0, 4990));
        assertThat(forced.lostBytesAtLeast()).hasValue(990);
        assertThat(acquire.record().leaderLsn()).isEqualTo(4000);
        assertThat(d.status()).contains("force failover ops-uid").contains("at least 990 bytes of WAL are lost");
    }

    @Test
    void anUnrecordedLeaderPositionIsRecordedAsUnknown() {
        Obs o = blocked().expiredLease(P0, record(P0, Lsn.UNKNOWN, 2, Set.of(P1, P2), 1));
        ForcedFailoverRecord forced = decide(o, ANY).first(AcquireLease.class).record().forcedFailover();
        assertThat(forced.previousLeaderLsn()).isEqualTo(Lsn.UNKNOWN);
        assertThat(forced.lostBytesAtLeast()).isEmpty();
        assertThat(forced.describe()).contains("what was lost is unknown");
    }

    @Test
    void aReleasedLeaseRecordsNoPreviousHolder() {
        Obs o = blocked().lease("", "100", 3, LEASE + 50, -1, record(P0, 4990, 2, Set.of(P1, P2), 1));
        ForcedFailoverRecord forced = decide(o, ANY).first(AcquireLease.class).record().forcedFailover();
        assertThat(forced.previousLeader()).isNull();
    }

    @Test
    void aRequestForAnotherTermIsStaleAndLeavesTheOrdinaryDecisionUnchanged() {
        Obs o = blocked();
        Decision ordinary = new HaDecision().decide(o.build());
        // written for term 2: a leader of term 3 came (and went) since, so the request was consumed or overtaken
        assertThat(decide(o, new ForceFailoverRequest("ops-uid", 2, List.of(), null))).isEqualTo(ordinary);
    }

    @Test
    void theRequestIsConsumedByTheTermItsPromotionTakes() {
        // the promoted member now leads term 4 with the request still on the Lease; any later failover is ordinary
        Obs o = blocked().expiredLease(P0, record(P0, 4990, 2, Set.of(P1, P2), 1));
        o.lease = new LeaseView(true, P1, "200", 4, LEASE + 50, -1, true, o.lease.record());
        Decision ordinary = new HaDecision().decide(o.build());
        assertThat(ordinary.blocked()).isTrue();
        assertThat(decide(o, ANY)).isEqualTo(ordinary);
    }

    @Test
    void anElectionThatIsNotBlockedIsNeverForced() {
        // pg-1 published its final position: pg-2 proves itself the ordinary way, no record of a loss
        Obs o = blocked().finalPeer(P1, 3000, 2, "100");
        Decision d = decide(o, ANY);
        assertThat(d.first(AcquireLease.class).record().forcedFailover()).isNull();
        // a live leader: following it is not blocked either
        Obs live = blocked().liveLease(P0, record(P0, 4990, 2, Set.of(P1, P2), 1));
        assertThat(decide(live, ANY).contains(AcquireLease.class)).isFalse();
    }

    @Test
    void neverWhileTheLastLeadersPostgresStillRuns() {
        for (LeaderProbe probe : List.of(LeaderProbe.WRITABLE, LeaderProbe.REFUSING)) {
            Obs o = blocked();
            o.probe = probe;
            Decision d = decide(o, ANY);
            assertThat(d.contains(AcquireLease.class)).as(probe.name()).isFalse();
            assertThat(d.blocked()).isTrue();
            assertThat(d.status()).contains("the last leader's PostgreSQL still runs");
        }
    }

    @Test
    void aMemberThatIsNotACandidateWaits() {
        Decision d = decide(blocked(), new ForceFailoverRequest("ops-uid", 3, List.of(P1), null));
        assertThat(d.contains(AcquireLease.class)).isFalse();
        assertThat(d.status()).contains("not among the candidates [pg-1]");
        assertThat(decide(blocked(), new ForceFailoverRequest("ops-uid", 3, List.of(P1, P2), null))
                .contains(Promote.class)).isTrue();
    }

    @Test
    void defersToAReachableCandidateThatIsFurtherAhead() {
        Obs o = blocked().peer(P1, new MemberState(MemberState.STANDBY, 2, 4500, false, null, true, addr(P1), false, null,
                Obs.SYSID, 1), 100);
        Decision d = decide(o, ANY);
        assertThat(d.contains(AcquireLease.class)).isFalse();
        assertThat(d.status()).contains("defer to candidate pg-1");
    }

    @Test
    void aCandidateAheadThatIsNotAllowedOrNotReachableIsNotWaitedFor() {
        MemberState ahead = new MemberState(MemberState.STANDBY, 2, 4500, false, null, true, addr(P1), false, null, Obs.SYSID, 1);
        Obs notCandidate = blocked().peer(P1, ahead, 100);
        assertThat(decide(notCandidate, new ForceFailoverRequest("ops-uid", 3, List.of(P2), null)).contains(Promote.class))
                .isTrue();
        Obs stale = blocked().peer(P1, ahead, 3 * LEASE + 1);
        assertThat(decide(stale, ANY).contains(Promote.class)).as("unchanged for 3 Lease durations: unreachable").isTrue();
        Obs stopped = blocked().peer(P1, new MemberState(MemberState.STOPPED, 2, 4500, false, null, false, addr(P1), false,
                null, Obs.SYSID, 1), 100);
        assertThat(decide(stopped, ANY).contains(Promote.class)).as("not running: cannot promote now").isTrue();
    }

    @Test
    void onTheSamePositionTheLowerOrdinalGoes() {
        Obs o = blocked().peer(P1, new MemberState(MemberState.STANDBY, 2, 4000, false, null, true, addr(P1), false, null,
                Obs.SYSID, 1), 100);
        assertThat(decide(o, ANY).status()).contains("defer to candidate pg-1");
        Obs fromP1 = Obs.of(P1).standby(4000, 2, false, addr(P0)).expiredLease(P0, record(P0, 4990, 2, Set.of(P2), 1))
                .peer(P2, new MemberState(MemberState.STANDBY, 2, 4000, false, null, true, addr(P2), false, null, Obs.SYSID, 1),
                        100);
        fromP1.probe = LeaderProbe.UNREACHABLE;
        assertThat(decide(fromP1, ANY).contains(Promote.class)).isTrue();
    }

    @Nested
    class RefusesWhenThisMember {

        @Test
        void hasNotSeenTheLeaseUnrenewedForALeaseDuration() {
            Obs o = blocked().lease(P0, "100", 3, LEASE - 1, -1, record(P0, 4990, 2, Set.of(P1, P2), 1));
            Decision d = decide(o, ANY);
            assertThat(d.contains(AcquireLease.class)).isFalse();
        }

        @Test
        void isBehindTheLastLeadersTimelineOrOfAnotherCluster() {
            Obs behind = blocked().standby(4000, 1, false, addr(P0));
            assertThat(decide(behind, ANY).contains(AcquireLease.class)).isFalse();
            Obs other = blocked().withSystemIdentifier(42);
            assertThat(decide(other, ANY).contains(AcquireLease.class)).isFalse();
        }

        @Test
        void isShuttingDownOrCutFromTheApi() {
            Obs leaving = blocked();
            leaving.shuttingDown = true;
            assertThat(decide(leaving, ANY).contains(AcquireLease.class)).isFalse();
            Obs cut = blocked();
            cut.apiReachable = false;
            assertThat(decide(cut, ANY).contains(AcquireLease.class)).isFalse();
        }

        @Test
        void holdsTheLeaseAsAStandbyThatCannotProveItself() {
            Obs o = blocked().lease(P2, "100", 3, 100, 150, record(P0, 4990, 2, Set.of(P1, P2), 1));
            Decision d = decide(o, ANY);
            assertThat(d.contains(Promote.class)).isFalse();
        }
    }

    @Test
    void everyLaterLeaderCarriesTheRecordAlong() {
        ForcedFailoverRecord forced = new ForcedFailoverRecord("ops-uid", 4, P2, 4000, P0, 4990);
        Obs leader = HaDecisionTest.steadyLeader();
        leader.lease = new LeaseView(true, P0, "300", 3, 100, 150, true, leader.lease.record().withForcedFailover(forced));
        Decision d = leader.decide();
        assertThat(d.first(Action.RenewLease.class).record().forcedFailover()).isEqualTo(forced);
    }
}
