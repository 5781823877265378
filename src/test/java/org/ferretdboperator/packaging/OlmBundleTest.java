package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OLM bundle under bundle/ is valid and installs what the Helm chart installs. */
class OlmBundleTest {

    private static final Path BUNDLE = Path.of("bundle");
    private static final Path CSV = BUNDLE.resolve("manifests").resolve("ferretdb-operator.clusterserviceversion.yaml");
    /** The deprecated-API check flags RBAC rules for events and poddisruptionbudgets although rules carry no version. */
    private static final String FALSE_POSITIVE = "APIs which were deprecated and removed in v1.25";

    @Test
    void bundleValidates() {
        Command.Result r = validate(BUNDLE);
        assertThat(r.succeeded()).as(r.describe()).isTrue();
        assertThat(r.stdout()).contains("0 error(s), 0 warning(s)");
    }

    @Test
    void validatorRejectsABundleMissingAnOwnedCrd(@TempDir Path tmp) throws IOException {
        Path broken = tmp.resolve("bundle");
        copyTree(BUNDLE, broken);
        Files.delete(broken.resolve("manifests").resolve("postgreses.kubedb.com.yaml"));
        Command.Result r = validate(broken);
        assertThat(r.succeeded()).as(r.describe()).isFalse();
        assertThat(r.stdout()).contains("ERROR").contains("owned CRD \"kubedb.com/v1, Kind=Postgres\" not found");
    }

    @Test
    void ownsExactlyTheChartsCrds() throws IOException {
        JsonNode csv = Yaml.one(CSV);
        Set<String> owned = new HashSet<>();
        for (JsonNode crd : csv.at("/spec/customresourcedefinitions/owned")) {
            owned.add(crd.path("name").asText() + "/" + crd.path("version").asText() + "/" + crd.path("kind").asText());
            assertThat(crd.path("displayName").asText()).isNotBlank();
            assertThat(crd.path("description").asText()).isNotBlank();
        }
        Set<String> chart = new HashSet<>();
        for (Path f : Yaml.files(Chart.DIR.resolve("crds"))) {
            JsonNode crd = Yaml.one(f);
            for (JsonNode v : crd.at("/spec/versions")) {
                chart.add(crd.at("/metadata/name").asText() + "/" + v.path("name").asText() + "/"
                        + crd.at("/spec/names/kind").asText());
            }
        }
        assertThat(owned).isEqualTo(chart).hasSize(5);
        InstallPathsDriftTest.assertSameFiles(Path.of("kubernetes", "crds"), bundleCrdDir());
    }

    @Test
    void grantsExactlyThePermissionsTheChartGrants() {
        JsonNode strategy = Yaml.one(CSV).at("/spec/install/spec");
        List<JsonNode> chart = Chart.render();
        String account = Yaml.single(chart, "Deployment", "ferretdb-operator").at("/spec/template/spec/serviceAccountName").asText();

        List<JsonNode> namespaced = new ArrayList<>();
        Yaml.single(chart, "ClusterRole", "ferretdb-operator").path("rules").forEach(namespaced::add);
        Yaml.single(chart, "Role", "ferretdb-operator-leader-election").path("rules").forEach(namespaced::add);
        assertThat(strategy.path("permissions")).hasSize(1);
        assertThat(strategy.at("/permissions/0/serviceAccountName").asText()).isEqualTo(account);
        assertThat(Rbac.grants(strategy.at("/permissions/0/rules"))).isEqualTo(Rbac.grants(namespaced));

        assertThat(strategy.path("clusterPermissions")).hasSize(1);
        assertThat(strategy.at("/clusterPermissions/0/serviceAccountName").asText()).isEqualTo(account);
        assertThat(Rbac.grants(strategy.at("/clusterPermissions/0/rules")))
                .isEqualTo(Rbac.grants(Yaml.single(chart, "ClusterRole", "ferretdb-operator-cluster").path("rules")));
    }

