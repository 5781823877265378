package org.ferretdboperator.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The real-node benchmark's report (hack/failover-bench.sh --real-nodes): {@code results.json}, {@code report.md} and
 * {@code gaps.png} in the shape of the harness's {@link BenchReport}, from the runs of the guide's failure cases on real
 * pods (GuideFailuresOnRealNodesIT with {@code -Drealnodes.bench.runs=N}). Rewritten after every run.
 */
public final class RealNodeBenchReport {

    public static final String SYSTEM = "real-nodes";

    /**
     * One run of one case. Seconds are NaN when the run did not get as far as measuring them.
     *
     * @param writeOutageSeconds the client-seen write outage: fault to the first insert acknowledged through the
     *                           {@code ferret} Service after the longest stretch without one (that stretch overlapping
     *                           the time from the fault until every backend pod was back in its role)
     * @param gapSeconds         the length of that stretch (it may start before the fault)
     * @param restoredSeconds    fault to every backend pod Ready, one primary and two secondaries labelled
     * @param lost               acknowledged inserts missing when read back
     * @param phantoms           ids read back that nobody inserted
     * @param duplicates         documents counted beyond the distinct ids read back
     * @param dualPrimaries      moments with two pods labelled primary
     * @param load1              the 1-minute load average when the run started
     * @param readOutageSeconds  the same as writeOutageSeconds for reads by id (of inserts acknowledged before the
     *                           case) through the {@code ferret-secondary} Service: fault to the first successful read
     *                           after the longest stretch without one
     * @param steps              where the time went: step -> seconds after the fault, first occurrence, as observed
     *                           from the API (pods, Lease, role labels, the primary Service's endpoints, nodes) and in
     *                           the coordinators' logs; empty when not observed
     */
    public record Run(String scenario, int index, boolean passed, String failure, double writeOutageSeconds,
            double gapSeconds, double restoredSeconds, long acknowledged, long lost, long phantoms,
            long duplicates, int dualPrimaries, String primaryBefore, String primaryAfter, double load1,
            double readOutageSeconds, Map<String, Double> steps) {

        public Run {
            steps = steps == null ? Map.of() : Map.copyOf(steps);
        }
    }

    private RealNodeBenchReport() {
    }

    /** The 1-minute load average now (NaN when /proc/loadavg cannot be read). */
    public static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    public static void write(Path dir, List<Run> runs, Map<String, String> titles, double elapsedSeconds,
            String command) {
        write(dir, runs, titles, elapsedSeconds, command, null);
    }

