package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.P2;
import static org.ferretdboperator.coordinator.decision.Obs.SYSID;
import static org.ferretdboperator.coordinator.decision.Obs.addr;

import org.ferretdboperator.coordinator.decision.Action.AcquireLease;
import org.ferretdboperator.coordinator.decision.Action.Fence;
import org.ferretdboperator.coordinator.decision.Action.InitDb;
import org.ferretdboperator.coordinator.decision.Action.Promote;
import org.ferretdboperator.coordinator.decision.Action.StartPrimary;
import org.ferretdboperator.coordinator.decision.Action.StartStandby;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The election record lost with the Lease (Halt deletes it, a person may delete it, the operator recreates it empty):
 * no member takes the recreated Lease unless every configured member's own report proves it the most advanced, and
 * initdb happens only when no member holds a data directory.
 */
class LostElectionRecordTest {

    /** The Lease as the operator recreates it: no holder, term 0, no annotations, a new resourceVersion. */
    private static final String RECREATED = "900";

    private static Obs recreated(Obs o) {
        return o.lease("", RECREATED, 0, 5_000, -1, LeaderRecord.EMPTY);
    }

    private static Obs stoppedWithData(Obs o, String member, int timeline, long checkpoint) {
        return o.peer(member, new MemberState(MemberState.STOPPED, timeline, checkpoint, false, null, false, addr(member), false,
                null, SYSID, 1), 100);
    }

    // --- bootstrap (initdb and the first Lease) ---------------------------------------------------------------------

    @Test
    void staleFormerPrimaryOnTheBootstrapMemberDoesNotTakeARecreatedLease() {
        Obs o = recreated(Obs.of(P0).stopped(false, 9000, 1));
        stoppedWithData(o, P1, 2, 6000);
        o.emptyPeer(P2);
        Decision d = o.decide();
        assertThat(d.contains(AcquireLease.class)).isFalse();
        assertThat(d.contains(StartPrimary.class)).isFalse();
        assertThat(d.first(StartStandby.class).leader()).as("starts read-only to publish its position").isNull();
    }

    @Test
    void bootstrapMemberWithDataWaitsForEveryMemberToReportBeforeTakingANewLease() {
        Obs o = recreated(Obs.of(P0).stopped(false, 100, 1)).emptyPeer(P1);
        Decision d = o.decide();
        assertThat(d.contains(AcquireLease.class)).isFalse();
        assertThat(d.first(StartStandby.class).leader()).isNull();
    }

    @Test
    void emptyBootstrapMemberDoesNotInitialiseWhileAnotherMemberHoldsData() {
        Obs o = recreated(Obs.of(P0).empty()).emptyPeer(P1);
        stoppedWithData(o, P2, 2, 6000);
        Decision d = o.decide();
        assertThat(d.contains(InitDb.class)).isFalse();
        assertThat(d.status()).contains("[pg-2] hold data directories");
    }

    @Test
    void emptyBootstrapMemberDoesNotInitialiseBeforeEveryMemberReported() {
        Obs o = recreated(Obs.of(P0).empty()).emptyPeer(P1);
        Decision d = o.decide();
        assertThat(d.contains(InitDb.class)).isFalse();
        assertThat(d.status()).contains("waiting for [pg-2]");
    }

    @Test
    void aStaleEmptyReportDoesNotCountAsNoData() {
        Obs o = recreated(Obs.of(P0).empty()).emptyPeer(P1);
        o.peer(P2, new MemberState(MemberState.STOPPED, 0, Lsn.UNKNOWN, false, null, false, addr(P2), false, null, 0, 1),
                10 * Obs.LEASE);
        assertThat(o.decide().contains(InitDb.class)).isFalse();
    }

    @Test
    void newClusterStillInitialisesWhenNobodyHoldsData() {
        assertThat(recreated(Obs.of(P0).empty()).othersEmpty().decide().kinds()).containsExactly("InitDb");
    }

    // --- election from every member's final position ----------------------------------------------------------------

