package org.ferretdboperator.controlplane;

import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.Tools;
import org.ferretdboperator.testsupport.Prerequisite;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.ferretdboperator.testsupport.ShippedManifests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart under helm/ installs into a bare real control plane of its own (so nothing the other tests installed
 * hides a missing CRD or RBAC object, or collides with the chart's), every object it renders exists afterwards, the
 * controller-manager creates the operator's pod from it in a namespace that enforces the "restricted" Pod Security
 * Standard, and it uninstalls. Skipped, with the reason printed, while the
 * project has no chart.
 */
@RequiresControlPlane
class HelmInstallIT {

    static final Path HELM_DIR = Path.of("helm");
    private static final String RELEASE = "ferretdb-operator";
    private static final String NAMESPACE = "ferretdb-operator-system";

    private static LocalControlPlane controlPlane;
    private static Path helm;
    private static Path chart;

    /** Finds the chart and the helm binary, then starts a second, bare control plane for the chart alone. */
    private static void startBareControlPlane() {
        Path project = LocalControlPlane.locateProjectDir();
        chart = findChart(project.resolve(HELM_DIR));
        // The chart ships with the project: its absence is a broken checkout, never a reason to skip.
        assertThat(chart).as("the Helm chart (Chart.yaml) under " + HELM_DIR).isNotNull();
        var tools = Tools.find(project, Tools.HELM);
        Prerequisite.require(tools.isPresent(), tools.isPresent() ? "" : Tools.whyMissing(project, Tools.HELM));
        helm = tools.get().get("HELM");
        controlPlane = LocalControlPlane.startDedicated("local-cluster-helm");
    }

    @AfterAll
    static void stop() {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void chartInstallsRunsAndUninstalls() {
        startBareControlPlane();
        // The release namespace enforces the "restricted" Pod Security Standard, as it should in production.
        TestNamespaces.create(controlPlane.admin(), NAMESPACE);
        Command.Result install = helm("install", RELEASE, chart.toString(), "--namespace", NAMESPACE, "--timeout", "2m");
        assertThat(install.exitCode()).as(install.describe()).isZero();

        Command.Result status = helm("status", RELEASE, "--namespace", NAMESPACE);
        assertThat(status.stdout()).as(status.describe()).contains("STATUS: deployed");

        KubernetesClient admin = controlPlane.admin();
        List<HasMetadata> rendered = admin.load(new java.io.ByteArrayInputStream(
                helm("get", "manifest", RELEASE, "--namespace", NAMESPACE).requireSuccess().stdout().getBytes())).items();
        assertThat(rendered).as("objects the chart rendered").isNotEmpty();
        for (HasMetadata object : rendered) {
            if (object.getMetadata().getNamespace() == null && isNamespaced(admin, object)) {
                object.getMetadata().setNamespace(NAMESPACE);
            }
            assertThat(admin.resource(object).get()).as("%s %s installed by the chart", object.getKind(),
                    object.getMetadata().getName()).isNotNull();
        }
        for (String crd : List.of("ferretdbs.kubedb.com", "postgreses.kubedb.com", "ferretdbversions.catalog.kubedb.com")) {
            assertThat(ShippedManifests.established(admin.apiextensions().v1().customResourceDefinitions().withName(crd).get()))
                    .as("CRD %s installed by the chart and Established", crd).isTrue();
        }
        List<Deployment> deployments = rendered.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
        assertThat(deployments).as("the operator's Deployment").isNotEmpty();
        for (Deployment deployment : deployments) {
            Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(
                    admin.pods().inNamespace(NAMESPACE).withLabels(selector).list().getItems())
                    .as(() -> "pods of Deployment " + deployment.getMetadata().getName()
                            + ", admitted by Pod Security \"restricted\"\n" + TestNamespaces.describe(admin, NAMESPACE))
                    .isNotEmpty());
        }

        Command.Result uninstall = helm("uninstall", RELEASE, "--namespace", NAMESPACE, "--wait", "--timeout", "2m");
        assertThat(uninstall.exitCode()).as(uninstall.describe()).isZero();
    }

    private static Command.Result helm(String... args) {
        List<String> command = new ArrayList<>();
        command.add(helm.toString());
        command.addAll(List.of(args));
        command.add("--kubeconfig");
        command.add(controlPlane.kubeconfig().toString());
        // Helm keeps its cache and config under HOME; keep them out of the developer's.
        Path helmHome = controlPlane.projectDir().resolve("target").resolve("helm-home");
        return Command.run(controlPlane.projectDir(), Map.of(
                "HELM_CACHE_HOME", helmHome.resolve("cache").toString(),
                "HELM_CONFIG_HOME", helmHome.resolve("config").toString(),
                "HELM_DATA_HOME", helmHome.resolve("data").toString()), Duration.ofMinutes(3), command);
    }

    private static boolean isNamespaced(KubernetesClient client, HasMetadata object) {
        return client.getApiResources(object.getApiVersion()).getResources().stream()
                .filter(r -> r.getKind().equals(object.getKind()) && !r.getName().contains("/"))
                .anyMatch(r -> Boolean.TRUE.equals(r.getNamespaced()));
    }

    /** The directory of the Chart.yaml under helm/, or null when there is none. */
    private static Path findChart(Path helmDir) {
        if (!Files.isDirectory(helmDir)) {
            return null;
        }
        try (Stream<Path> files = Files.walk(helmDir, 2)) {
            List<Path> charts = files.filter(f -> f.getFileName().toString().equals("Chart.yaml")).toList();
            if (charts.size() > 1) {
                throw new IllegalStateException("more than one chart under " + helmDir + ": " + charts);
            }
            return charts.isEmpty() ? null : charts.get(0).getParent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
