package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The plain-manifest install path, exactly as README "Install with kubectl" runs it, on the real control plane; then
 * the CSV's examples against the installed CRDs, and removal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlApplyIT {

    private LocalControlPlane controlPlane;
    private KubernetesClient client;

    /** A bare control plane of its own, so nothing another test installed hides a missing object. */
    @BeforeAll
    void setUp() {
        controlPlane = LocalControlPlane.startDedicated("local-cluster-kubectl-apply");
        client = controlPlane.admin();
    }

    @AfterAll
    void tearDown() {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void manifestsApplyAndInstallWhatTheChartInstalls() throws Exception {
        apply("apply", "--server-side", "--force-conflicts", "-f", "kubernetes/crds/");
        apply("wait", "--for", "condition=established", "--timeout=60s", "-f", "kubernetes/crds/");
        apply("apply", "--server-side", "-f", "kubernetes/operator/", "-f", "kubernetes/catalog/", "-f", "kubernetes/admission/");

        // Every object of the chart's default render is now in the API server.
        for (JsonNode doc : Chart.render()) {
            String kind = doc.path("kind").asText();
            String name = doc.at("/metadata/name").asText();
            String ns = doc.at("/metadata/namespace").asText("");
            Command.Result get = ns.isEmpty() ? controlPlane.kubectl("get", resource(doc), name)
                    : controlPlane.kubectl("get", resource(doc), name, "-n", ns);
            assertThat(get.succeeded()).as("%s %s after kubectl apply: %s", kind, name, get.stderr()).isTrue();
        }
        // The namespace enforces "restricted" and the Deployment's pods were still admitted.
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(client.pods().inNamespace(Chart.NAMESPACE)
                .withLabel("app.kubernetes.io/name", "ferretdb-operator").list().getItems()).hasSize(2));

        // The OLM bundle's examples are valid objects for these CRDs (server-side dry run).
        JsonNode csv = Yaml.one(Path.of("bundle", "manifests", "ferretdb-operator.clusterserviceversion.yaml"));
        JsonNode examples = Yaml.MAPPER.readTree(csv.at("/metadata/annotations/alm-examples").asText());
        // In a namespace of their own, so a "demo" namespace of another test does not matter.
        String ns = "packaging-alm-examples";
        apply("create", "namespace", ns);
        for (JsonNode example : examples) {
            if (example.path("metadata").has("namespace")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) example.path("metadata")).put("namespace", ns);
            }
            Path file = Files.createTempFile("example", ".json");
            Files.writeString(file, example.toString());
            Command.Result r = controlPlane.kubectl("apply", "--server-side", "--dry-run=server", "-f", file.toString());
            assertThat(r.succeeded()).as("alm-example %s: %s", example.path("kind").asText(), r.stderr()).isTrue();
        }
        apply("delete", "namespace", ns, "--wait=false");

        apply("delete", "-f", "kubernetes/admission/", "-f", "kubernetes/catalog/", "-f", "kubernetes/operator/", "--wait=true");
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            assertThat(client.namespaces().withName(Chart.NAMESPACE).get()).isNull();
            assertThat(client.rbac().clusterRoles().list().getItems()).extracting(r -> r.getMetadata().getName())
                    .noneMatch(n -> n.startsWith("ferretdb-operator"));
        });
    }

    private static String resource(JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? "." + apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return doc.path("kind").asText().toLowerCase() + group;
    }

    private void apply(String... args) {
        Command.Result r = controlPlane.kubectl(args);
        assertThat(r.succeeded()).as(r.describe()).isTrue();
    }
}
