package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real-node report's read outage and "where the time went" (median per step over the runs that saw it). */
class RealNodeBenchReportTest {

    private static RealNodeBenchReport.Run run(int index, double readOutage, Map<String, Double> steps) {
        return new RealNodeBenchReport.Run("node-lost", index, true, null, 4.0, 3.5, 12.0, 100, 0, 0, 0, 0, "pg-0",
                "pg-1", 1.0, readOutage, steps);
    }

    @Test
    void medianPerStepOverTheRunsThatSawItInOrderOfThatMedian() {
        Map<String, Double> medians = RealNodeBenchReport.medianSteps(List.of(
                run(1, 1, Map.of("Lease holder changed", 10.0, "primary label on the new primary", 11.0)),
                run(2, 1, Map.of("Lease holder changed", 12.0, "primary label on the new primary", 13.0,
                        "lost node NotReady in the API", 2.0)),
                run(3, 1, Map.of("Lease holder changed", 30.0, "primary label on the new primary", 31.0))));
        assertThat(medians).containsExactly(Map.entry("lost node NotReady in the API", 2.0),
                Map.entry("Lease holder changed", 12.0), Map.entry("primary label on the new primary", 13.0));
    }

    @Test
    void theReportHasTheReadOutageAndTheStepsPerCase(@TempDir Path dir) throws Exception {
        RealNodeBenchReport.write(dir, List.of(run(1, 6.5, Map.of("Lease holder changed", 10.0)),
                run(2, 7.5, Map.of("Lease holder changed", 12.0))), Map.of("node-lost", "a lost node"), 100,
                "hack/failover-bench.sh --real-nodes --runs 2");
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("| node-lost | 2 | 6.50 | 7.50 |").contains("### node-lost")
                .contains("| Lease holder changed | 10.00 | 2 |");
        String json = Files.readString(dir.resolve("results.json"));
        assertThat(json).contains("\"readOutageP50\" : 6.5").contains("\"stepsMedianSeconds\"");
    }

    @Test
    void theReportSaysWhetherTheMachineWasQuietFromWhatOtherProcessesUsed(@TempDir Path dir) throws Exception {
        List<RealNodeBenchReport.Run> runs = List.of(run(1, 6.5, Map.of()));
        RealNodeBenchReport.write(dir.resolve("quiet"), runs, Map.of(), 100, "bench",
                new ForeignCpu.Share(3.0, 600, 2, 4.0, Map.of("sshd", 3.0)));
        RealNodeBenchReport.write(dir.resolve("busy"), runs, Map.of(), 100, "bench",
                new ForeignCpu.Share(3.0, 600, 2, 40.0, Map.of("javac", 3.0)));
        RealNodeBenchReport.write(dir.resolve("unknown"), runs, Map.of(), 100, "bench", null);

        assertThat(Files.readString(dir.resolve("quiet/report.md"))).contains("0.25 % of the machine")
                .contains("A quiet machine");
        assertThat(Files.readString(dir.resolve("busy/report.md"))).contains("Not a quiet machine");
        assertThat(Files.readString(dir.resolve("unknown/report.md"))).contains("whether the machine was quiet is unknown");
        assertThat(Files.readString(dir.resolve("quiet/results.json"))).contains("\"percentOfMachine\" : 0.25");
    }
}
