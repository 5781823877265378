package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.ferretdboperator.metrics.DashboardQueries;
import org.ferretdboperator.metrics.MetricCatalog;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.PackagedOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's Prometheus endpoint through a real failover: the shipped operator (its own RBAC, a local process of
 * the packaged jar) watches a harness cluster of real PostgreSQL servers and coordinators while its primary is killed.
 * Its leader-changes counter must rise by exactly one for that backend, its failover histogram gain exactly one
 * observation, and that observation agree within 1 s with the failover the harness's writer measured. Every metric
 * the shipped dashboard queries must exist in what the operator and the coordinators publish.
 */
@ExtendWith(HarnessResources.class)
class OperatorMetricsIT {

    static final String CHANGES = "ferretdb_operator_leader_changes_total";
    static final String DURATION_COUNT = "ferretdb_operator_failover_duration_seconds_count";
    static final String DURATION_SUM = "ferretdb_operator_failover_duration_seconds_sum";
    static final String PRIMARY = "ferretdb_operator_postgres_primary_info";
    static final String PHASE = "ferretdb_operator_phase";

    @Test
    void aFailoverIsCountedAndTimedOnTheOperatorsEndpoint(LocalControlPlane controlPlane) throws Exception {
        Member.requirePrerequisites(Harness.projectDir());
        Path work = Harness.projectDir().resolve("target").resolve("harness").resolve("operator-metrics");
        try (PackagedOperator operator = PackagedOperator.startShipped(controlPlane, "ferretdb-operator-harness-0", work)) {
            Awaitility.await("the operator ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        if (!operator.alive()) {
                            throw new AssertionError("the operator exited:\n" + operator.logTail());
                        }
                        return operator.ready();
                    });
            URI endpoint = operator.metrics();
            // a FerretDB object, so the phase series exist (its pods never run: the harness has no kubelet)
            createSeed(controlPlane);

            // The crash whose member comes back only after a failover: after a plain kill, a member restarted before its
            // Lease expired takes its own Lease back (no leader change, nothing for the operator to count), which
            // happens on a quiet machine where the coordinator's JVM starts within the Lease duration.
            Scenario scenario = Scenario.CASE1_NODE_LOST;
            try (Cluster cluster = scenario.freshCluster(controlPlane, ClusterSpec.Timings.TESTS)) {
                Map<String, String> backend = Map.of("namespace", cluster.spec().namespace(), "postgres", cluster.spec().postgres());
                Map<String, String> failover = with(backend, "reason", "failover");
                String primary = Settling.await(cluster, Experiment.SETTLE_TIMEOUT).primary();
                PrometheusScrape before = Awaitility.await("the operator publishes " + primary + " as the primary")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> PrometheusScrape.of(endpoint), s -> s.value(PRIMARY, with(backend, "pod", primary)) == 1);

                Outcome outcome = scenario.runOn(cluster);
                assertThat(outcome.violations()).as(outcome.summary()).isEmpty();
                assertThat(outcome.failoverSeconds()).isNotNull();

                PrometheusScrape after = Awaitility.await("the operator records the failover")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> PrometheusScrape.of(endpoint),
                                s -> s.value(DURATION_COUNT, failover) > before.value(DURATION_COUNT, failover)
                                        && s.value(PRIMARY, with(backend, "pod", outcome.primaryAfter())) == 1);
                double observed = after.value(DURATION_SUM, failover) - before.value(DURATION_SUM, failover);
                Harness.log("operator metrics: %s -> %s, harness-measured failover %.3f s, operator-measured %.3f s",
                        outcome.primaryBefore(), outcome.primaryAfter(), outcome.failoverSeconds(), observed);
                assertThat(after.value(CHANGES, backend) - before.value(CHANGES, backend))
                        .as("leader changes of %s, all reasons", backend).isEqualTo(1.0);
                assertThat(after.value(CHANGES, failover) - before.value(CHANGES, failover))
                        .as("leader changes of %s by failover", backend).isEqualTo(1.0);
                assertThat(after.value(DURATION_COUNT, backend) - before.value(DURATION_COUNT, backend))
                        .as("failover-duration observations of %s", backend).isEqualTo(1.0);
                assertThat(observed).as("the operator's failover duration against the harness's (%s)", outcome.summary())
                        .isCloseTo(outcome.failoverSeconds(), within(1.0));
                assertThat(after.value(PRIMARY, with(backend, "pod", outcome.primaryBefore())))
                        .as("the old primary is no longer published").isZero();

                assertBoundedLabels(after);
                assertDashboardMetricsPublished(endpoint, cluster);
            }
        }
    }

    /**
     * Every metric the dashboard queries exists in the operator's or a coordinator's scrape, except FerretDB's own
     * (FerretDbFailoverIT checks those on FerretDB's own endpoint) and the SDK's failure counters (they appear only after a
     * reconciliation failed).
     */
    private static void assertDashboardMetricsPublished(URI operator, Cluster cluster)
            throws Exception {
        MetricCatalog catalog = MetricCatalog.load();
        Awaitility.await("the FerretDB object's phase published").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> PrometheusScrape.of(operator), s -> !s.matching(PHASE, Map.of("kind", "FerretDB")).isEmpty());
        Set<String> published = new LinkedHashSet<>(PrometheusScrape.of(operator).names());
        for (Member m : cluster.members()) {
            published.addAll(PrometheusScrape.of(URI.create("http://127.0.0.1:" + m.spec().httpPort() + "/q/metrics")).names());
        }
        Set<String> missing = new TreeSet<>();
        for (String name : DashboardQueries.metricNames()) {
            String base = name.replaceFirst("_(bucket|count|sum|max)$", "");
            boolean skipped = catalog.ferretdb().contains(base) || catalog.sdkFailures().contains(name)
                    || catalog.sdkFailures().contains(base);
            if (!skipped && !published.contains(name)) {
                missing.add(name);
            }
        }
        assertThat(missing).as("dashboard metrics absent from the operator's and the coordinators' scrapes").isEmpty();
    }

    /**
     * No label of the operator's own series carries an unbounded value: no UID, no LSN, no timestamp; pods and members
     * are StatefulSet ordinals, bounded by the replicas.
     */
    private static void assertBoundedLabels(PrometheusScrape scrape) {
        java.util.regex.Pattern unbounded = java.util.regex.Pattern.compile(
                "(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]+/[0-9a-f]+|\\d{10,}");
        var offending = scrape.samples().stream().filter(s -> s.name().startsWith("ferretdb_operator_"))
                .filter(s -> s.labels().values().stream().anyMatch(v -> unbounded.matcher(v).matches()))
                .map(PrometheusScrape.Sample::toString).toList();
        assertThat(scrape.samples()).as("the operator's own series").anyMatch(s -> s.name().startsWith("ferretdb_operator_"));
        assertThat(offending).as("operator series with a UID, LSN or timestamp as a label value").isEmpty();
    }

    private static void createSeed(LocalControlPlane controlPlane) throws Exception {
        Path seed = Path.of(System.getProperty("ferretdb.seed", "../shared/seed/ferretdb.yaml"));
        try (var in = Files.newInputStream(Harness.projectDir().resolve(seed).normalize())) {
            var item = controlPlane.admin().load(in).items().get(0);
            controlPlane.admin().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                    .withNewMetadata().withName(item.getMetadata().getNamespace()).endMetadata().build()).serverSideApply();
            controlPlane.admin().resource(item).forceConflicts().serverSideApply();
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> out = new HashMap<>(labels);
        out.put(name, value);
        return out;
    }
}
