package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    @Test
    void nearestRankPercentiles() {
        List<Double> values = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0,
                17.0, 18.0, 19.0, 20.0);
        assertThat(BenchReport.percentile(values, 50)).isEqualTo(10.0);
        assertThat(BenchReport.percentile(values, 95)).isEqualTo(19.0);
        assertThat(BenchReport.percentile(values, 100)).isEqualTo(20.0);
        assertThat(BenchReport.percentile(List.of(), 50)).isNull();
        assertThat(BenchReport.percentile(List.of(2.5), 95)).isEqualTo(2.5);
    }
}
