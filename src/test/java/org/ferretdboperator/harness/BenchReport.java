package org.ferretdboperator.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Aggregates benchmark runs per scenario and writes them as results.json (machine-readable) and report.md (the table
 * docs/benchmarks.md quotes). Percentiles are nearest-rank over the runs that produced the figure.
 */
final class BenchReport {

    /** One run: its outcome, or why it did not complete. */
    record Run(Outcome outcome, String error) {

        static Run of(Outcome o) {
            return new Run(o, null);
        }

        static Run failed(Throwable e) {
            String message = e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new Run(null, message.length() > 2000 ? message.substring(0, 2000) + "..." : message);
        }

        boolean passed() {
            return outcome != null && outcome.passed();
        }

        String describe() {
            return outcome == null ? "FAILED: " + error : outcome.summary();
        }
    }

    /** The figures of one scenario. */
    record Row(String scenario, String title, String mode, int runs, int passed, Double failoverP50, Double failoverP95,
            Double failoverMax, Double gapP50, Double gapMax, Double settleP50, Double settleMax, long acknowledgedWrites,
            long acknowledgedWritesLost, int splitBrainEvents, int dualPrimaryLabelsAfterSettle, List<String> failures) {
    }

    private final List<Row> rows;
    private final List<String> failedRuns;

    private BenchReport(List<Row> rows, List<String> failedRuns) {
        this.rows = rows;
        this.failedRuns = failedRuns;
    }

    List<String> failedRuns() {
        return failedRuns;
    }

