package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's client-seen write outage (GuideFailuresOnRealNodesIT#outage), on acknowledgement times in seconds. */
class WriteOutageTest {

    private static final long S = 1_000_000_000L;

    @Test
    void endsAtTheFirstAcknowledgementAfterTheLongestStretchEvenWhenTheOldPrimaryAckedAfterTheFault() {
        // fault at 10 s; the old primary acknowledges until 11 s, nothing until 14 s, restored at 13 s
        long[] o = GuideFailuresOnRealNodesIT.outage(List.of(9 * S, 10 * S + S / 2, 11 * S, 14 * S, 14 * S + S / 10),
                10 * S, 13 * S);
        assertThat(o[0]).as("end: the first acknowledgement after the longest stretch").isEqualTo(14 * S);
        assertThat(o[1]).as("the stretch: from the last acknowledgement before it").isEqualTo(3 * S);
    }

    @Test
    void aStretchStartingBeforeTheFaultCountsFromTheLastAcknowledgementBeforeIt() {
        // unsorted, as two writers record them
        long[] o = GuideFailuresOnRealNodesIT.outage(List.of(12 * S, 8 * S, 9 * S, 12 * S + S / 2), 10 * S, 11 * S);
        assertThat(o[0]).isEqualTo(12 * S);
        assertThat(o[1]).isEqualTo(3 * S);
    }

    @Test
    void withoutAnyAcknowledgementAfterTheFaultTheOutageRunsToTheRecovery() {
        long[] o = GuideFailuresOnRealNodesIT.outage(List.of(9 * S), 10 * S, 20 * S);
        assertThat(o[0]).isEqualTo(20 * S);
        assertThat(o[1]).isEqualTo(11 * S);
    }
}
