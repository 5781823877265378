package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The failover benchmark (not a test of the suite: only with {@code -Dfailover.bench=true}, see
 * hack/failover-bench.sh). Runs every scenario {@code failover.bench.runs} times (default 20) with the same code as
 * {@link FailoverScenariosIT}, one cluster per scenario (each run starts from the settled cluster the previous one
 * left), and writes target/failover-bench/results.json and report.md after every run. A run that fails its checks is
 * counted and reported, and the benchmark goes on; it fails at the end if any run did.
 */
@ExtendWith(HarnessResources.class)
@EnabledIfSystemProperty(named = "failover.bench", matches = "true")
class FailoverBenchIT {

    @Test
    void benchmark(ControlPlane controlPlane) throws Exception {
        Prerequisites.requireMembers(Harness.projectDir());
        int runs = Integer.getInteger("failover.bench.runs", 20);
        List<Scenario> scenarios = selected(System.getProperty("failover.bench.scenarios", ""));
        ClusterSpec.Timings timings = ClusterSpec.Timings.DEFAULTS;
        Path out = Harness.projectDir().resolve("target").resolve("failover-bench");
        Map<Scenario, List<BenchReport.Run>> results = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (Scenario s : scenarios) {
            // one cluster per scenario: every run ends with the cluster settled, so the next run starts from there;
            // a run that throws leaves the cluster in an unknown state, so the next one gets a fresh cluster
            Cluster cluster = null;
            for (int i = 1; i <= runs; i++) {
                BenchReport.Run run;
                try {
                    if (cluster == null) {
                        cluster = s.freshCluster(controlPlane, timings);
                    }
                    run = BenchReport.Run.of(s.runOn(cluster));
                } catch (Exception | AssertionError e) {
                    Harness.log("%s run %d failed: %s", s.slug, i, e);
                    run = BenchReport.Run.failed(e);
                    if (cluster != null) {
                        cluster.close();
                        cluster = null;
                    }
                }
                results.computeIfAbsent(s, k -> new ArrayList<>()).add(run);
                Harness.log("bench: %s run %d/%d: %s", s.slug, i, runs, run.describe());
                BenchReport.write(out, results, timings, Harness.seconds(System.nanoTime() - start));
            }
            if (cluster != null) {
                cluster.close();
            }
        }
        BenchReport report = BenchReport.write(out, results, timings, Harness.seconds(System.nanoTime() - start));
        Harness.log("bench: wrote %s and %s", out.resolve("results.json"), out.resolve("report.md"));
        assertThat(report.failedRuns()).as("runs that failed their checks (see report.md)").isEmpty();
    }

    private static List<Scenario> selected(String names) {
        if (names.isBlank()) {
            return List.of(Scenario.values());
        }
        return Arrays.stream(names.split(",")).map(String::strip).map(n -> Arrays.stream(Scenario.values())
                .filter(s -> s.slug.equals(n) || s.name().equalsIgnoreCase(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("failover.bench.scenarios: unknown scenario '" + n
                        + "'; known: " + Arrays.stream(Scenario.values()).map(s -> s.slug).toList())))
                .toList();
    }
}
