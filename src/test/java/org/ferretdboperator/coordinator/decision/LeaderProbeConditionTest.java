package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.coordinator.decision.Obs.LEASE;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.addr;
import static org.ferretdboperator.coordinator.decision.Obs.record;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a standby asks the lapsed holder's PostgreSQL whether it still takes writes: every branch of {@link LeaderProbeCondition}. */
class LeaderProbeConditionTest {

    private static final LeaderRecord P0_RECORD = record(P0, 5000, 1, Set.of(P1), 1);

    private static boolean shouldProbe(Obs obs, boolean apiReachable) {
        Observation o = obs.build();
        return LeaderProbeCondition.shouldProbe(o.self(), o.selfAddress(), LEASE, o.local(), o.lease(), apiReachable);
    }

    private static Obs standby() {
        return Obs.of(P1).standby(5000, 1, false, addr(P0));
    }

    @Test
    void aStandbyProbesTheHolderOfALapsedLease() {
        assertThat(shouldProbe(standby().expiredLease(P0, P0_RECORD), true)).isTrue();
    }

    @Test
    void aReleasedLeaseWithoutAFinalPositionIsProbedToo() {
        assertThat(shouldProbe(standby().lease("", "101", 4, 0, -1, P0_RECORD), true)).isTrue();
    }

    @Test
    void aLeaderThatRecordedItsFinalPositionStoppedCleanly() {
        assertThat(shouldProbe(standby().expiredLease(P0, P0_RECORD.withHandover(null, 6000)), true)).isFalse();
    }

    @Test
    void aLiveHolderIsNotProbed() {
        assertThat(shouldProbe(standby().liveLease(P0, P0_RECORD), true)).isFalse();
    }

    @Test
    void withoutTheApiTheLeaseViewIsStale() {
        assertThat(shouldProbe(standby().expiredLease(P0, P0_RECORD), false)).isFalse();
    }

    @Test
    void onlyARunningStandbyProbes() {
        assertThat(shouldProbe(Obs.of(P1).stopped(true, 5000, 1).expiredLease(P0, P0_RECORD), true)).isFalse();
        assertThat(shouldProbe(Obs.of(P1).primary(5000, 1, Set.of(), SyncSetting.NONE, Set.of()).expiredLease(P0, P0_RECORD),
                true)).isFalse();
    }

    @Test
    void noAddressOrOwnAddressIsNotProbed() {
        assertThat(shouldProbe(standby().expiredLease(P0, LeaderRecord.EMPTY), true)).isFalse();
        assertThat(shouldProbe(standby().expiredLease(P0, record(P1, 5000, 1, Set.of(), 0)), true)).as("own address").isFalse();
    }
}