    static BenchReport write(Path dir, Map<Scenario, List<Run>> results, ClusterSpec.Timings timings, double elapsedSeconds)
            throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        results.forEach((scenario, runs) -> {
            List<Outcome> done = runs.stream().map(Run::outcome).filter(Objects::nonNull).toList();
            List<Double> failover = done.stream().map(Outcome::failoverSeconds).filter(Objects::nonNull).sorted().toList();
            List<Double> gap = done.stream().map(Outcome::writeGapSeconds).sorted().toList();
            List<Double> settle = done.stream().map(Outcome::settleSeconds).sorted().toList();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                Run r = runs.get(i);
                if (!r.passed()) {
                    String why = r.outcome() == null ? r.error() : String.join("; ", r.outcome().violations());
                    failures.add("run " + (i + 1) + ": " + why);
                    failed.add(scenario.slug + " run " + (i + 1) + ": " + why);
                }
            }
            rows.add(new Row(scenario.slug, scenario.title, scenario.synchronous ? "Synchronous" : "Asynchronous", runs.size(),
                    (int) runs.stream().filter(Run::passed).count(), percentile(failover, 50), percentile(failover, 95),
                    percentile(failover, 100), percentile(gap, 50), percentile(gap, 100), percentile(settle, 50),
                    percentile(settle, 100), done.stream().mapToLong(Outcome::acknowledged).sum(),
                    done.stream().mapToLong(Outcome::lostAcknowledged).sum(),
                    done.stream().mapToInt(o -> o.splitBrain().size()).sum(),
                    done.stream().mapToInt(o -> o.dualPrimaryAfterSettle().size()).sum(), failures));
        });
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("generatedAt", Instant.now().toString());
        json.put("elapsedSeconds", elapsedSeconds);
        json.put("machine", machine());
        json.put("leaderElection", timings);
        json.put("targets", targets(rows));
        json.put("scenarios", rows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);
        Files.writeString(dir.resolve("report.md"), markdown(rows, timings, elapsedSeconds));
        return new BenchReport(rows, failed);
    }

    static Double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** The targets, judged on these figures. */
    static List<Map<String, Object>> targets(List<Row> rows) {
        List<Map<String, Object>> targets = new ArrayList<>();
        row(rows, Scenario.CASE1_DELETE_PRIMARY.slug).ifPresent(r ->
                targets.add(target("graceful delete p50 <= 1 s", r.failoverP50(), r.failoverP50() != null && r.failoverP50() <= 1.0)));
        row(rows, Scenario.CASE1_KILL_PRIMARY.slug).ifPresent(r -> {
            targets.add(target("crash (SIGKILL) p50 <= 3 s", r.failoverP50(), r.failoverP50() != null && r.failoverP50() <= 3.0));
            targets.add(target("crash (SIGKILL) max <= 6 s", r.failoverMax(), r.failoverMax() != null && r.failoverMax() <= 6.0));
        });
        long lost = rows.stream().filter(r -> r.mode().equals("Synchronous")).mapToLong(Row::acknowledgedWritesLost).sum();
        targets.add(target("0 acknowledged writes lost in Synchronous mode", lost, lost == 0));
        int splitBrain = rows.stream().mapToInt(Row::splitBrainEvents).sum();
        targets.add(target("0 split-brain events", splitBrain, splitBrain == 0));
        return targets;
    }

    private static Map<String, Object> target(String what, Object measured, boolean met) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("target", what);
        t.put("measured", measured);
        t.put("met", met);
        return t;
    }

    private static java.util.Optional<Row> row(List<Row> rows, String slug) {
        return rows.stream().filter(r -> r.scenario().equals(slug)).findFirst();
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("postgresBinDir", Prerequisites.PG_BIN.toString());
        return m;
    }

    static String markdown(List<Row> rows, ClusterSpec.Timings timings, double elapsedSeconds) {
        StringBuilder md = new StringBuilder();
        md.append("# Failover benchmark\n\n");
        md.append("Generated ").append(Instant.now()).append(" in ").append("%.0f".formatted(elapsedSeconds))
                .append(" s on ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs. Lease ")
                .append(timings.leaseDurationMillis()).append(" ms, renewDeadline ").append(timings.renewDeadlineMillis())
                .append(" ms, retryPeriod ").append(timings.retryPeriodMillis()).append(" ms (the CRD defaults).\n\n");
        md.append("failover = fault -> first acknowledged write on the primary the cluster settled on (client view, label-routed); "
                + "gap = longest stretch without any acknowledged write; settle = fault -> every member back in its role.\n\n");
        md.append("| scenario | mode | runs | passed | failover p50 s | p95 s | max s | gap p50 s | gap max s | settle p50 s "
                + "| acknowledged | lost | split brain | 2 primary labels after settle |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| ").append(r.scenario()).append(" | ").append(r.mode()).append(" | ").append(r.runs()).append(" | ")
                    .append(r.passed()).append(" | ").append(fmt(r.failoverP50())).append(" | ").append(fmt(r.failoverP95()))
                    .append(" | ").append(fmt(r.failoverMax())).append(" | ").append(fmt(r.gapP50())).append(" | ")
                    .append(fmt(r.gapMax())).append(" | ").append(fmt(r.settleP50())).append(" | ")
                    .append(r.acknowledgedWrites()).append(" | ").append(r.acknowledgedWritesLost()).append(" | ")
                    .append(r.splitBrainEvents()).append(" | ").append(r.dualPrimaryLabelsAfterSettle()).append(" |\n");
        }
        md.append("\n## Targets\n\n| target | measured | met |\n|---|---:|---|\n");
        for (Map<String, Object> t : targets(rows)) {
            Object v = t.get("measured");
            md.append("| ").append(t.get("target")).append(" | ").append(v instanceof Double d ? fmt(d) : String.valueOf(v))
                    .append(" | ").append(Boolean.TRUE.equals(t.get("met")) ? "yes" : "**no**").append(" |\n");
        }
        List<String> failures = rows.stream().flatMap(r -> r.failures().stream().map(f -> r.scenario() + " " + f)).toList();
        if (!failures.isEmpty()) {
            md.append("\n## Failed runs\n\n");
            failures.forEach(f -> md.append("- ").append(f.replace("\n", " ")).append('\n'));
        }
        return md.toString();
    }

    private static String fmt(Double d) {
        return d == null ? "-" : "%.2f".formatted(d);
    }
}
