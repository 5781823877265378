package org.ferretdboperator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ferretdboperator.api.ops.OpsRequestPhase;
import org.junit.jupiter.api.Test;

class OpsQueueTest {

    static OpsQueue.Entry e(String name, String created, OpsRequestPhase phase) {
        return new OpsQueue.Entry(name, created, phase);
    }

    @Test
    void theOldestUnfinishedGoesFirstAndTheOthersWaitForIt() {
        List<OpsQueue.Entry> all = List.of(e("b", "2026-12-06T10:00:01Z", null), e("a", "2026-12-06T10:00:00Z", null));
        assertThat(OpsQueue.blocker("a", all)).isEmpty();
        assertThat(OpsQueue.blocker("b", all)).map(OpsQueue.Entry::name).contains("a");
    }

    @Test
    void aProgressingRequestKeepsGoingAndBlocksEvenOlderNewcomers() {
        List<OpsQueue.Entry> all = List.of(e("old", "2026-12-06T09:00:00Z", OpsRequestPhase.PENDING),
                e("running", "2026-12-06T10:00:00Z", OpsRequestPhase.PROGRESSING));
        assertThat(OpsQueue.blocker("running", all)).isEmpty();
        assertThat(OpsQueue.blocker("old", all)).map(OpsQueue.Entry::name).contains("running");
    }

    @Test
    void finishedRequestsBlockNothing() {
        List<OpsQueue.Entry> all = List.of(e("done", "2026-12-06T09:00:00Z", OpsRequestPhase.SUCCESSFUL),
                e("failed", "2026-12-06T09:30:00Z", OpsRequestPhase.FAILED), e("next", "2026-12-06T10:00:00Z", null));
        assertThat(OpsQueue.blocker("next", all)).isEmpty();
    }

    @Test
    void sameCreationSecondIsOrderedByName() {
        List<OpsQueue.Entry> all = List.of(e("y", "2026-12-06T10:00:00Z", null), e("x", "2026-12-06T10:00:00Z", null));
        assertThat(OpsQueue.blocker("y", all)).map(OpsQueue.Entry::name).contains("x");
    }
}
