package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.addr;
import static org.ferretdboperator.coordinator.decision.Obs.record;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a standby tells its peers "my position is final for Lease version V": every branch of {@link FinalPositionClaim}. */
class FinalPositionClaimTest {

    /** max(2 × retryPeriod, 400 ms) with the test cluster's 200 ms retryPeriod. */
    private static final long STABLE_ENOUGH = 400;
    private static final LeaderRecord P0_RECORD = record(P0, 5000, 1, Set.of(P1), 1);

    private static String claim(Obs obs, long stableMillis) {
        Observation o = obs.build();
        return FinalPositionClaim.leaseVersion(o.self(), o.config(), o.local(), o.lease(), stableMillis);
    }

    private static Obs receiverStopped() {
        return Obs.of(P1).standby(5000, 1, false, addr(P0));
    }

    @Test
    void aStoppedReceiverWithAStablePositionUnderAnExpiredLeaseClaimsThatLeaseVersion() {
        assertThat(claim(receiverStopped().expiredLease(P0, P0_RECORD), STABLE_ENOUGH)).isEqualTo("100");
    }

    @Test
    void aPositionStillMovingIsNotFinal() {
        assertThat(claim(receiverStopped().expiredLease(P0, P0_RECORD), STABLE_ENOUGH - 1)).isNull();
    }

    @Test
    void theStabilityPeriodIsTwoRetryPeriodsWhenThatIsLonger() {
        Obs obs = receiverStopped().expiredLease(P0, P0_RECORD);
        Observation o = obs.build();
        ClusterConfig slow = new ClusterConfig(o.config().members(), true, 1 << 20, Obs.LEASE, Obs.RENEW, 500, 60_000);
        assertThat(FinalPositionClaim.leaseVersion(P1, slow, o.local(), o.lease(), 999)).isNull();
        assertThat(FinalPositionClaim.leaseVersion(P1, slow, o.local(), o.lease(), 1000)).isEqualTo("100");
    }

    @Test
    void aStreamingReceiverMayStillGetWal() {
        assertThat(claim(Obs.of(P1).standby(5000, 1, true, addr(P0)).expiredLease(P0, P0_RECORD), STABLE_ENOUGH)).isNull();
    }

    @Test
    void onlyARunningStandbyClaims() {
        assertThat(claim(Obs.of(P1).stopped(true, 5000, 1).expiredLease(P0, P0_RECORD), STABLE_ENOUGH)).isNull();
        assertThat(claim(Obs.of(P1).primary(5000, 1, Set.of(), SyncSetting.NONE, Set.of()).expiredLease(P0, P0_RECORD),
                STABLE_ENOUGH)).isNull();
    }

    @Test
    void aLiveLeaseOrNoLeaseGivesNothingToClaimFor() {
        assertThat(claim(receiverStopped().liveLease(P0, P0_RECORD), STABLE_ENOUGH)).isNull();
        assertThat(claim(receiverStopped(), STABLE_ENOUGH)).as("no Lease object").isNull();
    }

    @Test
    void aReleasedLeaseIsVacantAtOnce() {
        assertThat(claim(receiverStopped().lease("", "101", 4, 0, -1, P0_RECORD), STABLE_ENOUGH)).isEqualTo("101");
    }

    @Test
    void aLeaseHeldByThisMemberIsNotVacantForIt() {
        assertThat(claim(receiverStopped().lease(P1, "102", 4, 5000, -1, P0_RECORD), STABLE_ENOUGH)).isNull();
    }
}
