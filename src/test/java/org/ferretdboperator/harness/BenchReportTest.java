package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void reportsEverySystemSideBySideWithTheCrashRatioAndAPlot(@TempDir Path dir) throws Exception {
        Map<String, Map<Scenario, List<BenchReport.Run>>> results = new LinkedHashMap<>();
        results.put(BenchReport.OURS, Map.of(Scenario.CASE1_KILL_PRIMARY,
                List.of(run(1.0, 0), run(2.0, 0), run(1.5, 0))));
        results.put(BenchReport.PATRONI_FAST, Map.of(Scenario.CASE1_KILL_PRIMARY,
                List.of(run(7.0, 0), run(8.0, 0), run(6.0, 0))));
        BenchReport report = BenchReport.write(dir, List.of(BenchReport.ours(ClusterSpec.Timings.DEFAULTS),
                new BenchReport.SystemInfo(BenchReport.PATRONI_FAST, "Patroni", "GET /primary")), results,
                ClusterSpec.Timings.DEFAULTS, 1.0);

        assertThat(BenchReport.ratio(report.rows())).hasValue(7.0 / 1.5);
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("| ours | case1-kill-primary | Synchronous | 3 | 3 | 1.50 | 2.00 | 2.00 |")
                .contains("| patroni-fast | case1-kill-primary | Synchronous | 3 | 3 | 7.00 | 8.00 | 8.00 |")
                .contains("**4.7×** (target ≥ 5×: **not met**)").contains("cores (nproc)").contains("medians (p50) of repeated runs")
                .contains("![write gaps per run](gaps.png)");
        assertThat(Files.readString(dir.resolve("results.json"))).contains("\"crashFailoverRatio\"");
        byte[] png = Files.readAllBytes(dir.resolve("gaps.png"));
        assertThat(png).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }

    private static BenchReport.Run run(double failover, long lost) {
        return BenchReport.Run.of(new Outcome("case1-kill-primary", true, "pg-0", "pg-1", failover, failover - 0.1, failover + 5,
                100, lost, List.of(), 500, 0, List.of(), List.of(), List.of(), List.of(), List.of(), List.of()));
    }
}
