package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.coordinator.decision.Obs.LEASE;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.P2;
import static org.ferretdboperator.coordinator.decision.Obs.SYSID;
import static org.ferretdboperator.coordinator.decision.Obs.addr;
import static org.ferretdboperator.coordinator.decision.Obs.record;

import java.util.Set;
import org.ferretdboperator.coordinator.decision.Action.AcquireLease;
import org.ferretdboperator.coordinator.decision.Action.CloneFrom;
import org.ferretdboperator.coordinator.decision.Action.Promote;
import org.ferretdboperator.coordinator.decision.Action.ReleaseLease;
import org.ferretdboperator.coordinator.decision.Action.StartPrimary;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link CrashedLeader} through {@link HaDecision}: a Lease holder whose PostgreSQL is gone, branch by branch. */
class CrashedLeaderTest {

    /** pg-0 held the Lease as primary on timeline 2 with ANY 1 (pg-1, pg-2) recorded. */
    private static final LeaderRecord REC = record(P0, 5000, 2, Set.of(P1, P2), 1);

    /** A former primary whose pg_control does not say it was shut down (killed, OOM, PANIC), postmaster gone. */
    private static Obs crashedHolder(LeaderRecord rec) {
        Obs o = Obs.of(P0);
        o.local = new LocalInstance(true, false, false, false, false, 2, SYSID, Lsn.UNKNOWN, Lsn.UNKNOWN, 4800, false, null, 0,
                Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
        // a coordinator that restarted with the pod: it holds the Lease but has not renewed it itself
        return o.lease(P0, "100", 3, 0, -1, rec);
    }

    /** A standby of pg-0 whose WAL receiver stopped when pg-0 went away. */
    private static MemberState standbyOf(String name, long lsn, int timeline) {
        return new MemberState(MemberState.STANDBY, timeline, lsn, false, addr(P0), false, addr(name), false, null, SYSID, 1);
    }

    @Nested
    class Crash {

        @Test
        void releasesAtOnceWhenEveryMemberOfTheSynchronousSetRunsAsStandby() {
            Decision d = crashedHolder(REC).peer(P1, standbyOf(P1, 5100, 2), 100).peer(P2, standbyOf(P2, 5050, 2), 100).decide();
            assertThat(d.kinds()).containsSubsequence("Fence", "ReleaseLease");
            assertThat(d.first(ReleaseLease.class).handoverTo()).isNull();
            assertThat(d.contains(StartPrimary.class)).isFalse();
            assertThat(d.status()).contains("crashed").contains("ANY 1 [pg-1, pg-2]");
        }

        @Test
        void restartsAsPrimaryWhenTooFewSynchronousStandbysRunForOneToProveItself() {
            // ANY 1 of 2: a candidate must see the other's final position, and pg-2 is not there to publish one
            Decision d = crashedHolder(REC).peer(P1, standbyOf(P1, 5100, 2), 100).decide();
            assertThat(d.contains(ReleaseLease.class)).isFalse();
            assertThat(d.kinds()).containsSubsequence("AcquireLease", "StartPrimary");
        }

        @Test
        void aQuorumOfTheWholeSetNeedsOnlyOneStandby() {
            // ANY 2 (pg-1, pg-2): every acknowledged commit is on both, so either proves itself alone
            Decision d = crashedHolder(record(P0, 5000, 2, Set.of(P1, P2), 2)).peer(P1, standbyOf(P1, 5100, 2), 100).decide();
            assertThat(d.contains(ReleaseLease.class)).isTrue();
        }

        @Test
        void aStandbyOutsideTheRecordedSetDoesNotCount() {
            Decision d = crashedHolder(record(P0, 5000, 2, Set.of(P1), 1)).peer(P2, standbyOf(P2, 5100, 2), 100).decide();
            assertThat(d.contains(ReleaseLease.class)).isFalse();
        }

        @Test
        void aStandbyOnAnotherTimelineDoesNotCount() {
            Decision d = crashedHolder(REC).peer(P1, standbyOf(P1, 5100, 2), 100).peer(P2, standbyOf(P2, 5050, 1), 100).decide();
            assertThat(d.contains(ReleaseLease.class)).isFalse();
        }

        @Test
        void aStandbyNotHeardFromForLongDoesNotCount() {
            Decision d = crashedHolder(REC).peer(P1, standbyOf(P1, 5100, 2), 100)
                    .peer(P2, standbyOf(P2, 5050, 2), 3 * LEASE + 1).decide();
            assertThat(d.contains(ReleaseLease.class)).isFalse();
        }

        @Test
        void aStandbyThatIsShuttingDownDoesNotCount() {
            MemberState leaving = new MemberState(MemberState.STANDBY, 2, 5050, false, addr(P0), false, addr(P2), true, null,
                    SYSID, 1);
            Decision d = crashedHolder(REC).peer(P1, standbyOf(P1, 5100, 2), 100).peer(P2, leaving, 100).decide();
            assertThat(d.contains(ReleaseLease.class)).isFalse();
        }

        @Test
        void aStoppedMemberDoesNotCount() {
            MemberState stopped = new MemberState(MemberState.STOPPED, 2, 5050, false, null, false, addr(P2), false, null, SYSID, 1);
            Decision d = crashedHolder(REC).peer(P1, standbyOf(P1, 5100, 2), 100).peer(P2, stopped, 100).decide();
            assertThat(d.contains(ReleaseLease.class)).isFalse();
        }

        @Test
        void aPrimaryThatFencedItselfForALateRenewalIsNoCrashAndRestartsAsPrimary() {
            Obs o = crashedHolder(REC).peer(P1, standbyOf(P1, 5100, 2), 100).peer(P2, standbyOf(P2, 5050, 2), 100);
            o.lease(P0, "100", 3, 1300, Obs.RENEW + 1, REC);
            Decision d = o.decide();
            assertThat(d.contains(ReleaseLease.class)).isFalse();
            assertThat(d.contains(StartPrimary.class)).isTrue();
        }

        @Test
        void aSurvivingCoordinatorThatStillRenewsReleases() {
            Obs o = crashedHolder(REC).peer(P1, standbyOf(P1, 5100, 2), 100).peer(P2, standbyOf(P2, 5050, 2), 100);
            o.lease(P0, "100", 3, 150, Obs.RENEW, REC);
            assertThat(o.decide().contains(ReleaseLease.class)).isTrue();
        }

        @Test
        void withoutARecordedSynchronousSetRestartsAsPrimary() {
            Decision d = crashedHolder(record(P0, 5000, 2, Set.of(), 0)).peer(P1, standbyOf(P1, 5100, 2), 100)
                    .peer(P2, standbyOf(P2, 5050, 2), 100).decide();
            assertThat(d.contains(StartPrimary.class)).isTrue();
        }

        @Test
        void aCleanlyShutDownPrimaryRestartsAsPrimary() {
            // its WAL ends at its shutdown checkpoint and no standby may have more: nothing to gain from leaving
            Obs o = Obs.of(P0).stopped(false, 5000, 2).lease(P0, "100", 3, 0, -1, REC)
                    .peer(P1, standbyOf(P1, 5000, 2), 100).peer(P2, standbyOf(P2, 5000, 2), 100);
            assertThat(o.decide().kinds()).containsSubsequence("AcquireLease", "StartPrimary");
        }

        @Test
        void asynchronousModeRestartsAsPrimary() {
            Obs o = crashedHolder(record(P0, 5000, 2, Set.of(P1, P2), 0)).peer(P1, standbyOf(P1, 5100, 2), 100)
                    .peer(P2, standbyOf(P2, 5050, 2), 100);
            o.synchronous = false;
            assertThat(o.decide().contains(StartPrimary.class)).isTrue();
        }

        @Test
        void withoutTheApiWaits() {
            Obs o = crashedHolder(REC).peer(P1, standbyOf(P1, 5100, 2), 100).peer(P2, standbyOf(P2, 5050, 2), 100);
            o.apiReachable = false;
            assertThat(o.decide().contains(ReleaseLease.class)).isFalse();
        }

        @Test
        void aCrashedStandbyHoldingTheLeaseIsNotAFormerPrimary() {
            Obs o = Obs.of(P1);
            o.local = new LocalInstance(true, true, false, false, false, 2, SYSID, Lsn.UNKNOWN, Lsn.UNKNOWN, 4800, false, null, 0,
                    Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
            o.lease(P1, "100", 4, 0, -1, REC).peer(P2, standbyOf(P2, 5050, 2), 100);
            assertThat(o.decide().contains(ReleaseLease.class)).isFalse();
        }

        @Test
        void afterTheReleaseTheMostAdvancedSynchronousStandbyPromotesWithoutWaitingForExpiry() {
            // the vacant Lease the crashed holder left (same record, no final position), seen for the first time: the
            // standbys' final positions against it are the proof, no leaseDuration has to pass
            Obs o = Obs.of(P1).standbyReceiverDown(5100, 2, addr(P0), 1500).lease("", "101", 3, 0, -1, REC)
                    .finalPeer(P2, 5050, 2, "101");
            o.probe = LeaderProbe.UNREACHABLE;
            Decision d = o.decide();
            assertThat(d.first(AcquireLease.class).term()).isEqualTo(4);
            assertThat(d.contains(Promote.class)).isTrue();
        }

        @Test
        void afterTheReleaseTheLessAdvancedStandbyDefers() {
            Obs o = Obs.of(P2).standbyReceiverDown(5050, 2, addr(P0), 1500).lease("", "101", 3, 0, -1, REC)
                    .finalPeer(P1, 5100, 2, "101");
            o.probe = LeaderProbe.UNREACHABLE;
            assertThat(o.decide().contains(Promote.class)).isFalse();
        }
    }

    @Nested
    class DataDirectoryLost {

        @Test
        void aHolderWithoutADataDirectoryReleasesInsteadOfRenewing() {
            Decision d = Obs.of(P0).empty().liveLease(P0, REC).decide();
            assertThat(d.kinds()).containsSubsequence("Fence", "ReleaseLease");
            assertThat(d.first(ReleaseLease.class).handoverTo()).isNull();
            assertThat(d.contains(CloneFrom.class)).isFalse();
            assertThat(d.status()).contains("without a data directory");
        }

        @Test
        void releasesEvenWithNoStandbyInSight() {
            // holding it serves nobody: this member cannot start without data, and a later standby proves itself
            Decision d = Obs.of(P0).empty().lease(P0, "100", 3, 0, -1, REC).decide();
            assertThat(d.contains(ReleaseLease.class)).isTrue();
        }

        @Test
        void beforeTheClusterWasBootstrappedNothingIsReleased() {
            LeaderRecord unborn = new LeaderRecord(addr(P0), Lsn.UNKNOWN, 0, TimelineHistory.EMPTY, 0, Set.of(), 0, null,
                    Lsn.UNKNOWN);
            Decision d = Obs.of(P0).empty().lease(P0, "100", 1, 0, -1, unborn).decide();
            assertThat(d.contains(ReleaseLease.class)).isFalse();
        }

        @Test
        void aMemberThatDoesNotHoldTheLeaseClonesFromTheLiveLeaderAsBefore() {
            Decision d = Obs.of(P0).empty().liveLease(P1, record(P1, 6000, 3, Set.of(P0, P2), 1)).decide();
            assertThat(d.first(CloneFrom.class).leader()).isEqualTo(P1);
            assertThat(d.contains(ReleaseLease.class)).isFalse();
        }

        @Test
        void aPostmasterStillRunningIsLeftToTheStartingBranch() {
            Obs o = Obs.of(P0);
            o.local = new LocalInstance(false, false, true, false, false, 0, 0, Lsn.UNKNOWN, Lsn.UNKNOWN, Lsn.UNKNOWN, false, null, 0,
                    Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
            o.liveLease(P0, REC);
            assertThat(o.decide().contains(ReleaseLease.class)).isFalse();
        }
    }
}
