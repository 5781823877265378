package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real control plane the install-path tests run against: the kubeconfig in LOCAL_KUBECONFIG, or a node-less local
 * control plane started with hack/local-cluster.sh (state in target/local-cluster-packaging, stopped when the JVM
 * exits). To be replaced by the control-plane test support (org.ferretdboperator.controlplane) once merged.
 */
final class LocalCluster {

    private static Path kubeconfig;

    private LocalCluster() {
    }

    static synchronized Path kubeconfig() {
        if (kubeconfig != null) {
            return kubeconfig;
        }
        String given = System.getenv("LOCAL_KUBECONFIG");
        if (given != null && !given.isBlank()) {
            kubeconfig = Path.of(given);
            return kubeconfig;
        }
        Tools.kubectl(); // fails in CI, skips elsewhere, when the control-plane tools are not built
        Path state = Path.of("target", "local-cluster-packaging").toAbsolutePath();
        Map<String, String> env = Map.of("LOCAL_CLUSTER_DIR", state.toString());
        // A fresh control plane per run: objects a failed earlier run left (e.g. a namespace stuck terminating on a
        // finalizer nobody removes any more) must not decide this run.
        Cmd.run(Duration.ofMinutes(1), env, List.of("hack/local-cluster.sh", "down", "--purge"));
        Cmd.Result up = Cmd.run(Duration.ofMinutes(5), env, List.of("hack/local-cluster.sh", "up"));
        assertThat(up.ok()).as(up.describe()).isTrue();
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> Cmd.run(Duration.ofMinutes(1), env, List.of("hack/local-cluster.sh", "down"))));
        kubeconfig = state.resolve("kubeconfig");
        return kubeconfig;
    }

    static KubernetesClient client() {
        try {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig()))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Cmd.Result kubectl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.kubectl().toString(), "--kubeconfig", kubeconfig().toString()));
        cmd.addAll(List.of(args));
        return Cmd.run(Duration.ofMinutes(2), cmd);
    }

    static Cmd.Result helm(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.helm().toString(), "--kubeconfig", kubeconfig().toString()));
        cmd.addAll(List.of(args));
        return Cmd.run(Duration.ofMinutes(3), cmd);
    }
}