    /** Same pod as the chart's, except the labels Helm adds and the watched namespaces, which OLM passes by annotation. */
    @Test
    void deploysTheChartsDeployment() {
        JsonNode strategy = Yaml.one(CSV).at("/spec/install/spec");
        assertThat(strategy.path("deployments")).hasSize(1);
        JsonNode bundled = strategy.at("/deployments/0");
        JsonNode chart = Yaml.single(Chart.render(), "Deployment", "ferretdb-operator");
        assertThat(bundled.path("name").asText()).isEqualTo(chart.at("/metadata/name").asText());

        ObjectNode expected = Yaml.copy(chart.path("spec"));
        ((ObjectNode) expected.at("/template/metadata/labels")).remove(List.of("helm.sh/chart", "app.kubernetes.io/managed-by"));
        ObjectNode actual = Yaml.copy(bundled.path("spec"));
        var env = (com.fasterxml.jackson.databind.node.ArrayNode) actual.at("/template/spec/containers/0/env");
        JsonNode namespaces = null;
        for (int i = env.size() - 1; i >= 0; i--) {
            if (env.get(i).path("name").asText().equals("QUARKUS_OPERATOR_SDK_NAMESPACES")) {
                namespaces = env.remove(i);
            }
        }
        assertThat(namespaces).as("watched namespaces from OLM's operator group").isNotNull();
        assertThat(namespaces.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.annotations['olm.targetNamespaces']");
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void supportsEveryInstallModeAndHasAnExampleOfEachKind() throws IOException {
        JsonNode csv = Yaml.one(CSV);
        Map<String, Boolean> modes = new LinkedHashMap<>();
        csv.at("/spec/installModes").forEach(m -> modes.put(m.path("type").asText(), m.path("supported").asBoolean()));
        assertThat(modes).containsExactly(Map.entry("OwnNamespace", true), Map.entry("SingleNamespace", true),
                Map.entry("MultiNamespace", true), Map.entry("AllNamespaces", true));

        JsonNode examples = Yaml.MAPPER.readTree(csv.at("/metadata/annotations/alm-examples").asText());
        List<String> kinds = new ArrayList<>();
        examples.forEach(e -> kinds.add(e.path("apiVersion").asText() + "/" + e.path("kind").asText()));
        assertThat(kinds).containsExactlyInAnyOrder("kubedb.com/v1alpha2/FerretDB", "kubedb.com/v1/Postgres",
                "ops.kubedb.com/v1alpha1/PostgresOpsRequest", "ops.kubedb.com/v1alpha1/FerretDBOpsRequest",
                "catalog.kubedb.com/v1alpha1/FerretDBVersion");
        // The FerretDB example is the KubeDB guide's object.
        JsonNode seed = Yaml.one(Path.of(System.getProperty("ferretdb.seed", "../shared/seed/ferretdb.yaml")));
        assertThat(examples.get(0)).isEqualTo(seed);
    }

    /**
     * The capability level the features support (no backup, operand upgrade, resize or TLS: Basic Install), an upgrade
     * edge from every earlier build (olm.skipRange below spec.version; spec.replaces, once there is one, names an
     * earlier CSV), every image the operator runs or deploys from the default catalog in relatedImages, and
     * descriptors whose paths exist in the CRDs.
     */
    @Test
    void capabilityUpgradeEdgeRelatedImagesAndDescriptorsAreHonest() throws IOException {
        JsonNode csv = Yaml.one(CSV);
        assertThat(csv.at("/metadata/annotations/capabilities").asText()).isEqualTo("Basic Install");
        String version = csv.at("/spec/version").asText();
        assertThat(csv.at("/metadata/annotations/olm.skipRange").asText()).isEqualTo("<" + version);
        if (csv.at("/spec/replaces").isTextual()) {
            assertThat(csv.at("/spec/replaces").asText()).startsWith("ferretdb-operator.v").isNotEqualTo(csv.at("/metadata/name").asText());
        }

        Set<String> related = new HashSet<>();
        Set<String> names = new HashSet<>();
        csv.at("/spec/relatedImages").forEach(i -> {
            related.add(i.path("image").asText());
            assertThat(names.add(i.path("name").asText())).as("unique name " + i.path("name")).isTrue();
        });
        Set<String> expected = new HashSet<>();
        expected.add(csv.at("/spec/install/spec/deployments/0/spec/template/spec/containers/0/image").asText());
        for (Path f : Yaml.files(Path.of("kubernetes", "catalog"))) {
            for (JsonNode v : Yaml.docs(f)) {
                expected.add(v.at("/spec/db/image").asText());
                expected.add(v.at("/spec/postgres/image").asText());
            }
        }
        assertThat(related).isEqualTo(expected);

        for (JsonNode owned : csv.at("/spec/customresourcedefinitions/owned")) {
            if (owned.path("kind").asText().equals("FerretDBVersion")) {
                continue;
            }
            JsonNode schema = Yaml.one(Path.of("kubernetes", "crds", owned.path("name").asText() + ".yaml"))
                    .at("/spec/versions/0/schema/openAPIV3Schema/properties");
            assertThat(owned.path("specDescriptors")).as(owned.path("kind") + " specDescriptors").isNotEmpty();
            assertThat(owned.path("statusDescriptors")).as(owned.path("kind") + " statusDescriptors").isNotEmpty();
            for (String part : List.of("spec", "status")) {
                for (JsonNode d : owned.path(part + "Descriptors")) {
                    String pointer = "/" + part + "/properties/" + d.path("path").asText().replace(".", "/properties/");
                    assertThat(schema.at(pointer).isMissingNode()).as(owned.path("kind") + " " + part + "." + d.path("path")
                            + " is in the CRD").isFalse();
                }
            }
        }
    }

    @Test
    void dockerfileLabelsMatchTheAnnotations() throws IOException {
        JsonNode annotations = Yaml.one(BUNDLE.resolve("metadata").resolve("annotations.yaml")).path("annotations");
        Map<String, String> labels = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^LABEL (\\S+)=(\\S+)$").matcher(Files.readString(BUNDLE.resolve("bundle.Dockerfile")));
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        annotations.fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().asText()));
        assertThat(labels).isEqualTo(expected);
        assertThat(expected.get("operators.operatorframework.io.bundle.package.v1")).isEqualTo("ferretdb-operator");
        assertThat(Yaml.one(CSV).at("/metadata/name").asText()).startsWith("ferretdb-operator.v");
    }

    private static Path bundleCrdDir() throws IOException {
        // The bundle keeps CRDs next to the CSV; compare them as a directory of their own.
        Path dir = Files.createTempDirectory("bundle-crds");
        for (Path f : Yaml.files(BUNDLE.resolve("manifests"))) {
            if (Yaml.one(f).path("kind").asText().equals("CustomResourceDefinition")) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static Command.Result validate(Path bundle) {
        return Command.run(LocalControlPlane.locateProjectDir(), Map.of(), Duration.ofMinutes(1), List.of(Tools.olmValidate().toString(), "-k8s-version", "1.34",
                "-accept", FALSE_POSITIVE, bundle.toString()));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
