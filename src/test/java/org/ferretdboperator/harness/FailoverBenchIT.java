package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.harness.patroni.PatroniCluster;
import org.ferretdboperator.harness.patroni.PatroniSettings;
import org.ferretdboperator.harness.patroni.PatroniTools;
import org.ferretdboperator.harness.patroni.PrimaryFollower;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The failover benchmark (not a test of the suite: only with {@code -Dfailover.bench=true}, see
 * hack/failover-bench.sh). For each system in {@code failover.bench.systems} ({@code ours}, {@code patroni-default},
 * {@code patroni-fast}; default {@code ours}) it runs each scenario in {@code failover.bench.scenarios} (default: all
 * of ours; Patroni runs those every system runs, see {@link PrimaryLoss}) {@code failover.bench.runs} times (default
 * 20; {@code failover.bench.peer.runs} for the Patroni systems, default the same), one cluster per system and scenario
 * (each run starts from the settled cluster the previous one left), and writes target/failover-bench/results.json,
 * report.md and gaps.png after every run. Ours runs with {@link FailoverScenariosIT}'s code on the local control plane,
 * which is stopped before any peer runs so it does not load the machine under them. A run that fails its checks is
 * counted and reported, and the benchmark goes on; it fails at the end if any run did.
 */
@EnabledIfSystemProperty(named = "failover.bench", matches = "true")
class FailoverBenchIT {

    static final List<String> SYSTEMS = List.of(BenchReport.OURS, PatroniSettings.DEFAULT.system, PatroniSettings.FAST.system);

    private final Map<String, Map<Scenario, List<BenchReport.Run>>> results = new LinkedHashMap<>();
    private final List<BenchReport.SystemInfo> systems = new ArrayList<>();
    private final Path out = Harness.projectDir().resolve("target").resolve("failover-bench");
    private final ClusterSpec.Timings timings = ClusterSpec.Timings.DEFAULTS;
    private final long start = System.nanoTime();

    @Test
    void benchmark() throws Exception {
        Path project = Harness.projectDir();
        int runs = Integer.getInteger("failover.bench.runs", 20);
        int peerRuns = Integer.getInteger("failover.bench.peer.runs", runs);
        List<String> selectedSystems = systems(System.getProperty("failover.bench.systems", BenchReport.OURS));
        List<Scenario> scenarios = selected(System.getProperty("failover.bench.scenarios", ""));
        Harness.log("bench: systems %s, scenarios %s, %d runs each (peers %d)", selectedSystems,
                scenarios.stream().map(s -> s.slug).toList(), runs, peerRuns);
        for (String system : selectedSystems) {
            if (system.equals(BenchReport.OURS)) {
                runOurs(project, scenarios, runs);
            } else {
                runPatroni(project, PatroniSettings.bySystem(system), scenarios, peerRuns);
            }
        }
        BenchReport report = write();
        Harness.log("bench: wrote %s, %s and %s", out.resolve("results.json"), out.resolve("report.md"), out.resolve("gaps.png"));
        assertThat(report.failedRuns()).as("runs that failed their checks (see report.md)").isEmpty();
    }

    private void runOurs(Path project, List<Scenario> scenarios, int runs) throws Exception {
        Member.requirePrerequisites(project);
        systems.add(BenchReport.ours(timings));
        Map<Scenario, List<BenchReport.Run>> byScenario = results.computeIfAbsent(BenchReport.OURS, k -> new LinkedHashMap<>());
        LocalControlPlane controlPlane = HarnessResources.startShared();
        try {
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
                        Harness.log("ours %s run %d failed: %s", s.slug, i, e);
                        run = BenchReport.Run.failed(e);
                        if (cluster != null) {
                            cluster.close();
                            cluster = null;
                        }
                    }
                    byScenario.computeIfAbsent(s, k -> new ArrayList<>()).add(run);
                    Harness.log("bench: ours %s run %d/%d: %s", s.slug, i, runs, run.describe());
                    write();
                }
                if (cluster != null) {
                    cluster.close();
                }
            }
        } finally {
            HarnessResources.stopShared(); // the peers must not share the cores with an idle API server
        }
    }

    private void runPatroni(Path project, PatroniSettings settings, List<Scenario> scenarios, int runs) throws Exception {
        PatroniTools tools = PatroniTools.require(project);
        systems.add(new BenchReport.SystemInfo(settings.system, tools.version() + " with one etcd (v3 API, "
                + "hack/tools.sh), three members; " + settings.describe() + "; PostgreSQL with our coordinator's "
                + "failover-relevant settings (wal_retrieve_retry_interval 200 ms, WAL sender/receiver timeouts 10 s)",
                "polls GET /primary on every member every %d ms (a load balancer's health check; HAProxy in Patroni's "
                        .formatted(PrimaryFollower.POLL.toMillis()) + "example checks every 3 s)"));
        Map<Scenario, List<BenchReport.Run>> byScenario = results.computeIfAbsent(settings.system, k -> new LinkedHashMap<>());
        for (Scenario s : scenarios) {
            Optional<PrimaryLoss> peer = PrimaryLoss.bySlug(s.slug);
            if (peer.isEmpty()) {
                Harness.log("bench: %s does not run %s (only %s apply to it)", settings.system, s.slug,
                        Arrays.stream(PrimaryLoss.values()).map(p -> p.slug).toList());
                continue;
            }
            PatroniCluster cluster = null;
            for (int i = 1; i <= runs; i++) {
                BenchReport.Run run;
                try {
                    if (cluster == null) {
                        cluster = PatroniCluster.start(tools, settings, project);
                    }
                    run = BenchReport.Run.of(peer.get().runOn(cluster));
                } catch (Exception | AssertionError e) {
                    Harness.log("%s %s run %d failed: %s", settings.system, s.slug, i, e);
                    run = BenchReport.Run.failed(e);
                    if (cluster != null) {
                        cluster.close();
                        cluster = null;
                    }
                }
                byScenario.computeIfAbsent(s, k -> new ArrayList<>()).add(run);
                Harness.log("bench: %s %s run %d/%d: %s", settings.system, s.slug, i, runs, run.describe());
                write();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private BenchReport write() throws java.io.IOException {
        return BenchReport.write(out, systems, results, timings, Harness.seconds(System.nanoTime() - start));
    }

    private static List<String> systems(String names) {
        List<String> out = Arrays.stream(names.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
        for (String n : out) {
            if (!SYSTEMS.contains(n)) {
                throw new IllegalArgumentException("failover.bench.systems: unknown system '" + n + "'; known: " + SYSTEMS);
            }
        }
        return out.isEmpty() ? List.of(BenchReport.OURS) : out;
    }

    private static List<Scenario> selected(String names) {
        if (names.isBlank() || names.strip().equals("all")) {
            return List.of(Scenario.values());
        }
        return Arrays.stream(names.split(",")).map(String::strip).map(n -> Arrays.stream(Scenario.values())
                .filter(s -> s.slug.equals(n) || s.name().equalsIgnoreCase(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("failover.bench.scenarios: unknown scenario '" + n
                        + "'; known: " + Arrays.stream(Scenario.values()).map(s -> s.slug).toList())))
                .toList();
    }
}