    @Test
    void newestTimelineWinsOverAFurtherPositionOnAnOlderTimeline() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).finalPeer(P0, 9000, 1, RECREATED)
                .finalPeer(P2, 5000, 2, RECREATED);
        Decision d = o.decide();
        assertThat(d.contains(Promote.class)).isTrue();
        assertThat(d.first(AcquireLease.class).term()).isEqualTo(1);
        assertThat(d.first(AcquireLease.class).record().systemIdentifier()).isEqualTo(SYSID);
    }

    @Test
    void staleFormerPrimaryDefersToTheNewerTimeline() {
        Obs o = recreated(Obs.of(P0).standby(9000, 1, false, null)).finalPeer(P1, 6000, 2, RECREATED)
                .finalPeer(P2, 5000, 2, RECREATED);
        Decision d = o.decide();
        assertThat(d.contains(Promote.class)).isFalse();
        assertThat(d.status()).contains("defer to pg-1");
    }

    @Test
    void furtherPositionOnTheSameTimelineWins() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).finalPeer(P0, 6100, 2, RECREATED)
                .finalPeer(P2, 5000, 2, RECREATED);
        assertThat(o.decide().status()).contains("defer to pg-0");
    }

    @Test
    void samePositionGoesToTheLowerOrdinal() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).finalPeer(P0, 6000, 2, RECREATED)
                .finalPeer(P2, 6000, 2, RECREATED);
        assertThat(o.decide().contains(Promote.class)).isFalse();
        Obs first = recreated(Obs.of(P0).standby(6000, 2, false, null)).finalPeer(P1, 6000, 2, RECREATED)
                .finalPeer(P2, 6000, 2, RECREATED);
        assertThat(first.decide().contains(Promote.class)).isTrue();
    }

    @Test
    void oneMemberMissingBlocksInSynchronousMode() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).finalPeer(P2, 5000, 2, RECREATED);
        Decision d = o.decide();
        assertThat(d.contains(Promote.class)).isFalse();
        assertThat(d.blocked()).isTrue();
        assertThat(d.status()).contains("missing [pg-0]");
    }

    @Test
    void oneMemberMissingBlocksInAsynchronousModeToo() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).finalPeer(P2, 5000, 2, RECREATED);
        o.synchronous = false;
        assertThat(o.decide().contains(Promote.class)).isFalse();
    }

    @Test
    void asynchronousModeElectsFromEveryMemberWithoutTheLastLeadersPosition() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).finalPeer(P0, 5000, 2, RECREATED)
                .finalPeer(P2, 5000, 2, RECREATED);
        o.synchronous = false;
        assertThat(o.decide().contains(Promote.class)).isTrue();
    }

    @Test
    void aFinalPositionForTheLeaseBeforeItWasRecreatedDoesNotCount() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).finalPeer(P0, 5000, 2, "100")
                .finalPeer(P2, 5000, 2, RECREATED);
        assertThat(o.decide().contains(Promote.class)).isFalse();
    }

    @Test
    void aRunningPeerIsNotFinal() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).streamingPeer(P0, 5000, 2, P2)
                .finalPeer(P2, 5000, 2, RECREATED);
        assertThat(o.decide().contains(Promote.class)).isFalse();
    }

    @Test
    void aMemberWithoutDataHoldsNothingToWaitFor() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).emptyPeer(P0).finalPeer(P2, 5000, 2, RECREATED);
        assertThat(o.decide().contains(Promote.class)).isTrue();
    }

    @Test
    void aMemberOfAnotherClusterBlocksTheElection() {
        Obs o = recreated(Obs.of(P1).standby(6000, 2, false, null)).finalPeer(P2, 5000, 2, RECREATED);
        o.peer(P0, new MemberState(MemberState.STANDBY, 2, 5000, false, null, true, addr(P0), false, RECREATED, 42L, 1), 100);
        Decision d = o.decide();
        assertThat(d.contains(Promote.class)).isFalse();
        assertThat(d.status()).contains("another cluster");
    }

    @Test
    void nobodyPromotesWhileTheLeaseIsDeleted() {
        Obs o = Obs.of(P1).standby(6000, 2, false, null).finalPeer(P0, 5000, 2, RECREATED).finalPeer(P2, 5000, 2, RECREATED);
        o.lease = LeaseView.absent();
        assertThat(o.decide().contains(Promote.class)).isFalse();
    }

    @Test
    void aRecordedLeaseStillUsesTheRecordedSynchronousSet() {
        // with a record, one member's final position (ANY 1 of {pg-1, pg-2}) proves pg-1: the all-members rule is
        // only the fallback for a lost record
        Obs o = Obs.of(P1).standby(6000, 2, false, null).expiredLease(P0, Obs.record(P0, 6000, 2, Set.of(P1, P2), 1))
                .finalPeer(P2, 5000, 2, "100");
        o.probe = LeaderProbe.UNREACHABLE;
        assertThat(o.decide().contains(Promote.class)).isTrue();
    }

    @Test
    void runningPrimaryFencesWhenItsLeaseIsDeleted() {
        Obs o = Obs.of(P1).primary(6000, 2, Set.of(P0, P2), SyncSetting.NONE, Set.of());
        o.lease = LeaseView.absent();
        assertThat(o.decide().contains(Fence.class)).isTrue();
    }
}
