package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.bson.Document;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Prometheus scraping the operator as the chart installs it on three real nodes: the operator's Service (the
 * chart's ServiceMonitor), the pg-coordinator sidecars and the FerretDB servers (its PodMonitors), on their pod IPs
 * through the nodes' network, with the chart's PrometheusRule loaded. Prometheus's configuration is derived from the
 * rendered monitoring objects by {@link ChartScrapeConfig} (the Prometheus Operator is not run; see docs/metrics.md);
 * its Kubernetes discovery is done by {@link KubernetesTargetFiles} (Debian's Prometheus is built without it).
 * On the guide's FerretDB: every panel of the shipped dashboard answers with the database's namespace and pods (the
 * current primary in "Current primary"), FerretDBPostgresFailover fires after the primary pod is deleted,
 * FerretDBPostgresNoPrimary after every member is stopped (spec.halted), and the panels over the run are drawn into
 * dashboard-panels.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusOnRealNodesIT {

    static final String NAMESPACE = "demo";
    static final String FERRETDB = "ferret";
    static final String BACKEND = FERRETDB + "-pg-backend";
    /** The monitors' interval, set through the chart's values (defaults 15s/30s) to keep the test short. */
    static final String SCRAPE_INTERVAL = "5s";
    static final String RATE_INTERVAL = "1m";
    static final Duration ALERT_DEADLINE = Duration.ofMinutes(3);
    static final Path OUT = LocalControlPlane.locateProjectDir().resolve("target").resolve("prometheus-on-real-nodes");

    static RealNodeCluster cluster;
    static PrometheusServer prometheus;
    static KubernetesClient discoveryClient;
    static KubernetesTargetFiles targetFiles;
    static Instant applied;
    static Instant deletedPrimary;
    static Instant failedOver;
    static Instant halted;

    @BeforeAll
    static void start() throws Exception {
        PrometheusServer.binary();
        cluster = RealNodeCluster.start("real-nodes-prometheus");
        List<JsonNode> monitoring = ChartScrapeConfig.render(RealNodeCluster.RELEASE, RealNodeCluster.OPERATOR_NAMESPACE,
                SCRAPE_INTERVAL);
        Path kubeconfig = prometheusServiceAccount();
        Files.createDirectories(OUT);
        Path rules = OUT.resolve("rules.yaml");
        // Debian's Prometheus has no Kubernetes discovery: the same jobs read target files that KubernetesTargetFiles
        // writes from what the API server shows Prometheus's ServiceAccount.
        ChartScrapeConfig.FileDiscovery config = ChartScrapeConfig.withFileDiscovery(
                ChartScrapeConfig.prometheusYaml(monitoring, kubeconfig, rules, SCRAPE_INTERVAL), OUT.resolve("targets"));
        discoveryClient = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        targetFiles = KubernetesTargetFiles.start(discoveryClient, config.discoveries(), Duration.ofSeconds(2));
        deleteRecursively(OUT.resolve("data"));
        prometheus = PrometheusServer.start(OUT, config.config(), ChartScrapeConfig.rulesYaml(monitoring));

        LocalControlPlane cp = cluster.controlPlane();
        cp.kubectl("create", "namespace", NAMESPACE).requireSuccess();
        cp.kubectl("label", "namespace", NAMESPACE, "pod-security.kubernetes.io/enforce=restricted").requireSuccess();
        // FerretDB 1.24.2 as in GuideOnRealNodesIT: the seed's 2.0.0 needs PostgreSQL with DocumentDB.
        String seed = Files.readString(RealNodeCluster.seedManifest()).replace("version: \"2.0.0\"", "version: \"1.24.2\"");
        assertThat(seed).contains("namespace: " + NAMESPACE).contains("name: " + FERRETDB).contains("1.24.2");
        applied = Instant.now();
        cluster.apply(seed);
        awaitAllReady();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            System.out.println("[prometheus] " + OUT + "/prometheus.log, last lines:\n" + prometheus.logTail());
            prometheus.close();
        }
        if (targetFiles != null) {
            targetFiles.close();
        }
        if (discoveryClient != null) {
            discoveryClient.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A ServiceAccount with the read access a Prometheus's service discovery needs, and a kubeconfig of its token. */
    static Path prometheusServiceAccount() {
        cluster.apply("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: monitoring
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: prometheus
                  namespace: monitoring
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: prometheus-discovery
                rules:
                  - apiGroups: [""]
                    resources: [services, endpoints, pods]
                    verbs: [get, list, watch]
                  - apiGroups: [discovery.k8s.io]
                    resources: [endpointslices]
                    verbs: [get, list, watch]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata:
                  name: prometheus-discovery
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: ClusterRole
                  name: prometheus-discovery
                subjects:
                  - kind: ServiceAccount
                    name: prometheus
                    namespace: monitoring
                """);
        return cluster.controlPlane().serviceAccountKubeconfig("monitoring", "prometheus", Duration.ofHours(2));
    }

    @Test
    @Order(1)
    void theChartsTargetsAreScrapedOnTheirPodsAndItsRulesLoaded() {
        List<String> operatorPods = podNames(RealNodeCluster.OPERATOR_NAMESPACE, Map.of());
        List<String> backendPods = podNames(NAMESPACE, Labels.postgresSelector(BACKEND));
        List<String> ferretdbPods = podNames(NAMESPACE, Map.of(Labels.NAME, Labels.FERRETDB_KIND_NAME));
        await("every target of the chart's monitors up").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    assertThat(upPods("serviceMonitor/" + RealNodeCluster.OPERATOR_NAMESPACE + "/" + RealNodeCluster.RELEASE + "/0"))
                            .as(PrometheusOnRealNodesIT::targetsNow).containsExactlyInAnyOrderElementsOf(operatorPods);
                    assertThat(upPods("podMonitor/" + RealNodeCluster.OPERATOR_NAMESPACE + "/" + RealNodeCluster.RELEASE
                            + "-pg-coordinator/0")).as(PrometheusOnRealNodesIT::targetsNow).containsExactlyInAnyOrderElementsOf(backendPods);
                    assertThat(upPods("podMonitor/" + RealNodeCluster.OPERATOR_NAMESPACE + "/" + RealNodeCluster.RELEASE
                            + "-ferretdb/0")).as(PrometheusOnRealNodesIT::targetsNow).containsExactlyInAnyOrderElementsOf(ferretdbPods);
                });
        assertThat(prometheus.loadedAlertNames()).contains("FerretDBOperatorDown", "FerretDBPostgresNoPrimary",
                "FerretDBPostgresFailover");
        // the operator's own target matches the rule's selector: FerretDBOperatorDown's absent(up{...} == 1) is empty
        assertThat(prometheus.query(prometheus.alertExpression("FerretDBOperatorDown")))
                .as("FerretDBOperatorDown's expression while the operator is up").isEmpty();
        // honorLabels: no series of ours had its namespace or pod moved aside by the target's
        assertThat(prometheus.query("{exported_namespace!=\"\"} or {exported_pod!=\"\"}"))
                .as("series with exported_namespace or exported_pod").isEmpty();
    }

    @Test
    @Order(2)
    void everyDashboardPanelAnswersWithTheDatabasesNamespaceAndPods() throws Exception {
        assertPanelsAnswer(soleprimary());
    }

    /**
     * The guide's case 1, {@code kubectl delete pod} of the primary: its coordinator hands the Lease over on SIGTERM,
     * which the operator counts as a switchover (FerretDBPostgresFailover is about a Lease that lapsed, see the next
     * test). The change is counted, and "Current primary" follows it.
     */
    @Test
    @Order(3)
    void deletingThePrimaryPodIsCountedAndCurrentPrimaryFollows() throws Exception {
        String deleted = soleprimary();
        deletedPrimary = Instant.now();
        deletePrimaryGracefully();
        String changes = "max by (reason) (increase(ferretdb_operator_leader_changes_total{namespace=\"" + NAMESPACE
                + "\", postgres=\"" + BACKEND + "\"}[15m]))";
        await("the change of primary counted as a switchover").atMost(ALERT_DEADLINE).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(reasons(prometheus.query(changes + " > 0.5"))).containsExactly("switchover"));
        assertThat(prometheus.firing("FerretDBPostgresFailover")).as("a handover is not a failover").isEmpty();
        awaitAllReady();
        String newPrimary = soleprimary();
        assertThat(newPrimary).isNotEqualTo(deleted);
        assertPanelsAnswer(newPrimary);
    }

    private static String targetsNow() {
        return prometheus.targets() + "target files: " + (targetFiles.lastError() == null ? "up to date" : targetFiles.lastError());
    }

    private static List<String> reasons(List<JsonNode> series) {
        return series.stream().map(s -> s.at("/metric/reason").asText()).toList();
    }

    /**
     * A failover proper: the primary's node lost at once ({@code hack/local-cluster.sh node-stop}), so its coordinator
     * cannot hand over and its Lease lapses; FerretDBPostgresFailover must fire for this backend. The node returns
     * afterwards and every panel answers again with the new primary.
     */
    @Test
    @Order(4)
    void losingThePrimarysNodeFiresFerretDBPostgresFailover() throws Exception {
        String primary = soleprimary();
        // An operator replica on another node publishes the series meanwhile (every replica does): move the primary
        // when every replica shares its node.
        for (int i = 0; i < 3 && operatorNodes().equals(Set.of(nodeOf(primary))); i++) {
            primary = deletePrimaryGracefully();
            awaitAllReady();
        }
        assertThat(operatorNodes()).as("an operator replica away from the primary's node").isNotEqualTo(Set.of(nodeOf(primary)));
        assertThat(prometheus.firing("FerretDBPostgresFailover")).as("no failover alert before the failover").isEmpty();
        String lost = primary;
        int node = RealNodeCluster.nodeNumber(cluster.admin().pods().inNamespace(NAMESPACE).withName(lost).get());
        failedOver = Instant.now();
        cluster.nodeStop(node);
        try {
            await("a new primary other than " + lost).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> primaries().stream().anyMatch(p -> !p.equals(lost)));
            await("FerretDBPostgresFailover firing for " + NAMESPACE + "/" + BACKEND).atMost(ALERT_DEADLINE)
                    .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(prometheus.firing("FerretDBPostgresFailover"))
                            .anySatisfy(a -> assertBackendAlert(a, "FerretDBPostgresFailover")));
            System.out.printf("[prometheus] FerretDBPostgresFailover firing %.1f s after node-%d (primary %s) stopped%n",
                    Duration.between(failedOver, Instant.now()).toMillis() / 1000.0, node, lost);
        } finally {
            cluster.nodeStart(node);
        }
        awaitAllReady();
        String newPrimary = soleprimary();
        assertThat(newPrimary).isNotEqualTo(lost);
        assertPanelsAnswer(newPrimary);
    }

    /** Deletes the primary pod as the guide does and waits for another member labelled primary; returns it. */
    private static String deletePrimaryGracefully() {
        String primary = soleprimary();
        cluster.controlPlane().kubectl("delete", "pod", "-n", NAMESPACE, primary, "--wait=false").requireSuccess();
        await("a new primary other than " + primary).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> primaries().stream().anyMatch(p -> !p.equals(primary)));
        return primaries().stream().filter(p -> !p.equals(primary)).findFirst().orElseThrow();
    }

    private static String nodeOf(String pod) {
        return cluster.admin().pods().inNamespace(NAMESPACE).withName(pod).get().getSpec().getNodeName();
    }

    private static Set<String> operatorNodes() {
        return cluster.admin().pods().inNamespace(RealNodeCluster.OPERATOR_NAMESPACE).list().getItems().stream()
                .filter(RealNodeCluster::ready).map(p -> p.getSpec().getNodeName()).collect(Collectors.toSet());
    }

    @Test
    @Order(5)
    void stoppingEveryMemberFiresFerretDBPostgresNoPrimary() {
        assertThat(prometheus.firing("FerretDBPostgresNoPrimary")).as("no NoPrimary alert while a primary serves").isEmpty();
        halted = Instant.now();
        cluster.controlPlane().kubectl("patch", "ferretdbs.kubedb.com", FERRETDB, "-n", NAMESPACE, "--type=merge",
                "-p", "{\"spec\":{\"halted\":true}}").requireSuccess();
        await("every backend member stopped").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(podNames(NAMESPACE, Labels.postgresSelector(BACKEND))).isEmpty());
        Instant stopped = Instant.now();
        await("FerretDBPostgresNoPrimary firing for " + NAMESPACE + "/" + BACKEND).atMost(ALERT_DEADLINE)
                .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(prometheus.firing("FerretDBPostgresNoPrimary"))
                        .anySatisfy(a -> assertBackendAlert(a, "FerretDBPostgresNoPrimary")));
        System.out.printf("[prometheus] FerretDBPostgresNoPrimary firing %.1f s after the last member stopped%n",
                Duration.between(stopped, Instant.now()).toMillis() / 1000.0);
    }

    /** The panels over the whole run, from Prometheus's range API, into dashboard-panels.png. */
    @Test
    @Order(6)
    void thePanelsOverTheRunAreDrawn() throws Exception {
        assertThat(deletedPrimary).as("the delete test ran").isNotNull();
        assertThat(failedOver).as("the failover test ran").isNotNull();
        assertThat(halted).as("the halt test ran").isNotNull();
        Instant end = Instant.now();
        Instant start = applied;
        double seconds = Duration.between(start, end).toSeconds();
        String range = (long) seconds + "s";
        List<DashboardPlot.PanelData> plotted = new ArrayList<>();
        for (DashboardPanels.Panel panel : DashboardPanels.load(dashboard()).panels()) {
            List<DashboardPlot.Series> series = new ArrayList<>();
            for (DashboardPanels.Target target : panel.targets()) {
                String q = DashboardPanels.resolve(target.expr(), NAMESPACE, BACKEND, RATE_INTERVAL, range);
                for (JsonNode s : prometheus.queryRange(q, start, end, Duration.ofSeconds(5))) {
                    Map<String, String> labels = labels(s.path("metric"));
                    double[] t = new double[s.path("values").size()];
                    double[] v = new double[t.length];
                    for (int i = 0; i < t.length; i++) {
                        JsonNode point = s.path("values").get(i);
                        t[i] = point.get(0).asDouble() - start.getEpochSecond();
                        v[i] = Double.parseDouble(point.get(1).asText().replace("Inf", "Infinity"));
                    }
                    series.add(new DashboardPlot.Series(DashboardPanels.legend(target.legendFormat(), labels), t, v));
                }
            }
            plotted.add(new DashboardPlot.PanelData(panel.title(), panel.type(), series));
        }
        String title = "ferretdb-operator dashboard queries on a real Prometheus (real-node cluster, %s): FerretDB %s/%s; "
                .formatted(Instant.now().toString().substring(0, 10), NAMESPACE, FERRETDB)
                + "primary pod deleted at %s, primary's node stopped at %s, halted at %s".formatted(
                        sinceStart(start, deletedPrimary), sinceStart(start, failedOver), sinceStart(start, halted));
        Path png = OUT.resolve("dashboard-panels.png");
        DashboardPlot.write(png, title, seconds, plotted);
        System.out.println("[prometheus] wrote " + png);
        assertThat(png).isNotEmptyFile();
        assertThat(plotted).as("panels with a series over the run").filteredOn(p -> !p.series().isEmpty())
                .hasSizeGreaterThanOrEqualTo(plotted.size() - 1);
    }

    private static String sinceStart(Instant start, Instant at) {
        Duration d = Duration.between(start, at);
        return "%dm%02ds".formatted(d.toMinutes(), d.toSecondsPart());
    }

    /**
     * Every panel's queries return series, with namespace = the database's and pod one of its pods; the panel on
     * ferretdb_operator_postgres_primary_info names exactly {@code primary}. Requests through FerretDB keep its
     * request counters moving. Panels on the operator SDK's failure counters are left out: those series exist only
     * after a failed reconciliation (docs/metrics.md), and nothing fails here.
     */
    private void assertPanelsAnswer(String primary) throws Exception {
        Set<String> pods = Set.copyOf(podNames(NAMESPACE, Map.of()));
        DashboardPanels dashboard = DashboardPanels.load(dashboard());
        assertThat(dashboard.panels()).as("panels of the shipped dashboard").hasSizeGreaterThan(5);
        try (MongoClient client = cluster.mongo(NAMESPACE, FERRETDB, FERRETDB, "")) {
            await("every dashboard panel answering for " + NAMESPACE + "/" + BACKEND).atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
                        client.getDatabase("prometheus").getCollection("writes").insertOne(new Document("at", System.nanoTime()));
                        Map<String, String> failures = new TreeMap<>();
                        for (DashboardPanels.Panel panel : dashboard.panels()) {
                            for (DashboardPanels.Target target : panel.targets()) {
                                if (target.expr().contains("reconciliations_failure")) {
                                    continue;
                                }
                                String q = DashboardPanels.resolve(target.expr(), NAMESPACE, BACKEND, RATE_INTERVAL, "15m");
                                String problem = problem(q, prometheus.query(q), pods,
                                        target.expr().contains("ferretdb_operator_postgres_primary_info") ? primary : null);
                                if (problem != null) {
                                    failures.put(panel.title() + ": " + q, problem);
                                }
                            }
                        }
                        assertThat(failures).as("dashboard queries without the database's series").isEmpty();
                    });
        }
    }

    private static String problem(String query, List<JsonNode> result, Set<String> pods, String primary) {
        if (result.isEmpty()) {
            return "no series";
        }
        for (JsonNode s : result) {
            Map<String, String> labels = labels(s.path("metric"));
            if (labels.containsKey("namespace") && !NAMESPACE.equals(labels.get("namespace"))) {
                return "namespace " + labels.get("namespace") + " in " + labels;
            }
            if (labels.containsKey("pod") && !pods.contains(labels.get("pod"))) {
                return "pod " + labels.get("pod") + " is not one of " + NAMESPACE + "'s " + pods + ": " + labels;
            }
            if (primary != null && !primary.equals(labels.get("pod"))) {
                return "pod " + labels.get("pod") + " is not the primary " + primary + ": " + labels;
            }
        }
        return null;
    }

    private static void assertBackendAlert(JsonNode alert, String name) {
        assertThat(alert.at("/labels/namespace").asText()).as(name + " namespace").isEqualTo(NAMESPACE);
        assertThat(alert.at("/labels/postgres").asText()).as(name + " postgres").isEqualTo(BACKEND);
        assertThat(alert.at("/annotations/runbook_url").asText()).endsWith("docs/runbooks/" + name + ".md");
    }

    /** Pods of scrape pool {@code pool} whose last scrape succeeded, by their {@code pod} target label. */
    private static List<String> upPods(String pool) {
        return prometheus.activeTargets().stream()
                .filter(t -> pool.equals(t.path("scrapePool").asText()) && "up".equals(t.path("health").asText()))
                .map(t -> t.at("/labels/pod").asText()).sorted().toList();
    }

    private static Map<String, String> labels(JsonNode metric) {
        Map<String, String> labels = new LinkedHashMap<>();
        metric.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static Path dashboard() {
        return LocalControlPlane.locateProjectDir().resolve("docs/dashboards/ferretdb-operator.json");
    }

    private static List<String> podNames(String namespace, Map<String, String> selector) {
        var pods = cluster.admin().pods().inNamespace(namespace);
        List<Pod> items = selector.isEmpty() ? pods.list().getItems() : pods.withLabels(selector).list().getItems();
        return items.stream().map(p -> p.getMetadata().getName()).sorted().toList();
    }

    private static List<String> primaries() {
        return podNames(NAMESPACE, Map.of(Labels.ROLE, Labels.ROLE_PRIMARY));
    }

    private static String soleprimary() {
        List<String> primaries = primaries();
        assertThat(primaries).as("pods labelled " + Labels.ROLE + "=primary").hasSize(1);
        return primaries.get(0);
    }

    /** The backend's three members and the FerretDB servers Running and Ready, one primary among the members. */
    private static void awaitAllReady() {
        await("every pod of " + NAMESPACE + " Ready with one primary").atMost(Duration.ofMinutes(6))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    soleprimary();
                    Map<String, Boolean> ready = cluster.admin().pods().inNamespace(NAMESPACE).list().getItems().stream()
                            .collect(Collectors.toMap(p -> p.getMetadata().getName(), RealNodeCluster::ready));
                    assertThat(ready).as(() -> cluster.describePods(NAMESPACE)).containsKeys(BACKEND + "-0", BACKEND + "-1",
                            BACKEND + "-2", FERRETDB + "-0");
                    assertThat(ready.values()).as(() -> cluster.describePods(NAMESPACE)).containsOnly(true);
                });
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
