package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.P2;
import static org.ferretdboperator.coordinator.decision.Obs.record;

import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.coordinator.decision.Action.ReleaseLease;
import org.junit.jupiter.api.Test;

/** {@link PlannedSwitchover} branch by branch; the Lease in {@link HaDecisionTest#steadyLeader()} is in term 3. */
class PlannedSwitchoverTest {

    static Obs leader() {
        Obs o = HaDecisionTest.steadyLeader();
        o.streamingPeer(P1, 4990, 2, P0).streamingPeer(P2, 5000, 2, P0);
        return o;
    }

    static Optional<Decision> decide(Obs o, SwitchoverRequest r) {
        return PlannedSwitchover.decide(o.build(), Optional.ofNullable(r));
    }

    @Test
    void theAddressedHolderStopsFastThenHandsOverToTheBestStandbyThenUnlabels() {
        Decision d = decide(leader(), new SwitchoverRequest("uid", P0, 3, null)).orElseThrow();
        assertThat(d.kinds()).containsExactly("StopFast", "ReleaseLease", "PublishRole");
        assertThat(d.first(ReleaseLease.class).handoverTo()).isEqualTo(P2);
    }

    @Test
    void aNamedTargetIsTheOneHandedOverTo() {
        Decision d = decide(leader(), new SwitchoverRequest("uid", P0, 3, P1)).orElseThrow();
        assertThat(d.first(ReleaseLease.class).handoverTo()).isEqualTo(P1);
    }

    @Test
    void aNamedTargetThatIsNotEligibleMakesTheRequestWaitInsteadOfPickingAnother() {
        Obs o = leader().streamingPeer(P1, 4990, 2, P2); // pg-1 follows someone else
        assertThat(decide(o, new SwitchoverRequest("uid", P0, 3, P1))).isEmpty();
        assertThat(decide(o, new SwitchoverRequest("uid", P0, 3, "pg-7"))).isEmpty();
    }

    @Test
    void synchronousModeOnlyHandsOverToTheRecordedSynchronousSet() {
        Obs o = leader().liveLease(P0, record(P0, 4900, 2, Set.of(P1), 1));
        assertThat(decide(o, new SwitchoverRequest("uid", P0, 3, P2))).isEmpty();
        assertThat(decide(o, new SwitchoverRequest("uid", P0, 3, null)).orElseThrow().first(ReleaseLease.class).handoverTo())
                .isEqualTo(P1);
    }

    @Test
    void aRequestOfAnotherTermOrHolderIsStaleAndIgnored() {
        assertThat(decide(leader(), new SwitchoverRequest("uid", P0, 2, null))).isEmpty();
        assertThat(decide(leader(), new SwitchoverRequest("uid", P1, 3, null))).isEmpty();
        assertThat(decide(leader(), null)).isEmpty();
    }

    @Test
    void aTargetThatIsAlreadyTheHolderNeedsNothing() {
        assertThat(decide(leader(), new SwitchoverRequest("uid", P0, 3, P0))).isEmpty();
    }

    @Test
    void onlyAHealthyRunningPrimaryHandsOver() {
        SwitchoverRequest r = new SwitchoverRequest("uid", P0, 3, null);
        Obs leaving = leader();
        leaving.shuttingDown = true; // the graceful stop of HaDecision handles it
        assertThat(decide(leaving, r)).isEmpty();
        Obs noApi = leader();
        noApi.apiReachable = false;
        assertThat(decide(noApi, r)).isEmpty();
        Obs stale = leader().lease(P0, "100", 3, 100, Obs.RENEW + 1, record(P0, 4900, 2, Set.of(P1, P2), 1));
        assertThat(decide(stale, r)).as("renew overdue: HaDecision fences").isEmpty();
        Obs standby = Obs.of(P1).standby(5000, 2, true, Obs.addr(P0)).liveLease(P1, record(P0, 5000, 2, Set.of(P1, P2), 1));
        assertThat(decide(standby, new SwitchoverRequest("uid", P1, 3, null))).isEmpty();
    }
}
