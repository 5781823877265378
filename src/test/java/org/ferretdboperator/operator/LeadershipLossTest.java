package org.ferretdboperator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stop-leading callback asks for an exit with code 1 once and returns at once (the real exit is LeaseLossIT's). */
class LeadershipLossTest {

    @AfterEach
    void reset() {
        LeadershipLoss.reset();
    }

    @Test
    void asksForOneExitWithCodeOneAndReturns() {
        List<Integer> exits = new CopyOnWriteArrayList<>();
        List<Integer> halts = new CopyOnWriteArrayList<>();
        assertThat(LeadershipLoss.lost()).isFalse();
        LeadershipLoss.stoppedLeading("ferretdb-operator-lock", exits::add, halts::add, () -> false);
        LeadershipLoss.stoppedLeading("ferretdb-operator-lock", exits::add, halts::add, () -> false);
        assertThat(exits).containsExactly(LeadershipLoss.EXIT_CODE);
        assertThat(LeadershipLoss.EXIT_CODE).isNotZero();
        assertThat(LeadershipLoss.lost()).isTrue();
        assertThat(halts).as("the halt is only a fallback after " + LeadershipLoss.HALT_AFTER).isEmpty();
    }

    @Test
    void aShutdownThatStopsTheLeaderElectorIsNoLostLeadership() {
        // SIGTERM: the shutdown hook stops the operator, whose leader elector then calls stop-leading
        List<Integer> exits = new CopyOnWriteArrayList<>();
        List<Integer> halts = new CopyOnWriteArrayList<>();
        LeadershipLoss.stoppedLeading("ferretdb-operator-lock", exits::add, halts::add, () -> true);
        assertThat(exits).isEmpty();
        assertThat(LeadershipLoss.lost()).isFalse();
    }
}
