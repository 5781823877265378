package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.Helm;
import org.ferretdboperator.testsupport.ImagesDir;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.Prerequisite;

/**
 * Tier 5: a local cluster with three real nodes (hack/local-cluster.sh up --nodes 3), the images hack/images.sh built,
 * and the operator installed by its Helm chart into a namespace that enforces the "restricted" Pod Security Standard.
 * What a user gets after {@code helm install}, on this machine.
 */
final class RealNodeCluster implements AutoCloseable {

    static final String OPERATOR_NAMESPACE = "ferretdb-operator-system";
    static final String RELEASE = "ferretdb-operator";
    static final int NODES = 3;

    private final LocalControlPlane cluster;
    private final Path images;

    private RealNodeCluster(LocalControlPlane cluster, Path images) {
        this.cluster = cluster;
        this.images = images;
    }

    /** Starts the nodes and installs the operator; fails in CI, skips elsewhere, when the images are not built. */
    static RealNodeCluster start() {
        Path project = LocalControlPlane.locateProjectDir();
        Path images = imagesDir();
        buildOperatorImage(project);
        List<String> missing = Stream.of("pause", "postgres-17", "postgres-15", "ferretdb", "operator")
                .filter(name -> !Files.isRegularFile(images.resolve(name + ".oci.tar"))).toList();
        Prerequisite.require(missing.isEmpty(), "images not built in " + images + ": " + missing
                + " (hack/test.sh builds them with hack/images.sh)");
        LocalControlPlane cluster = LocalControlPlane.startDedicated("real-nodes", NODES);
        RealNodeCluster nodes = new RealNodeCluster(cluster, images);
        nodes.installOperator();
        return nodes;
    }

    /** The operator image from the jar under test (failsafe runs after package); cached by its inputs' hash. */
    private static void buildOperatorImage(Path project) {
        Command.Result r = Command.run(project, Map.of(), Duration.ofMinutes(8),
                List.of("hack/images.sh", "--skip-build", "operator"));
        assertThat(r.exitCode()).as("the operator image from target/quarkus-app\n" + r.describe()).isZero();
    }

    static Path imagesDir() {
        return ImagesDir.path();
    }

    /** The first image name hack/images.sh recorded for an image ({@code <name>.ref}). */
    String imageRef(String name) {
        try {
            return Files.readAllLines(images.resolve(name + ".ref")).get(0).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    KubernetesClient admin() {
        return cluster.admin();
    }

    LocalControlPlane controlPlane() {
        return cluster;
    }

    private void installOperator() {
        Path chart = cluster.projectDir().resolve("helm").resolve("ferretdb-operator");
        Command.Result ns = cluster.kubectl("create", "namespace", OPERATOR_NAMESPACE);
        assertThat(ns.exitCode()).as(ns.describe()).isZero();
        cluster.kubectl("label", "namespace", OPERATOR_NAMESPACE, "pod-security.kubernetes.io/enforce=restricted")
                .requireSuccess();
        // The chart as shipped: its default image is the one hack/images.sh builds under the same name.
        Command.Result install = helm("install", RELEASE, chart.toString(), "--namespace", OPERATOR_NAMESPACE,
                "--wait", "--timeout", "5m");
        assertThat(install.exitCode()).as(install.describe() + "\n" + describePods(OPERATOR_NAMESPACE)).isZero();
    }

    Command.Result helm(String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.add("--kubeconfig");
        command.add(cluster.kubeconfig().toString());
        return Helm.run(Duration.ofMinutes(6), command.toArray(String[]::new));
    }

    /** Pods with phase, readiness, restarts, node and the last events: for failure messages. */
    String describePods(String namespace) {
        StringBuilder out = new StringBuilder("pods in " + namespace + ":\n");
        for (Pod pod : admin().pods().inNamespace(namespace).list().getItems()) {
            out.append("  ").append(pod.getMetadata().getName()).append(' ').append(pod.getStatus().getPhase())
                    .append(" node=").append(pod.getSpec().getNodeName())
                    .append(" role=").append(pod.getMetadata().getLabels().get("kubedb.com/role"));
            if (pod.getStatus().getContainerStatuses() != null) {
                pod.getStatus().getContainerStatuses().forEach(c -> out.append(' ').append(c.getName()).append(":ready=")
                        .append(c.getReady()).append(",restarts=").append(c.getRestartCount())
                        .append(c.getState().getWaiting() != null ? ",waiting=" + c.getState().getWaiting().getReason() : ""));
            }
            out.append('\n');
        }
        out.append("events:\n").append(admin().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> !"Normal".equals(e.getType()))
                .map(e -> "  " + e.getInvolvedObject().getName() + " " + e.getReason() + ": " + e.getMessage())
                .distinct().limit(40).collect(Collectors.joining("\n")));
        return out.toString();
    }

    /** The tail of a container's log, through the kubelet (kubectl logs). */
    String logs(String namespace, String pod, String container) {
        Command.Result r = cluster.kubectl("logs", "-n", namespace, pod, "-c", container, "--tail=60");
        return "--- " + pod + "/" + container + " ---\n" + r.stdout() + r.stderr();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
