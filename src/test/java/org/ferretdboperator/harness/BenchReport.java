package org.ferretdboperator.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.PostgresPrograms;

/**
 * Aggregates benchmark runs per system and scenario and writes them as results.json (machine-readable), report.md
 * (the tables docs/benchmarks.md quotes) and gaps.png (the distributions, see {@link GapPlot}). Percentiles are
 * nearest-rank over the runs that produced the figure.
 */
final class BenchReport {

    /** Our system's name in the report; the peers are named by their configuration (patroni-default, patroni-fast). */
    static final String OURS = "ours";
    static final String PATRONI_FAST = "patroni-fast";
    /** The target: our crash-failover p50 at least this many times shorter than Patroni at its fastest. */
    static final double RATIO_TARGET = 5.0;

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

    /** A system the benchmark ran: its name and what it is, for the report. */
    record SystemInfo(String name, String description, String client) {
    }

    /** The figures of one system on one scenario. */
    record Row(String system, String scenario, String title, String mode, int runs, int passed, Double failoverP50,
            Double failoverP95, Double failoverMax, Double gapP50, Double gapP95, Double gapMax, Double settleP50,
            Double settleMax, long acknowledgedWrites, long acknowledgedWritesLost, int splitBrainEvents,
            int dualPrimaryLabelsAfterSettle, int completed, int primaryMoved, List<Double> failoverSeconds, List<String> failures) {
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

    List<Row> rows() {
        return rows;
    }

    /** Our system alone (the report as it was before peers joined). */
    static BenchReport write(Path dir, Map<Scenario, List<Run>> results, ClusterSpec.Timings timings, double elapsedSeconds)
            throws IOException {
        return write(dir, List.of(ours(timings)), Map.of(OURS, results), timings, elapsedSeconds);
    }

    static SystemInfo ours(ClusterSpec.Timings timings) {
        return new SystemInfo(OURS, "ferretdb-operator's pg-coordinator (packaged binary, JVM) with a real kube-apiserver "
                + "and etcd; Lease %d ms, renewDeadline %d ms, retryPeriod %d ms (the CRD defaults); Synchronous mode"
                        .formatted(timings.leaseDurationMillis(), timings.renewDeadlineMillis(), timings.retryPeriodMillis()),
                "follows the kubedb.com/role=primary label (a watch, as the primary Service's endpoints do)");
    }

    /**
     * @param results system name -> scenario -> runs, in the order to report them
     */
    static BenchReport write(Path dir, List<SystemInfo> systems, Map<String, Map<Scenario, List<Run>>> results,
            ClusterSpec.Timings timings, double elapsedSeconds) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        results.forEach((system, byScenario) -> byScenario.forEach((scenario, runs) -> {
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
                    failed.add(system + " " + scenario.slug + " run " + (i + 1) + ": " + why);
                }
            }
            rows.add(new Row(system, scenario.slug, scenario.title, scenario.synchronous ? "Synchronous" : "Asynchronous",
                    runs.size(), (int) runs.stream().filter(Run::passed).count(), percentile(failover, 50),
                    percentile(failover, 95), percentile(failover, 100), percentile(gap, 50), percentile(gap, 95),
                    percentile(gap, 100), percentile(settle, 50), percentile(settle, 100),
                    done.stream().mapToLong(Outcome::acknowledged).sum(),
                    done.stream().mapToLong(Outcome::lostAcknowledged).sum(),
                    done.stream().mapToInt(o -> o.splitBrain().size()).sum(),
                    done.stream().mapToInt(o -> o.dualPrimariesAfterSettle().size()).sum(), done.size(),
                    (int) done.stream().filter(o -> !o.primaryAfter().equals(o.primaryBefore())).count(), failover, failures));
        }));
        Files.createDirectories(dir);
        Map<String, Object> machine = machine();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("generatedAt", Instant.now().toString());
        json.put("elapsedSeconds", elapsedSeconds);
        json.put("machine", machine);
        json.put("figures", "p50 = median of the runs; p95 and max over the same runs (nearest rank)");
        json.put("leaderElection", timings);
        json.put("systems", systems);
        json.put("targets", targets(rows));
        Map<String, Double> ratios = new java.util.LinkedHashMap<>();
        CRASHES.forEach(c -> ratio(rows, c).ifPresent(q -> ratios.put(c.slug, q)));
        json.put("crashFailoverRatio", ratios);
        json.put("scenarios", rows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);
        boolean plotted = GapPlot.write(dir.resolve("gaps.png"), rows);
        Files.writeString(dir.resolve("report.md"), markdown(rows, systems, machine, timings, elapsedSeconds, plotted));
        return new BenchReport(rows, failed);
    }

    static Double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /**
     * The crash scenarios the ratio is judged on: the killed pod back at once (a container crash the kubelet restarts),
     * and back only after a failover (a lost node).
     */
    static final List<Scenario> CRASHES = List.of(Scenario.CASE1_KILL_PRIMARY, Scenario.CASE1_NODE_LOST);

    /** Patroni-fast's crash-failover p50 divided by ours, when both ran the crash scenario. */
    static Optional<Double> ratio(List<Row> rows) {
        return ratio(rows, Scenario.CASE1_KILL_PRIMARY);
    }

    /** Patroni-fast's failover p50 divided by ours in {@code crash}, when both ran it. */
    static Optional<Double> ratio(List<Row> rows, Scenario crash) {
        Optional<Row> ours = row(rows, OURS, crash.slug);
        Optional<Row> peer = row(rows, PATRONI_FAST, crash.slug);
        if (ours.isEmpty() || peer.isEmpty() || ours.get().failoverP50() == null || peer.get().failoverP50() == null
                || ours.get().failoverP50() <= 0) {
            return Optional.empty();
        }
        return Optional.of(peer.get().failoverP50() / ours.get().failoverP50());
    }

    /** The targets, judged on these figures (ours, and the ratio to Patroni when it ran). */
    static List<Map<String, Object>> targets(List<Row> rows) {
        List<Map<String, Object>> targets = new ArrayList<>();
        row(rows, OURS, Scenario.CASE1_DELETE_PRIMARY.slug).ifPresent(r ->
                targets.add(target("graceful delete p50 <= 1 s", r.failoverP50(), r.failoverP50() != null && r.failoverP50() <= 1.0)));
        row(rows, OURS, Scenario.CASE1_KILL_PRIMARY.slug).ifPresent(r -> {
            targets.add(target("crash (SIGKILL) p50 <= 3 s", r.failoverP50(), r.failoverP50() != null && r.failoverP50() <= 3.0));
            targets.add(target("crash (SIGKILL) max <= 6 s", r.failoverMax(), r.failoverMax() != null && r.failoverMax() <= 6.0));
        });
        CRASHES.forEach(c -> ratio(rows, c).ifPresent(q -> targets.add(target(
                "%s failover p50: patroni-fast / ours >= %.0f".formatted(c.slug, RATIO_TARGET), q, q >= RATIO_TARGET))));
        rows.stream().map(Row::system).distinct().forEach(system -> {
            long lost = rows.stream().filter(r -> r.system().equals(system) && r.mode().equals("Synchronous"))
                    .mapToLong(Row::acknowledgedWritesLost).sum();
            targets.add(target("0 acknowledged writes lost in Synchronous mode (" + system + ")", lost, lost == 0));
            int splitBrain = rows.stream().filter(r -> r.system().equals(system)).mapToInt(Row::splitBrainEvents).sum();
            targets.add(target("0 split-brain events (" + system + ")", splitBrain, splitBrain == 0));
        });
        return targets;
    }

    private static Map<String, Object> target(String what, Object measured, boolean met) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("target", what);
        t.put("measured", measured);
        t.put("met", met);
        return t;
    }

    private static Optional<Row> row(List<Row> rows, String system, String slug) {
        return rows.stream().filter(r -> r.system().equals(system) && r.scenario().equals(slug)).findFirst();
    }

    /** The machine: cores as nproc counts them, the CPU model, Java, the OS and the PostgreSQL programs. */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", nproc());
        m.put("cpuModel", cpuModel());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("postgresBinDir", PostgresPrograms.BIN_DIR.toString());
        m.put("loadAverage", loadAverage());
        return m;
    }

    private static int nproc() {
        try {
            return Integer.parseInt(Command.run(Path.of("").toAbsolutePath(), Map.of(), Duration.ofSeconds(10),
                    List.of("nproc")).stdout().strip());
        } catch (UncheckedIOException | IllegalStateException | NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** /proc/loadavg's 1, 5 and 15 minute figures when the report was written: how busy the shared machine was. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String markdown(List<Row> rows, List<SystemInfo> systems, Map<String, Object> machine, ClusterSpec.Timings timings,
            double elapsedSeconds, boolean plotted) {
        StringBuilder md = new StringBuilder();
        md.append("# Failover benchmark\n\n");
        md.append("Generated ").append(Instant.now()).append(" in ").append("%.0f".formatted(elapsedSeconds)).append(" s on ")
                .append(machine.get("cpuModel")).append(", ").append(machine.get("cores"))
                .append(" cores (nproc), shared by every process of the run (load average 1/5/15 min when this report was "
                        + "written: ").append(machine.get("loadAverage")).append("); loopback only; PostgreSQL from ")
                .append(machine.get("postgresBinDir")).append(" for every system.\n\n");
        md.append("Figures are medians (p50) of repeated runs (the runs column says how many), with p95 and max over the same "
                + "runs (nearest rank). write gap = fault -> the first acknowledged write that ends the outage (client "
                + "view); outage = the longest stretch without any acknowledged write (from the last acknowledgement before the "
                + "fault); lost = acknowledged writes missing on the final primary; split brain = two members acknowledging "
                + "commits in overlapping windows (probes commit on every member directly).\n\n");
        md.append("## Systems\n\n| system | what runs | the writer's route to the primary |\n|---|---|---|\n");
        for (SystemInfo s : systems) {
            md.append("| ").append(s.name()).append(" | ").append(s.description()).append(" | ").append(s.client()).append(" |\n");
        }
        md.append("\n## Side by side\n\n");
        md.append("| system | scenario | mode | runs | passed | write gap p50 s | p95 s | max s | outage p50 s | outage max s "
                + "| acknowledged writes lost | split-brain events |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| ").append(r.system()).append(" | ").append(r.scenario()).append(" | ").append(r.mode()).append(" | ")
                    .append(r.runs()).append(" | ").append(r.passed()).append(" | ").append(fmt(r.failoverP50()))
                    .append(" | ").append(fmt(r.failoverP95())).append(" | ").append(fmt(r.failoverMax())).append(" | ")
                    .append(fmt(r.gapP50())).append(" | ").append(fmt(r.gapMax())).append(" | ")
                    .append(r.acknowledgedWritesLost()).append(" | ").append(r.splitBrainEvents()).append(" |\n");
        }
        for (Scenario crash : CRASHES) {
            Optional<Double> ratio = ratio(rows, crash);
            if (ratio.isPresent()) {
                md.append("\nCrash failover (").append(crash.slug).append("), p50 of patroni-fast / p50 of ours: **")
                        .append("%.1f".formatted(ratio.get())).append("×** (target ≥ ").append("%.0f".formatted(RATIO_TARGET))
                        .append("×: ").append(ratio.get() >= RATIO_TARGET ? "met" : "**not met**").append(").\n");
            }
        }
        if (plotted) {
            md.append("\n![write gaps per run](gaps.png)\n");
        }
        md.append("\n## In detail\n\n");
        md.append("Lease ").append(timings.leaseDurationMillis()).append(" ms, renewDeadline ").append(timings.renewDeadlineMillis())
                .append(" ms, retryPeriod ").append(timings.retryPeriodMillis()).append(" ms for ours. settle = fault -> every "
                        + "member back in its role; primary moved = runs that ended with another member as primary (of the runs that completed); two primaries after settle = two pods labelled primary (ours) or two "
                        + "members answering /primary (Patroni) past the settle point.\n\n");
        md.append("| system | scenario | mode | runs | passed | write gap p50 s | p95 s | max s | outage p50 s | outage max s "
                + "| settle p50 s | primary moved | acknowledged | lost | split brain | two primaries after settle |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| ").append(r.system()).append(" | ").append(r.scenario()).append(" | ").append(r.mode()).append(" | ")
                    .append(r.runs()).append(" | ").append(r.passed()).append(" | ").append(fmt(r.failoverP50()))
                    .append(" | ").append(fmt(r.failoverP95())).append(" | ").append(fmt(r.failoverMax())).append(" | ")
                    .append(fmt(r.gapP50())).append(" | ").append(fmt(r.gapMax())).append(" | ").append(fmt(r.settleP50()))
                    .append(" | ").append(r.primaryMoved()).append("/").append(r.completed())
                    .append(" | ").append(r.acknowledgedWrites()).append(" | ").append(r.acknowledgedWritesLost())
                    .append(" | ").append(r.splitBrainEvents()).append(" | ").append(r.dualPrimaryLabelsAfterSettle())
                    .append(" |\n");
        }
        md.append("\n## Targets\n\n| target | measured | met |\n|---|---:|---|\n");
        for (Map<String, Object> t : targets(rows)) {
            Object v = t.get("measured");
            md.append("| ").append(t.get("target")).append(" | ").append(v instanceof Double d ? fmt(d) : String.valueOf(v))
                    .append(" | ").append(Boolean.TRUE.equals(t.get("met")) ? "yes" : "**no**").append(" |\n");
        }
        List<String> failures = rows.stream()
                .flatMap(r -> r.failures().stream().map(f -> r.system() + " " + r.scenario() + " " + f)).toList();
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
