package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus configuration derived from the rendered chart: Debian's promtool accepts it (in the file-discovery
 * form the real-node test runs, since that build has no Kubernetes discovery)
 * with the rules of the rendered PrometheusRule, and each job selects, relabels and honours labels as its monitor says.
 */
class ChartScrapeConfigTest {

    static final String RELEASE = "ferretdb-operator";
    static final String NS = "ferretdb-operator-system";

    @Test
    void promtoolAcceptsTheConfigurationAndTheRules(@TempDir Path dir) throws Exception {
        List<JsonNode> objects = ChartScrapeConfig.render(RELEASE, NS, "5s");
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, ChartScrapeConfig.rulesYaml(objects));
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\n");
        Path config = dir.resolve("prometheus.yml");
        ChartScrapeConfig.FileDiscovery fileSd = ChartScrapeConfig.withFileDiscovery(
                ChartScrapeConfig.prometheusYaml(objects, kubeconfig, rules, "5s"), dir.resolve("targets"));
        Files.writeString(config, fileSd.config());
        assertThat(fileSd.discoveries()).extracting(KubernetesTargetFiles.Discovery::role)
                .containsExactlyInAnyOrder("endpoints", "pod", "pod");

        Path promtool = PrometheusServer.promtool();
        Command.Result check = Command.run(LocalControlPlane.locateProjectDir(), Map.of(), Duration.ofMinutes(1),
                List.of(promtool.toString(), "check", "config", config.toString()));
        assertThat(check.exitCode()).as(check.describe() + "\n" + Files.readString(config)).isZero();
        assertThat(check.stdout() + check.stderr()).contains("SUCCESS");
        assertThat(Files.readString(rules)).contains("alert: FerretDBPostgresFailover", "alert: FerretDBPostgresNoPrimary",
                "alert: FerretDBOperatorDown");
    }

    @Test
    void jobsFollowTheirMonitors(@TempDir Path dir) throws Exception {
        List<JsonNode> objects = ChartScrapeConfig.render(RELEASE, NS, "5s");
        JsonNode config = ChartScrapeConfig.YAML.readTree(
                ChartScrapeConfig.prometheusYaml(objects, dir.resolve("kubeconfig"), dir.resolve("rules.yaml"), "5s"));
        Map<String, JsonNode> jobs = new java.util.HashMap<>();
        config.path("scrape_configs").forEach(j -> jobs.put(j.path("job_name").asText(), j));
        String operatorJob = "serviceMonitor/" + NS + "/" + RELEASE + "/0";
        String coordinatorJob = "podMonitor/" + NS + "/" + RELEASE + "-pg-coordinator/0";
        String ferretdbJob = "podMonitor/" + NS + "/" + RELEASE + "-ferretdb/0";
        assertThat(jobs).containsOnlyKeys(operatorJob, coordinatorJob, ferretdbJob);

        JsonNode operator = jobs.get(operatorJob);
        assertThat(operator.path("honor_labels").asBoolean()).as("the operator's labels win").isTrue();
        assertThat(operator.path("metrics_path").asText()).isEqualTo("/q/metrics");
        assertThat(operator.at("/kubernetes_sd_configs/0/role").asText()).isEqualTo("endpoints");
        assertThat(operator.at("/kubernetes_sd_configs/0/namespaces/names").toString()).isEqualTo("[\"" + NS + "\"]");
        assertThat(operator.path("relabel_configs").toString())
                .contains("__meta_kubernetes_service_label_app_kubernetes_io_name")
                .contains("\"regex\":\"(" + RELEASE + ");true\"")
                .contains("\"regex\":\"http\"");

        JsonNode coordinators = jobs.get(coordinatorJob);
        assertThat(coordinators.path("honor_labels").asBoolean()).isFalse();
        assertThat(coordinators.at("/kubernetes_sd_configs/0/role").asText()).isEqualTo("pod");
        assertThat(coordinators.at("/kubernetes_sd_configs/0").has("namespaces")).as("namespaceSelector any").isFalse();
        assertThat(coordinators.path("scrape_interval").asText()).isEqualTo("5s");
        assertThat(coordinators.path("relabel_configs").toString())
                .contains("\"regex\":\"(postgreses.kubedb.com);true\"")
                .contains("__meta_kubernetes_pod_container_port_name").contains("\"regex\":\"coordinator\"");

        JsonNode ferretdb = jobs.get(ferretdbJob);
        assertThat(ferretdb.path("metrics_path").asText()).isEqualTo("/debug/metrics");
        assertThat(ferretdb.path("relabel_configs").toString()).contains("\"regex\":\"metrics\"");
    }

    @Test
    void labelNamesAreSanitizedAsPrometheusDoes() {
        assertThat(ChartScrapeConfig.sanitize("app.kubernetes.io/name")).isEqualTo("app_kubernetes_io_name");
        assertThat(ChartScrapeConfig.sanitize("kubedb.com/role")).isEqualTo("kubedb_com_role");
    }

}
