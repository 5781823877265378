package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.coordinator.decision.Obs.LEASE;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.RENEW;
import static org.ferretdboperator.coordinator.decision.Obs.addr;
import static org.ferretdboperator.coordinator.decision.Obs.record;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which member the Services send traffic to: every branch of {@link Readiness#judge}. */
class ReadinessTest {

    private static final SyncSetting SYNC_P1_P2 = new SyncSetting(1, Set.of(P1, "pg-2"));
    private static final LeaderRecord P0_RECORD = record(P0, 5000, 1, Set.of(P1, "pg-2"), 1);

    private static Readiness judge(Obs obs, boolean shuttingDown, long sinceOwnRenew, long primaryFor) {
        Observation o = obs.build();
        return Readiness.judge(o.self(), o.config(), o.local(), o.lease(), shuttingDown, sinceOwnRenew, primaryFor);
    }

    private static Obs primaryP0(Set<String> streaming, SyncSetting sync) {
        return Obs.of(P0).primary(5000, 1, streaming, sync, Set.of()).liveLease(P0, P0_RECORD);
    }

    @Test
    void shuttingDownIsNeverReady() {
        assertThat(judge(primaryP0(Set.of(P1), SYNC_P1_P2), true, 100, 0))
                .isEqualTo(new Readiness(false, "shutting down"));
    }

    @Test
    void primaryWithAFreshlyRenewedLeaseIsReady() {
        assertThat(judge(primaryP0(Set.of(P1), SYNC_P1_P2), false, 100, 0)).isEqualTo(new Readiness(true, "primary"));
    }

    @Test
    void primaryWhoseLeaseIsHeldByAnotherOrNotRenewedInTimeIsNotReady() {
        Obs heldByOther = Obs.of(P0).primary(5000, 1, Set.of(), SyncSetting.NONE, Set.of()).liveLease(P1, P0_RECORD);
        assertThat(judge(heldByOther, false, 100, 0).reason()).isEqualTo("primary without a renewed Lease");
        assertThat(judge(primaryP0(Set.of(P1), SYNC_P1_P2), false, -1, 0).ready()).as("never renewed").isFalse();
        assertThat(judge(primaryP0(Set.of(P1), SYNC_P1_P2), false, RENEW + 1, 0).ready()).as("renew too old").isFalse();
        assertThat(judge(primaryP0(Set.of(P1), SYNC_P1_P2), false, RENEW, 0).ready()).as("exactly at the deadline").isTrue();
    }

    @Test
    void primaryWithUnreadableWalPositionIsNotReady() {
        Obs obs = Obs.of(P0).primary(Lsn.UNKNOWN, 1, Set.of(P1), SYNC_P1_P2, Set.of()).liveLease(P0, P0_RECORD);
        assertThat(judge(obs, false, 100, 0).reason()).isEqualTo("primary's WAL position unreadable");
    }

    @Test
    void synchronousPrimaryWithoutItsQuorumConnectedIsNotReadyAfterAGracePeriodOfALeaseDuration() {
        Obs noneConnected = primaryP0(Set.of(), SYNC_P1_P2);
        assertThat(judge(noneConnected, false, 100, LEASE).ready()).as("within the grace period").isTrue();
        assertThat(judge(noneConnected, false, 100, LEASE + 1).reason())
                .isEqualTo("synchronous standbys not connected: commits would wait");
        Obs noSyncSetting = primaryP0(Set.of(P1), SyncSetting.NONE);
        assertThat(judge(noSyncSetting, false, 100, LEASE + 1).ready()).as("no synchronous standbys set").isFalse();
        Obs connectedButNotNamed = primaryP0(Set.of("pg-9"), SYNC_P1_P2);
        assertThat(judge(connectedButNotNamed, false, 100, LEASE + 1).ready()).isFalse();
        assertThat(judge(primaryP0(Set.of(P1), SYNC_P1_P2), false, 100, LEASE + 1).ready()).as("quorum connected").isTrue();
    }

    @Test
    void asynchronousOrSingleMemberPrimaryDoesNotWaitForStandbys() {
        Obs async = primaryP0(Set.of(), SyncSetting.NONE);
        async.synchronous = false;
        assertThat(judge(async, false, 100, LEASE + 1).ready()).isTrue();
        Obs single = primaryP0(Set.of(), SyncSetting.NONE);
        single.members = java.util.List.of(P0);
        assertThat(judge(single, false, 100, LEASE + 1).ready()).isTrue();
    }

    @Test
    void standbyStreamingFromTheLiveLeaderWithinTheLagIsReady() {
        Obs obs = Obs.of(P1).standby(5000, 1, true, addr(P0)).liveLease(P0, P0_RECORD);
        assertThat(judge(obs, false, -1, 0)).isEqualTo(new Readiness(true, "standby of " + P0));
    }

    @Test
    void standbyWithoutALiveLeaderIsNotReady() {
        Obs expired = Obs.of(P1).standby(5000, 1, true, addr(P0)).expiredLease(P0, P0_RECORD);
        assertThat(judge(expired, false, -1, 0).reason()).isEqualTo("no live leader");
        Obs heldBySelf = Obs.of(P1).standby(5000, 1, true, addr(P0)).liveLease(P1, P0_RECORD);
        assertThat(judge(heldBySelf, false, -1, 0).reason()).isEqualTo("no live leader");
        Obs noAddress = Obs.of(P1).standby(5000, 1, true, addr(P0)).liveLease(P0, LeaderRecord.EMPTY);
        assertThat(judge(noAddress, false, -1, 0).reason()).isEqualTo("no live leader");
        Obs vacant = Obs.of(P1).standby(5000, 1, true, addr(P0)).liveLease("", P0_RECORD);
        assertThat(judge(vacant, false, -1, 0).reason()).isEqualTo("no live leader");
    }

    @Test
    void standbyNotStreamingFromTheLeaderIsNotReady() {
        Obs receiverDown = Obs.of(P1).standby(5000, 1, false, addr(P0)).liveLease(P0, P0_RECORD);
        assertThat(judge(receiverDown, false, -1, 0).reason()).isEqualTo("not streaming from the leader " + P0);
        Obs otherUpstream = Obs.of(P1).standby(5000, 1, true, addr("pg-2")).liveLease(P0, P0_RECORD);
        assertThat(judge(otherUpstream, false, -1, 0).reason()).isEqualTo("not streaming from the leader " + P0);
    }

    @Test
    void standbyTooFarBehindTheLeadersLastPublishedPositionIsNotReady() {
        long max = new Obs().maxLag;
        Obs atLimit = Obs.of(P1).standby(5000, 1, true, addr(P0)).liveLease(P0, record(P0, 5000 + max, 1, Set.of(), 0));
        assertThat(judge(atLimit, false, -1, 0).ready()).isTrue();
        Obs beyond = Obs.of(P1).standby(5000, 1, true, addr(P0)).liveLease(P0, record(P0, 5001 + max, 1, Set.of(), 0));
        assertThat(judge(beyond, false, -1, 0).reason()).isEqualTo("lagging " + (max + 1) + " bytes behind the leader");
        Obs leaderUnknown = Obs.of(P1).standby(5000, 1, true, addr(P0)).liveLease(P0, record(P0, Lsn.UNKNOWN, 1, Set.of(), 0));
        assertThat(judge(leaderUnknown, false, -1, 0).ready()).as("leader position unknown: no lag gate").isTrue();
    }

    @Test
    void memberWithoutARunningPostgresIsNotReady() {
        assertThat(judge(Obs.of(P1).stopped(true, 5000, 1).liveLease(P0, P0_RECORD), false, -1, 0).reason())
                .isEqualTo("PostgreSQL not running");
        assertThat(judge(Obs.of(P1).starting(false).liveLease(P0, P0_RECORD), false, -1, 0).ready()).isFalse();
    }
}
