package org.ferretdboperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresSpec;
import org.ferretdboperator.testsupport.Prerequisite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus server (Debian's prometheus package, the one promtool comes from) scrapes the operator's
 * /q/metrics as the chart's ServiceMonitor configures it (its honorLabels, read from the rendered chart; the target's
 * namespace and pod being the operator's own, as the Prometheus Operator sets them) and evaluates the shipped alert rules. The backend's Lease and pods are written as the coordinators
 * would (as in MetricsEndpointTest). Asserted through Prometheus's HTTP API: the operator's series keep the
 * database's namespace and pod (a second job without honor_labels shows them moved to exported_namespace/exported_pod,
 * the bug honorLabels fixes), the dashboard's operator panels return series, and FerretDBPostgresFailover fires for
 * the right backend after a failover.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class PrometheusScrapeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String NS = "prom";
    private static final String OPERATOR_NS = "ferretdb-operator-system";
    private static final String OPERATOR_POD = "ferretdb-operator-5d9f7c6b8-x2k4q";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    KubernetesClient client;

    private Process prometheus;
    private String api;

    @AfterEach
    void stopPrometheus() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor();
        }
    }

    @Test
    void operatorSeriesKeepTheDatabasesLabelsAndTheFailoverAlertFires() throws Exception {
        startPrometheus(Files.createTempDirectory("prometheus"));

        Postgres pg = new Postgres();
        pg.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("db").build());
        PostgresSpec spec = new PostgresSpec();
        spec.setVersion("16.4");
        spec.setReplicas(3);
        spec.setDeletionPolicy(DeletionPolicy.DELETE);
        pg.setSpec(spec);
        client.resource(pg).create();
        await().atMost(TIMEOUT).until(() -> client.leases().inNamespace(NS).withName("db-leader").get() != null);
        client.resource(BackendPods.member(NS, "db-0", true, "{\"role\":\"primary\",\"healthy\":true,\"lsn\":50331968}")).create();
        client.resource(BackendPods.member(NS, "db-1", false, "{\"role\":\"standby\",\"healthy\":true,\"lsn\":50331000,\"walReceiverStreaming\":true}"))
                .create();
        client.resource(BackendPods.member(NS, "db-2", false, "{\"role\":\"standby\",\"healthy\":true,\"lsn\":50000000,\"walReceiverStreaming\":true}"))
                .create();
        writeLease("db-0", 1, "0/3000140");
        writeLease("db-0", 1, "0/3000140"); // a renewal: the operator knows db-0 was alive

        // honorLabels: the database's namespace and primary pod, not the operator's.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            List<JsonNode> honored = query("ferretdb_operator_postgres_primary_info{job=\"chart\"}");
            assertThat(honored).hasSize(1);
            JsonNode labels = honored.get(0).path("metric");
            assertThat(labels.path("namespace").asText()).isEqualTo(NS);
            assertThat(labels.path("pod").asText()).isEqualTo("db-0");
            assertThat(labels.has("exported_namespace") || labels.has("exported_pod")).isFalse();
            List<JsonNode> plain = query("ferretdb_operator_postgres_primary_info{job=\"without-honor-labels\"}");
            assertThat(plain).hasSize(1);
            assertThat(plain.get(0).at("/metric/namespace").asText()).isEqualTo(OPERATOR_NS);
            assertThat(plain.get(0).at("/metric/exported_pod").asText()).isEqualTo("db-0");
        });

        // Failover: db-0 stops renewing; db-1 takes the Lease, then its coordinator labels it primary.
        writeLease("db-0", 1, "0/3000148");
        writeLease("db-1", 2, "0/3000148");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(query(
                "ferretdb_operator_postgres_primary_available{job=\"chart\",namespace=\"" + NS + "\"} == 0")).isNotEmpty());
        BackendPods.relabel(client, NS, "db-0", false, "{\"role\":\"stopped\",\"healthy\":false}");
        BackendPods.relabel(client, NS, "db-1", true, "{\"role\":\"primary\",\"healthy\":true,\"lsn\":50332000}");

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(firing("FerretDBPostgresFailover"))
                .anySatisfy(a -> {
                    assertThat(a.at("/labels/namespace").asText()).isEqualTo(NS);
                    assertThat(a.at("/labels/postgres").asText()).isEqualTo("db");
                    assertThat(a.at("/annotations/runbook_url").asText()).endsWith("docs/runbooks/FerretDBPostgresFailover.md");
                }));

        // Every dashboard panel on the operator's own series answers for this backend (the coordinators' and
        // FerretDB's panels need those processes; the reconcile-failure panel has no series while nothing fails).
        List<String> missing = new ArrayList<>();
        for (String expr : dashboardExprs()) {
            if (!expr.contains("ferretdb_operator_") || expr.contains("reconciliations_failure")) {
                continue;
            }
            String q = expr.replace("$namespace", NS).replace("$postgres", "db")
                    .replace("$__rate_interval", "5m").replace("$__range", "10m");
            if (query(q).isEmpty()) {
                missing.add(q);
            }
        }
        assertThat(missing).as("dashboard queries without a series").isEmpty();
    }

    private void startPrometheus(Path dir) throws IOException, InterruptedException {
        Path binary = onPath("prometheus");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path rules = AlertRulesTest.RULES.toAbsolutePath();
        boolean honorLabels = chartServiceMonitorHonorsLabels();
        String target = "127.0.0.1:" + RestAssured.port;
        // The labels the Prometheus Operator gives a ServiceMonitor's target: the operator pod's namespace and name.
        String config = """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ['%s']
                scrape_configs:
                  - job_name: chart
                    honor_labels: %s
                    metrics_path: /q/metrics
                    static_configs: [{targets: ['%s'], labels: {namespace: %s, pod: %s}}]
                  - job_name: without-honor-labels
                    metrics_path: /q/metrics
                    static_configs: [{targets: ['%s'], labels: {namespace: %s, pod: %s}}]
                """.formatted(rules, honorLabels, target, OPERATOR_NS, OPERATOR_POD, target, OPERATOR_NS, OPERATOR_POD);
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + file, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        api = "http://127.0.0.1:" + port;
        // connection refused until it listens: on a cold machine (empty page cache) that took longer than the first poll
        await().atMost(TIMEOUT).ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
            assertThat(prometheus.isAlive()).as(Files.readString(dir.resolve("prometheus.log"))).isTrue();
            assertThat(get("/-/ready").statusCode()).isEqualTo(200);
        });
    }

    /** The chart's ServiceMonitor endpoint's honorLabels (the job "chart" scrapes as it says). */
    private static boolean chartServiceMonitorHonorsLabels() throws IOException {
        String yaml = org.ferretdboperator.testsupport.Helm.run(Duration.ofMinutes(1), "template", "ferretdb-operator",
                "helm/ferretdb-operator", "--namespace", OPERATOR_NS, "--kube-version", "1.34.2",
                "--set", "monitoring.serviceMonitor.enabled=true", "--show-only", "templates/monitoring.yaml")
                .requireSuccess().stdout();
        JsonNode monitor = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(yaml.substring(yaml.indexOf("apiVersion:")));
        assertThat(monitor.path("kind").asText()).isEqualTo("ServiceMonitor");
        return monitor.at("/spec/endpoints/0/honorLabels").asBoolean(false);
    }

    private List<JsonNode> query(String promql) throws Exception {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asText()).as(promql + ": " + r.body()).isEqualTo("success");
        List<JsonNode> out = new ArrayList<>();
        body.at("/data/result").forEach(out::add);
        return out;
    }

    private List<JsonNode> firing(String alert) throws Exception {
        JsonNode body = JSON.readTree(get("/api/v1/alerts").body());
        List<JsonNode> out = new ArrayList<>();
        body.at("/data/alerts").forEach(a -> {
            if (a.at("/labels/alertname").asText().equals(alert) && a.path("state").asText().equals("firing")) {
                out.add(a);
            }
        });
        return out;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> dashboardExprs() throws IOException {
        List<String> exprs = new ArrayList<>();
        JSON.readTree(DashboardQueries.DASHBOARD.toFile()).findValues("expr").forEach(e -> exprs.add(e.asText()));
        return exprs;
    }

    private static Path onPath(String name) {
        Path found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst().orElse(null);
        Prerequisite.require(found != null, name + " not found on PATH (Debian's prometheus package, as for promtool)");
        return found;
    }

    private void writeLease(String holder, int term, String lsn) {
        client.leases().inNamespace(NS).withName("db-leader").edit((Lease l) -> {
            l.getSpec().setHolderIdentity(holder);
            l.getSpec().setLeaseTransitions(term);
            Map<String, String> a = l.getMetadata().getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(l.getMetadata().getAnnotations());
            a.put("coordinator.kubedb.com/leader-lsn", lsn);
            a.put("coordinator.kubedb.com/sync-members", "db-1");
            a.put("coordinator.kubedb.com/sync-quorum", "1");
            a.put("coordinator.kubedb.com/write-id", Long.toString(System.nanoTime()));
            l.getMetadata().setAnnotations(a);
            return l;
        });
    }
}
