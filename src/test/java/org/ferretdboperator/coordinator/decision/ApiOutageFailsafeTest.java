package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.coordinator.decision.Obs.LEASE;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.P2;
import static org.ferretdboperator.coordinator.decision.Obs.RENEW;
import static org.ferretdboperator.coordinator.decision.Obs.addr;
import static org.ferretdboperator.coordinator.decision.Obs.record;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferretdboperator.coordinator.decision.Action.Fence;
import org.ferretdboperator.coordinator.decision.Action.Promote;
import org.ferretdboperator.coordinator.decision.Action.RenewLease;
import org.ferretdboperator.coordinator.decision.ApiOutageFailsafe.RenewFailures;
import org.ferretdboperator.coordinator.decision.ApiOutageFailsafe.State;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The API-outage failsafe: every branch of {@link ApiOutageFailsafe}, and what the decision and readiness make of it. */
class ApiOutageFailsafeTest {

    private static final ClusterConfig THREE = new ClusterConfig(List.of(P0, P1, P2), true, 1 << 20, LEASE, RENEW, 200, 60_000);
    private static final long LATE = RENEW + 1;
    private static final Map<String, Long> BOTH_FOLLOW = Map.of(P1, 150L, P2, 300L);

    private static ApiOutageFailsafe.Verdict judge(RenewFailures failures, long sinceOwnRenew, Map<String, Long> confirmed) {
        return ApiOutageFailsafe.primary(THREE, P0, true, failures, sinceOwnRenew, confirmed);
    }

    @Nested
    class Primary {

        @Test
        void aLeaseRenewedWithinTheDeadlineNeedsNoFailsafe() {
            assertThat(judge(RenewFailures.UNANSWERED, RENEW, Map.of()).state()).isEqualTo(State.RENEWED);
            assertThat(judge(RenewFailures.NONE, 0, Map.of()).keepServing()).isTrue();
        }

        @Test
        void neverRenewedByThisProcessFences() {
            assertThat(judge(RenewFailures.UNANSWERED, -1, BOTH_FOLLOW).state()).isEqualTo(State.FENCE);
        }

        @Test
        void keepsServingWhileTheApiIsUnansweredAndEveryOtherMemberFollowsWithinTheDeadline() {
            ApiOutageFailsafe.Verdict v = judge(RenewFailures.UNANSWERED, 30_000, BOTH_FOLLOW);
            assertThat(v.state()).isEqualTo(State.ACTIVE);
            assertThat(v.reason()).contains("oldest acknowledgement 300 ms ago");
            assertThat(judge(RenewFailures.UNANSWERED, LATE, Map.of(P1, RENEW, P2, 0L)).active()).as("exactly at the deadline")
                    .isTrue();
        }

        @Test
        void aMemberThatNoLongerHoldsTheLeaseNeverServesOnTheFailsafe() {
            ApiOutageFailsafe.Verdict v = ApiOutageFailsafe.primary(THREE, P0, false, RenewFailures.UNANSWERED, LATE, BOTH_FOLLOW);
            assertThat(v.state()).isEqualTo(State.FENCE);
            assertThat(v.reason()).contains("no longer holds the Lease");
        }

        @Test
        void aRenewRefusedByTheApiServerFencesEvenWithEveryMemberFollowing() {
            ApiOutageFailsafe.Verdict v = judge(RenewFailures.REFUSED, LATE, BOTH_FOLLOW);
            assertThat(v.state()).isEqualTo(State.FENCE);
            assertThat(v.reason()).contains("refused");
        }

        @Test
        void aLateRenewalWithoutAnyFailedAttemptIsAStarvedProcessNotAnOutageAndFences() {
            ApiOutageFailsafe.Verdict v = judge(RenewFailures.NONE, LATE, BOTH_FOLLOW);
            assertThat(v.state()).isEqualTo(State.FENCE);
            assertThat(v.reason()).contains("without a failed renew attempt");
        }

        @Test
        void aMemberThatNeverAcknowledgedFences() {
            ApiOutageFailsafe.Verdict v = judge(RenewFailures.UNANSWERED, LATE, Map.of(P1, 100L));
            assertThat(v.state()).isEqualTo(State.FENCE);
            assertThat(v.reason()).contains("pg-2 (no acknowledgement)");
        }

        @Test
        void aMemberWhoseLastAcknowledgementIsOlderThanTheDeadlineFences() {
            ApiOutageFailsafe.Verdict v = judge(RenewFailures.UNANSWERED, 10_000, Map.of(P1, 100L, P2, RENEW + 1));
            assertThat(v.state()).isEqualTo(State.FENCE);
            assertThat(v.reason()).contains("pg-2 (last " + (RENEW + 1) + " ms ago)");
        }

        @Test
        void aSingleMemberHasNobodyWhoCouldTakeOverAndKeepsServing() {
            ClusterConfig one = new ClusterConfig(List.of(P0), true, 1 << 20, LEASE, RENEW, 200, 60_000);
            assertThat(ApiOutageFailsafe.primary(one, P0, true, RenewFailures.UNANSWERED, LATE, Map.of()).active()).isTrue();
        }

