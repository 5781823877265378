package org.ferretdboperator.coordinator.lease;

import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real kube-apiserver + etcd for integration tests: the project's {@code hack/local-cluster.sh} in a private state
 * directory, or an existing one when {@code COORDINATOR_IT_KUBECONFIG} names its kubeconfig. Missing binaries fail
 * the test in CI and skip it (with the reason) elsewhere.
 */
public final class RealApiServer implements AutoCloseable {

    private final Path stateDir;
    private final Path kubeconfig;
    final KubernetesClient client;

    private RealApiServer(Path stateDir, Path kubeconfig) throws IOException {
        this.stateDir = stateDir;
        this.kubeconfig = kubeconfig;
        this.client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8))).build();
    }

    public KubernetesClient client() {
        return client;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public static RealApiServer start() throws Exception {
        String existing = System.getenv("COORDINATOR_IT_KUBECONFIG");
        if (existing != null && !existing.isBlank()) {
            return new RealApiServer(null, Path.of(existing));
        }
        Path hack = Path.of(System.getProperty("user.dir")).resolve("hack");
        if (run(hack.resolve("tools.sh"), null, "--print-env", "kubernetes", "etcd") != 0) {
            unavailable("kube-apiserver/etcd are not built (run hack/tools.sh kubernetes etcd)");
        }
        Path state = Files.createTempDirectory("coordinator-apiserver");
        if (run(hack.resolve("local-cluster.sh"), state, "up") != 0) {
            run(hack.resolve("local-cluster.sh"), state, "down", "--purge");
            fail("hack/local-cluster.sh up failed; see " + state.resolve("logs"));
        }
        return new RealApiServer(state, state.resolve("kubeconfig"));
    }

    private static void unavailable(String reason) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason);
        }
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    private static int run(Path script, Path state, String... args) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add("bash");
        command.add(script.toString());
        command.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (state != null) {
            pb.environment().put("LOCAL_CLUSTER_DIR", state.toString());
        }
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return 124;
        }
        return p.exitValue();
    }

    @Override
    public void close() throws Exception {
        // (public so tests in other packages can share it)
        client.close();
        if (stateDir != null) {
            run(Path.of(System.getProperty("user.dir")).resolve("hack").resolve("local-cluster.sh"), stateDir, "down", "--purge");
        }
    }
}
