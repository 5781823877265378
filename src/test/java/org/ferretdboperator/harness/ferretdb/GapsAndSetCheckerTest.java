package org.ferretdboperator.harness.ferretdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GapsAndSetCheckerTest {

    @Test
    void longestGapStartsAtTheLastSuccessBeforeTheWindow() {
        List<Long> ok = List.of(10L, 20L, 30L, 95L, 100L, 110L);
        assertThat(Gaps.longest(ok, 40, 115)).isEqualTo(65); // 30 .. 95
        assertThat(Gaps.longest(ok, 40, 200)).isEqualTo(90); // 110 .. the end, no success since
        assertThat(Gaps.longest(ok, 0, 25)).isEqualTo(10);
    }

    @Test
    void aStretchOpenAtTheEndOfTheWindowRunsToTheNextSuccessOrTheEnd() {
        assertThat(Gaps.longest(List.of(10L, 20L, 500L), 15, 100)).isEqualTo(480);
        assertThat(Gaps.longest(List.of(10L, 20L), 15, 100)).isEqualTo(80);
        assertThat(Gaps.longest(List.of(), 15, 100)).isEqualTo(85);
    }

    @Test
    void setCheckFindsLostAndUnexpectedAndToleratesUnknownOutcomes() {
        Set<Long> attempted = Set.of(1L, 2L, 3L, 4L, 5L);
        SetChecker.Result r = SetChecker.compare(attempted, List.of(1L, 2L, 3L), Set.of(1L, 3L, 4L, 9L));
        assertThat(r.lost()).containsExactly(2L);
        assertThat(r.unexpected()).containsExactly(9L);
        assertThat(r.recovered()).isEqualTo(1); // 4: attempted, outcome unknown to the client, committed
        assertThat(r.ok()).isFalse();
        assertThat(SetChecker.compare(attempted, List.of(1L, 3L), Set.of(1L, 3L)).ok()).isTrue();
    }
}