    /** {@code foreign}: CPU used by processes outside the benchmark meanwhile, or null when not measured. */
    public static void write(Path dir, List<Run> runs, Map<String, String> titles, double elapsedSeconds,
            String command, ForeignCpu.Share foreign) {
        try {
            Files.createDirectories(dir);
            List<String> scenarios = runs.stream().map(Run::scenario).distinct().toList();
            List<BenchReport.Row> rows = new ArrayList<>();
            List<Map<String, Object>> summary = new ArrayList<>();
            Map<String, List<Double>> readOutages = new LinkedHashMap<>();
            Map<String, Map<String, Double>> stepMedians = new LinkedHashMap<>();
            for (String scenario : scenarios) {
                List<Run> of = runs.stream().filter(r -> r.scenario().equals(scenario)).toList();
                List<Double> outages = sorted(of, Run::writeOutageSeconds);
                List<Double> gaps = sorted(of, Run::gapSeconds);
                List<Double> restored = sorted(of, Run::restoredSeconds);
                int passed = (int) of.stream().filter(Run::passed).count();
                long acked = of.stream().mapToLong(Run::acknowledged).sum();
                long lost = of.stream().mapToLong(Run::lost).sum();
                int dual = of.stream().mapToInt(Run::dualPrimaries).sum();
                rows.add(new BenchReport.Row(SYSTEM, scenario, titles.getOrDefault(scenario, scenario), "Synchronous",
                        of.size(), passed, BenchReport.percentile(outages, 50), BenchReport.percentile(outages, 95),
                        max(outages), BenchReport.percentile(gaps, 50), BenchReport.percentile(gaps, 95), max(gaps), BenchReport.percentile(restored, 50), max(restored), acked, lost, 0, dual,
                        of.size(), (int) of.stream().filter(r -> r.primaryAfter() != null
                                && !Objects.equals(r.primaryBefore(), r.primaryAfter())).count(), outages,
                        of.stream().filter(r -> !r.passed()).map(r -> "run " + r.index() + ": " + r.failure()).toList()));
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("scenario", scenario);
                s.put("title", titles.getOrDefault(scenario, scenario));
                s.put("runs", of.size());
                s.put("passed", passed);
                s.put("writeOutageP50", BenchReport.percentile(outages, 50));
                s.put("writeOutageP95", BenchReport.percentile(outages, 95));
                s.put("writeOutageMax", max(outages));
                s.put("gapP50", BenchReport.percentile(gaps, 50));
                s.put("gapMax", max(gaps));
                s.put("rolesRestoredP50", BenchReport.percentile(restored, 50));
                s.put("rolesRestoredMax", max(restored));
                s.put("acknowledged", acked);
                s.put("lost", lost);
                s.put("phantoms", of.stream().mapToLong(Run::phantoms).sum());
                s.put("duplicates", of.stream().mapToLong(Run::duplicates).sum());
                s.put("twoPrimaryLabelMoments", dual);
                List<Double> reads = sorted(of, Run::readOutageSeconds);
                s.put("readOutageP50", BenchReport.percentile(reads, 50));
                s.put("readOutageMax", max(reads));
                s.put("stepsMedianSeconds", medianSteps(of));
                summary.add(s);
                readOutages.put(scenario, reads);
                stepMedians.put(scenario, medianSteps(of));
            }
            List<Double> loads = runs.stream().map(Run::load1).filter(d -> !d.isNaN()).sorted().toList();
            Map<String, Object> machine = BenchReport.machine();
            machine.remove("postgresBinDir");
            machine.put("loadAverage1mAtRunStart", Map.of("min", loads.isEmpty() ? "unknown" : loads.get(0),
                    "p50", loads.isEmpty() ? "unknown" : BenchReport.percentile(loads, 50),
                    "max", loads.isEmpty() ? "unknown" : loads.get(loads.size() - 1)));
            if (foreign != null) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("cpuSeconds", Math.round(foreign.foreignCpuSeconds() * 10) / 10.0);
                f.put("wallSeconds", Math.round(foreign.wallSeconds()));
                f.put("percentOfMachine", Math.round(foreign.percentOfMachine() * 100) / 100.0);
                f.put("busiestPeriodPercent", Math.round(foreign.busiestWindowPercent() * 10) / 10.0);
                f.put("topCommandsCpuSeconds", foreign.topForeign());
                f.put("quiet", foreign.quiet());
                machine.put("cpuOutsideTheBenchmark", f);
            }
            List<Map<String, Object>> targets = targets(rows);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("generated", Instant.now().toString());
            json.put("command", command);
            json.put("elapsedSeconds", Math.round(elapsedSeconds));
            json.put("machine", machine);
            json.put("scenarios", summary);
            json.put("targets", targets);
            json.put("runs", runs);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(),
                    json);
            boolean plotted = GapPlot.write(dir.resolve("gaps.png"), rows);
            Files.writeString(dir.resolve("report.md"), markdown(rows, targets, machine, loads, elapsedSeconds, command,
                    plotted, foreign) + readsAndSteps(readOutages, stepMedians, runs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per step, the median of its seconds after the fault over the runs that observed it, in order of that median. */
    static Map<String, Double> medianSteps(List<Run> runs) {
        Map<String, List<Double>> byStep = new LinkedHashMap<>();
        runs.forEach(r -> r.steps().forEach((step, t) -> byStep.computeIfAbsent(step, k -> new ArrayList<>()).add(t)));
        Map<String, Double> out = new LinkedHashMap<>();
        byStep.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), BenchReport.percentile(e.getValue().stream().sorted().toList(), 50)))
                .sorted(Map.Entry.comparingByValue()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The read outage per case and "where the time went": the median of each observed step per case. */
    static String readsAndSteps(Map<String, List<Double>> readOutages, Map<String, Map<String, Double>> stepMedians,
            List<Run> runs) {
        StringBuilder md = new StringBuilder("\n## Read outage through `ferret-secondary`\n\n"
                + "A reader finds documents by id (inserts acknowledged before the case) through the `ferret-secondary` "
                + "Service every 100 ms. read outage = fault -> first successful read after the longest stretch "
                + "without one. Measured, not asserted.\n\n| scenario | runs measured | read outage p50 s | max s |\n"
                + "|---|---:|---:|---:|\n");
        readOutages.forEach((scenario, reads) -> md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s |%n",
                scenario, reads.size(), fmt(BenchReport.percentile(reads, 50)), fmt(max(reads)))));
        md.append("\n## Where the time went\n\nPer case, the median over its runs of the moment (seconds after the "
                + "fault) each step was first seen: from the API server through watches (pods, the Lease, role labels, "
                + "the primary Service's EndpointSlices, nodes) and from the coordinators' own log lines (`kubectl logs "
                + "--timestamps`, same clock; those times are the container runtime's, when it read the line, and "
                + "may trail the API by a fraction of a second under load). n = runs in which the step was seen. "
                + "Kubelet logs are not read.\n");
        stepMedians.forEach((scenario, medians) -> {
            md.append("\n### ").append(scenario).append("\n\n| step | median s after the fault | n |\n|---|---:|---:|\n");
            medians.forEach((step, median) -> md.append(String.format(Locale.ROOT, "| %s | %s | %d |%n", step,
                    fmt(median), runs.stream().filter(r -> r.scenario().equals(scenario)
                            && r.steps().containsKey(step)).count())));
        });
        return md.toString();
    }

    private static List<Double> sorted(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().boxed().toList();
    }

    private static Double max(List<Double> sorted) {
        return sorted.isEmpty() ? null : sorted.get(sorted.size() - 1);
    }

    /** The targets, judged on the write outage as the client saw it. */
    static List<Map<String, Object>> targets(List<BenchReport.Row> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        target(out, rows, "case1-delete-primary", "case 1 graceful: write outage p50 <= 2 s", BenchReport.Row::failoverP50,
                2);
        target(out, rows, "case1-force-delete-primary", "case 1 forced: write outage p50 <= 4 s",
                BenchReport.Row::failoverP50, 4);
        target(out, rows, "node-lost", "lost node: write outage p50 <= 5 s", BenchReport.Row::failoverP50, 5);
        for (BenchReport.Row r : rows) {
            target(out, rows, r.scenario(), r.scenario() + ": write outage max <= 30 s", BenchReport.Row::failoverMax,
                    30);
        }
        long lost = rows.stream().mapToLong(BenchReport.Row::acknowledgedWritesLost).sum();
        out.add(Map.of("target", "0 acknowledged inserts lost (Synchronous)", "measured", lost, "met", lost == 0));
        int dual = rows.stream().mapToInt(BenchReport.Row::dualPrimaryLabelsAfterSettle).sum();
        out.add(Map.of("target", "0 moments with two primary labels", "measured", dual, "met", dual == 0));
        return out;
    }

    private static void target(List<Map<String, Object>> out, List<BenchReport.Row> rows, String scenario, String what,
            java.util.function.Function<BenchReport.Row, Double> f, double limit) {
        rows.stream().filter(r -> r.scenario().equals(scenario)).findFirst().ifPresent(r -> {
            Double v = f.apply(r);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("target", what);
            t.put("measured", v);
            t.put("met", v != null && v <= limit);
            out.add(t);
        });
    }

    static String markdown(List<BenchReport.Row> rows, List<Map<String, Object>> targets, Map<String, Object> machine,
            List<Double> loads, double elapsedSeconds, String command, boolean plotted, ForeignCpu.Share foreign) {
        StringBuilder md = new StringBuilder("# The guide's failure cases on real pods\n\n");
        md.append(String.format(Locale.ROOT, "Generated %s in %.0f s by `%s` on %s CPU(s) (%s), %s.%n%n", Instant.now(),
                elapsedSeconds, command, machine.get("cores"), machine.get("cpuModel"), machine.get("os")));
        md.append(String.format(Locale.ROOT, "1-minute load average at the start of the runs: min %s, median %s, max %s "
                + "(load average when the report was written: %s); most of it is the benchmark's own three-node "
                + "cluster. ", loads.isEmpty() ? "?" : fmt(loads.get(0)),
                loads.isEmpty() ? "?" : fmt(BenchReport.percentile(loads, 50)),
                loads.isEmpty() ? "?" : fmt(loads.get(loads.size() - 1)), machine.get("loadAverage")));
        if (foreign == null) {
            md.append("CPU used by other processes was not measured: whether the machine was quiet is unknown.\n\n");
        } else {
            md.append(String.format(Locale.ROOT, "CPU used by processes outside the benchmark (every process sampled "
                    + "every %d s; the benchmark is its build, its JVM, the cluster's nodes and containers): %.1f "
                    + "CPU-seconds in %.0f s, %.2f %% of the machine, at most %.1f %% in one period%s. %s%n%n",
                    ForeignCpu.PERIOD_MILLIS / 1000, foreign.foreignCpuSeconds(), foreign.wallSeconds(),
                    foreign.percentOfMachine(), foreign.busiestWindowPercent(),
                    foreign.topForeign().isEmpty() ? "" : " (most: " + foreign.topForeign() + ")",
                    foreign.quiet() ? "A quiet machine (under 5 % overall and 25 % in any period)."
                            : "Not a quiet machine (5 % overall or 25 % in a period exceeded)."));
        }
        md.append("Three real nodes (kubelet, containerd, kube-proxy), the operator installed by its Helm chart, the "
                + "guide's FerretDB object (FerretDB 1.24.2 on PostgreSQL 17, Synchronous mode, CRD-default Lease "
                + "timings). A MongoDB Java driver inserts unique ids through the `ferret` Service (2 writers, one "
                + "insert every 50 ms each); an id counts as acknowledged only when the insert returned success.\n\n"
                + "write outage = fault -> first insert acknowledged after the longest stretch without one (the stretch "
                + "that overlaps the time from the fault until the roles are restored); gap = the length of that "
                + "stretch (for a graceful delete it may start a little after the fault); "
                + "roles restored = fault -> every backend pod Ready with one primary and two secondaries labelled; for "
                + "node-lost, fault -> a new primary labelled and Ready while the node is still down (the failover; the "
                + "rejoin after the node returns is the step \"every member back in its role\" below).\n\n");
        md.append("| scenario | runs | passed | write outage p50 s | p95 s | max s | gap p50 s | roles restored "
                + "p50 s | max s | acknowledged | lost | two primary labels |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchReport.Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %d | %d | %d |%n",
                    r.scenario(), r.runs(), r.passed(), fmt(r.failoverP50()), fmt(r.failoverP95()),
                    fmt(r.failoverMax()), fmt(r.gapP50()), fmt(r.settleP50()), fmt(r.settleMax()), r.acknowledgedWrites(),
                    r.acknowledgedWritesLost(), r.dualPrimaryLabelsAfterSettle()));
        }
        md.append("\n## Targets\n\n| target | measured | met |\n|---|---:|---|\n");
        for (Map<String, Object> t : targets) {
            Object m = t.get("measured");
            md.append("| ").append(t.get("target")).append(" | ")
                    .append(m instanceof Double d ? fmt(d) : String.valueOf(m)).append(" | ")
                    .append(Boolean.TRUE.equals(t.get("met")) ? "yes" : "no").append(" |\n");
        }
        List<String> failures = rows.stream().flatMap(r -> r.failures().stream().map(f -> r.scenario() + " " + f))
                .collect(Collectors.toList());
        if (!failures.isEmpty()) {
            md.append("\n## Failed runs\n\n");
            failures.forEach(f -> md.append("- ").append(f.replace('\n', ' ')).append('\n'));
        }
        if (plotted) {
            md.append("\n![write outage per run](gaps.png)\n");
        }
        return md.toString();
    }

    private static String fmt(Double d) {
        return d == null || d.isNaN() ? "-" : String.format(Locale.ROOT, "%.2f", d);
    }
}
