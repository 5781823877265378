package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.Helm;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.ferretdboperator.testsupport.ShippedManifests;
import org.ferretdboperator.testsupport.TestNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Upgrading an installed chart to this one, on a bare real control plane of its own, with the README's upgrade steps:
 * Helm never upgrades what a chart keeps in {@code crds/}, so the documented step applies the chart's CRDs server-side
 * before {@code helm upgrade}. The previous chart is the one before the CRDs gained KubeDB's categories and a
 * description on every field (commit 6df5628, packaged in src/test/resources/charts), so the upgrade changes every
 * CRD it had and adds the kinds added since (the OpsRequests). A user's FerretDB object created under the previous
 * chart must come through unchanged.
 */
@RequiresControlPlane
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmUpgradeIT {

    static final Path PREVIOUS_CHART = Path.of("src", "test", "resources", "charts", "ferretdb-operator-0.1.0-6df5628.tgz");
    private static final String NS = Chart.NAMESPACE;
    private static final String DEMO = "demo";
    private static final Path SEED = Path.of(System.getProperty("ferretdb.seed", "../shared/seed/ferretdb.yaml"));

    private LocalControlPlane controlPlane;
    private KubernetesClient client;
    private JsonNode ferretSpecBefore;
    private final java.util.Set<String> addedSince = new java.util.TreeSet<>();

    @BeforeAll
    void setUp() {
        assertThat(PREVIOUS_CHART).as("the previous chart, packaged").isRegularFile();
        controlPlane = LocalControlPlane.startDedicated("local-cluster-helm-upgrade");
        client = controlPlane.admin();
    }

    @AfterAll
    void tearDown() {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    @Order(1)
    void thePreviousChartInstallsAndAUserCreatesTheGuidesFerretDB() {
        TestNamespaces.create(client, NS);
        helm("install", Chart.RELEASE, PREVIOUS_CHART.toString(), "-n", NS, "--timeout", "2m").requireSuccess();
        // helm install creates the chart's CRDs before anything else; what it did not create is a kind added since.
        for (Path crd : Yaml.files(Path.of("kubernetes", "crds"))) {
            String name = Yaml.one(crd).at("/metadata/name").asText();
            if (client.apiextensions().v1().customResourceDefinitions().withName(name).get() == null) {
                addedSince.add(name);
                continue;
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ShippedManifests.established(
                    client.apiextensions().v1().customResourceDefinitions().withName(name).get())).as(name).isTrue());
            // The upgrade below is only a test of something if it changes every CRD the previous chart had.
            assertThat(firstDifference(served(name), shipped(crd), ""))
                    .as("%s as the previous chart installed it differs from this version's", name).isNotNull();
        }
        assertThat(addedSince).as("CRDs the previous chart did not have")
                .doesNotContain("ferretdbs.kubedb.com", "postgreses.kubedb.com", "ferretdbversions.catalog.kubedb.com");

        controlPlane.kubectl("create", "namespace", DEMO).requireSuccess();
        controlPlane.kubectl("create", "-f", SEED.toString()).requireSuccess();
        ferretSpecBefore = storedSpec();
        assertThat(ferretSpecBefore.path("version").asText()).isEqualTo(Yaml.one(SEED).at("/spec/version").asText());
    }

    @Test
    @Order(2)
    void helmUpgradeAloneLeavesTheCrdsAsTheyWere() {
        Map<String, JsonNode> before = new LinkedHashMap<>();
        for (Path crd : Yaml.files(Path.of("kubernetes", "crds"))) {
            String name = Yaml.one(crd).at("/metadata/name").asText();
            if (!addedSince.contains(name)) {
                before.put(name, served(name));
            }
        }

        helm("upgrade", Chart.RELEASE, Chart.DIR.toString(), "-n", NS, "--timeout", "2m").requireSuccess();

        // Why the README's step exists: Helm installs crds/ once, at install, and never touches them again, nor does
        // it create a CRD a newer chart added.
        before.forEach((name, schema) -> assertThat(firstDifference(served(name), schema, ""))
                .as("%s after helm upgrade alone", name).isNull());
        for (String name : addedSince) {
            assertThat(client.apiextensions().v1().customResourceDefinitions().withName(name).get())
                    .as("%s, added since the previous chart, after helm upgrade alone", name).isNull();
        }
    }

    @Test
    @Order(3)
    void theDocumentedStepUpgradesEveryCrdAndTheUsersObjectComesThroughUnchanged() {
        // README, "Upgrading": the chart's CRDs first, server-side, then helm upgrade.
        Command.Result apply = controlPlane.kubectl("apply", "--server-side", "--force-conflicts", "-f",
                Chart.DIR.resolve("crds").toString());
        assertThat(apply.succeeded()).as(apply.describe()).isTrue();
        helm("upgrade", Chart.RELEASE, Chart.DIR.toString(), "-n", NS, "--timeout", "2m").requireSuccess();

        for (Path crd : Yaml.files(Path.of("kubernetes", "crds"))) {
            String name = Yaml.one(crd).at("/metadata/name").asText();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(ShippedManifests.established(client.apiextensions().v1().customResourceDefinitions()
                        .withName(name).get())).as("%s Established", name).isTrue();
                assertThat(firstDifference(served(name), shipped(crd), "")).as("%s after the upgrade steps", name).isNull();
            });
        }
        // Every field stored before is still there with its value (a new CRD may add defaults, never change a value).
        JsonNode after = storedSpec();
        ferretSpecBefore.properties().forEach(field -> assertThat(after.path(field.getKey()))
                .as("spec.%s of the user's FerretDB after the upgrade", field.getKey()).isEqualTo(field.getValue()));
        // What the new CRDs bring is served: the categories list the user's object.
        Command.Result kubedb = controlPlane.kubectl("get", "kubedb", "-n", DEMO, "-o", "name");
        assertThat(kubedb.stdout()).as(kubedb.describe()).contains("ferretdb.kubedb.com/ferret");
        Command.Result status = helm("status", Chart.RELEASE, "-n", NS);
        assertThat(status.stdout()).as(status.describe()).contains("STATUS: deployed", "REVISION: 3");
    }

    /** What users see of a CRD: its names and each version's schema and printer columns. */
    private JsonNode served(String name) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
        assertThat(crd).as("CRD %s", name).isNotNull();
        return userVisible(new KubernetesSerialization().convertValue(crd, JsonNode.class));
    }

    private static JsonNode shipped(Path file) {
        return userVisible(Yaml.one(file));
    }

    private static JsonNode userVisible(JsonNode crd) {
        com.fasterxml.jackson.databind.node.ObjectNode view = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        view.set("names", crd.at("/spec/names"));
        com.fasterxml.jackson.databind.node.ArrayNode versions = view.putArray("versions");
        for (JsonNode version : crd.at("/spec/versions")) {
            com.fasterxml.jackson.databind.node.ObjectNode v = versions.addObject();
            v.set("name", version.path("name"));
            v.set("schema", version.path("schema"));
            v.set("additionalPrinterColumns", version.path("additionalPrinterColumns"));
        }
        return view;
    }

    /**
     * Where {@code actual} first differs from {@code expected} (a path and both values), or null when every field of
     * {@code expected} is in {@code actual} with the same value. Fields only in {@code actual} are the API server's
     * defaults (listKind, say); numbers compare by value, since the API server and a YAML file spell 1 and 1.0
     * differently.
     */
    static String firstDifference(JsonNode actual, JsonNode expected, String path) {
        if (actual.isMissingNode() && isZero(expected)) {
            return null; // the API server omits zero values (a printer column's priority 0, say)
        }
        if (actual.isNumber() && expected.isNumber()) {
            return actual.decimalValue().compareTo(expected.decimalValue()) == 0 ? null
                    : path + ": " + actual + " instead of " + expected;
        }
        if (actual.getNodeType() != expected.getNodeType()) {
            return path + ": " + abbreviate(actual) + " instead of " + abbreviate(expected);
        }
        if (actual.isObject()) {
            java.util.TreeSet<String> keys = new java.util.TreeSet<>();
            expected.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String difference = firstDifference(actual.path(key), expected.path(key), path + "/" + key);
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        if (actual.isArray()) {
            if (actual.size() != expected.size()) {
                return path + ": " + actual.size() + " elements instead of " + expected.size();
            }
            for (int i = 0; i < actual.size(); i++) {
                String difference = firstDifference(actual.get(i), expected.get(i), path + "/" + i);
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        return actual.equals(expected) ? null : path + ": " + abbreviate(actual) + " instead of " + abbreviate(expected);
    }

    private static boolean isZero(JsonNode node) {
        return (node.isNumber() && node.decimalValue().signum() == 0) || (node.isBoolean() && !node.booleanValue())
                || (node.isTextual() && node.asText().isEmpty());
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    /** The FerretDB's spec as the API server serves it, with every field (not only those the Java model knows). */
    private JsonNode storedSpec() {
        Command.Result get = controlPlane.kubectl("get", "ferretdb", "ferret", "-n", DEMO, "-o", "json");
        assertThat(get.succeeded()).as(get.describe()).isTrue();
        return Yaml.docs(get.stdout()).get(0).path("spec");
    }

    private Command.Result helm(String... args) {
        return Helm.on(controlPlane, args);
    }
}