        @Test
        void acknowledgementsOfMembersOutsideTheConfigurationDoNotCount() {
            assertThat(judge(RenewFailures.UNANSWERED, LATE, Map.of(P1, 100L, "pg-9", 100L)).state()).isEqualTo(State.FENCE);
        }
    }

    @Nested
    class InTheDecision {

        private Obs lateLeader(boolean failsafe) {
            Obs o = Obs.of(P0).primary(5000, 1, Set.of(P1, P2), new SyncSetting(1, Set.of(P1, P2)), Set.of())
                    .lease(P0, "100", 3, 30_000, 30_000, record(P0, 5000, 1, Set.of(P1, P2), 1));
            o.apiReachable = false;
            o.label = "primary";
            o.apiOutageFailsafe = failsafe;
            return o;
        }

        @Test
        void aPrimaryPastItsRenewDeadlineKeepsLeadingWhileTheFailsafeHolds() {
            Decision d = lateLeader(true).decide();
            assertThat(d.contains(Fence.class)).isFalse();
            assertThat(d.contains(RenewLease.class)).as("it keeps trying to renew").isTrue();
            assertThat(d.status()).contains("API server unreachable");
        }

        @Test
        void withoutTheFailsafeItFencesAsBefore() {
            assertThat(lateLeader(false).decide().contains(Fence.class)).isTrue();
        }

        @Test
        void theFailsafeNeverKeepsAPrimaryWhoseLeaseAnotherMemberHolds() {
            Obs o = lateLeader(true).lease(P1, "101", 4, 0, 30_000, record(P1, 5000, 2, Set.of(P0, P2), 1));
            assertThat(o.decide().contains(Fence.class)).isTrue();
        }

        @Test
        void readinessKeepsTheFailsafePrimaryReady() {
            Observation o = lateLeader(true).build();
            Readiness r = Readiness.judge(o.self(), o.config(), o.local(), o.lease(), false, 30_000, 0, true);
            assertThat(r.ready()).isTrue();
            assertThat(r.reason()).contains("API server unreachable");
            assertThat(Readiness.judge(o.self(), o.config(), o.local(), o.lease(), false, 30_000, 0, false).ready()).isFalse();
        }
    }

    @Nested
    class Standby {

        private Obs asyncCandidate(long receiverDownMillis) {
            Obs o = Obs.of(P1).standbyReceiverDown(5000, 2, addr(P0), receiverDownMillis)
                    .expiredLease(P0, record(P0, 5100, 2, Set.of(P1, P2), 0));
            o.synchronous = false;
            o.label = "secondary";
            o.probe = LeaderProbe.UNREACHABLE;
            return o;
        }

        @Test
        void asynchronousCandidateWaitsALeaseDurationAfterItsReceiverStopped() {
            Decision d = asyncCandidate(LEASE - 1).decide();
            assertThat(d.contains(Promote.class)).isFalse();
            assertThat(d.blocked()).isTrue();
            assertThat(d.status()).contains("may still count this member as following");
            assertThat(asyncCandidate(LEASE).decide().contains(Promote.class)).isTrue();
        }

        @Test
        void synchronousCandidateNeedsNoWaitItsProofAlreadyExcludesTheOldPrimarysQuorum() {
            ClusterConfig sync = new ClusterConfig(List.of(P0, P1, P2), true, 1 << 20, LEASE, RENEW, 200, 60_000);
            LocalInstance justStopped = new LocalInstance(true, true, true, true, true, 2, Obs.SYSID, 5000, 5000, Lsn.UNKNOWN,
                    false, addr(P0), 0, Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
            assertThat(ApiOutageFailsafe.standbyMustWait(sync, justStopped, record(P0, 5000, 2, Set.of(P1, P2), 1))).isEmpty();
        }

        @Test
        void aLeaderThatRecordedItsFinalPositionStoppedAndNeedsNoWait() {
            ClusterConfig async = new ClusterConfig(List.of(P0, P1, P2), false, 1 << 20, LEASE, RENEW, 200, 60_000);
            LocalInstance justStopped = new LocalInstance(true, true, true, true, true, 2, Obs.SYSID, 5000, 5000, Lsn.UNKNOWN,
                    false, addr(P0), 0, Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
            LeaderRecord running = record(P0, 5000, 2, Set.of(P1, P2), 0);
            LeaderRecord stopped = new LeaderRecord(addr(P0), 5000, 2, TimelineHistory.EMPTY, Obs.SYSID, Set.of(P1, P2), 0, null,
                    5000);
            assertThat(ApiOutageFailsafe.standbyMustWait(async, justStopped, running)).isPresent();
            assertThat(ApiOutageFailsafe.standbyMustWait(async, justStopped, stopped)).isEmpty();
        }

        @Test
        void aStandbyWithoutTheApiNeverTakesOver() {
            Obs o = asyncCandidate(60_000);
            o.apiReachable = false;
            assertThat(o.decide().contains(Promote.class)).isFalse();
        }
    }
}
