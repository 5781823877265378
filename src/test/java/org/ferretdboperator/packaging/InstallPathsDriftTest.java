package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.testsupport.Prerequisite;
import org.junit.jupiter.api.Test;

/**
 * Every install path carries the same objects: the chart is the source of the operator's objects, kubernetes/ of the
 * CRDs, the catalog and the admission policies. On a failure, run hack/update-manifests.sh.
 */
class InstallPathsDriftTest {

    private static final String FIX = "; run hack/update-manifests.sh";

    @Test
    void chartCrdsAreTheCommittedCrds() throws IOException {
        assertSameFiles(Path.of("kubernetes", "crds"), Chart.DIR.resolve("crds"));
    }

    @Test
    void chartInstallsTheDefaultCatalog() throws IOException {
        Path catalog = Path.of("kubernetes", "catalog");
        assertThat(Yaml.files(catalog)).as("the default FerretDBVersion catalog in " + catalog).isNotEmpty();
        assertSameFiles(catalog, Chart.DIR.resolve("files/catalog"));
        List<JsonNode> rendered = Yaml.ofKind(Chart.render(), "FerretDBVersion");
        List<JsonNode> expected = new ArrayList<>();
        Yaml.files(catalog).forEach(f -> expected.addAll(Yaml.docs(f)));
        assertThat(rendered).as("FerretDBVersions the chart installs").containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void chartInstallsTheAdmissionPolicies() throws IOException {
        Path admission = Path.of("kubernetes", "admission");
        assertThat(Yaml.files(admission)).as("the admission policies in " + admission).isNotEmpty();
        assertSameFiles(admission, Chart.DIR.resolve("files/admission"));
        List<JsonNode> rendered = Chart.render().stream()
                .filter(d -> d.path("apiVersion").asText().startsWith("admissionregistration.k8s.io/")).toList();
        List<JsonNode> expected = new ArrayList<>();
        Yaml.files(admission).forEach(f -> expected.addAll(Yaml.docs(f)));
        assertThat(rendered).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void chartCarriesTheDashboard() throws IOException {
        Path dashboard = Path.of("docs", "dashboards", "ferretdb-operator.json");
        assertThat(Files.readString(Chart.DIR.resolve("files/dashboards/ferretdb-operator.json")))
                .as("the chart's copy of " + dashboard + FIX).isEqualTo(Files.readString(dashboard));
        JsonNode configMap = Yaml.single(Chart.render("--set", "monitoring.grafanaDashboard.enabled=true"), "ConfigMap",
                Chart.RELEASE + "-dashboard");
        assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(Yaml.MAPPER.readTree(configMap.at("/data/ferretdb-operator.json").asText()))
                .isEqualTo(Yaml.MAPPER.readTree(dashboard.toFile()));
    }

    /** kubernetes/operator/ is the chart's default render (less CRDs, catalog and policies, which kubernetes/ has). */
    @Test
    void plainManifestsAreTheChartsDefaultRender() {
        List<JsonNode> plain = Yaml.docs(Path.of("kubernetes", "operator", "ferretdb-operator.yaml"));
        JsonNode namespace = Yaml.single(plain, "Namespace", Chart.NAMESPACE);
        assertThat(namespace.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("restricted");
        List<JsonNode> rest = plain.stream().filter(d -> !d.path("kind").asText().equals("Namespace")).toList();
        List<JsonNode> chart = Chart.render("--skip-crds", "--set", "catalog.install=false",
                "--set", "admissionPolicies.install=false");
        assertThat(rest).as("kubernetes/operator/ferretdb-operator.yaml vs the chart" + FIX)
                .containsExactlyInAnyOrderElementsOf(chart);
    }

    /** The control-plane engineer's kubernetes/rbac/operator-rbac.yaml and the chart grant the same, once both exist. */
    @Test
    void chartGrantsWhatTheShippedRbacGrants() {
        Path shipped = Path.of("kubernetes", "rbac", "operator-rbac.yaml");
        Prerequisite.require(Files.exists(shipped), shipped + " does not exist");
        List<JsonNode> chart = Chart.render();
        List<JsonNode> chartRules = new ArrayList<>();
        Yaml.single(chart, "ClusterRole", "ferretdb-operator").path("rules").forEach(chartRules::add);
        Yaml.single(chart, "ClusterRole", "ferretdb-operator-cluster").path("rules").forEach(chartRules::add);
        List<JsonNode> shippedRules = new ArrayList<>();
        Yaml.ofKind(Yaml.docs(shipped), "ClusterRole").forEach(r -> r.path("rules").forEach(shippedRules::add));
        assertThat(Rbac.grants(chartRules)).isEqualTo(Rbac.grants(shippedRules));
    }

    static void assertSameFiles(Path source, Path copy) throws IOException {
        List<String> sourceNames = Yaml.files(source).stream().map(p -> p.getFileName().toString()).toList();
        List<String> copyNames = Yaml.files(copy).stream().map(p -> p.getFileName().toString()).toList();
        assertThat(copyNames).as("files in " + copy + FIX).isEqualTo(sourceNames);
        for (String name : sourceNames) {
            assertThat(Files.readString(copy.resolve(name))).as(copy.resolve(name) + " differs from " + source.resolve(name) + FIX)
                    .isEqualTo(Files.readString(source.resolve(name)));
        }
    }
}
