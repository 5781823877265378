package org.ferretdboperator.harness;

import org.ferretdboperator.testsupport.Command;
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
import java.util.Optional;

/**
 * The real control plane (etcd, kube-apiserver with RBAC, kube-controller-manager; no nodes) of hack/local-cluster.sh,
 * with its state under target/harness-cluster so it never touches a developer's own local cluster. One per JVM:
 * started by the first harness test, stopped by {@link HarnessResources} when the test run ends, and by a detached
 * watchdog when the JVM dies any other way.
 */
final class ControlPlane implements AutoCloseable {

    private static final Duration UP_TIMEOUT = Duration.ofMinutes(4);
    private static ControlPlane shared;

    private final Path projectDir;
    private final Path stateDir;
    private final KubernetesClient admin;
    private final Config adminConfig;

    private ControlPlane(Path projectDir, Path stateDir) {
        this.projectDir = projectDir;
        this.stateDir = stateDir;
        String kubeconfig = read(stateDir.resolve("kubeconfig"));
        this.adminConfig = Config.fromKubeconfig(kubeconfig);
        this.admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    }

    /** Starts the control plane once per JVM (a stale one from a killed earlier run is stopped first). */
    static synchronized ControlPlane shared(Path projectDir) {
        if (shared == null) {
            Path state = projectDir.resolve("target").resolve("harness-cluster");
            script(projectDir, state, "down", "--purge");
            long start = System.nanoTime();
            Command.Result up = script(projectDir, state, "up");
            if (!up.succeeded()) {
                throw new IllegalStateException("the local control plane did not start (logs: " + state.resolve("logs") + ")\n"
                        + up.describe());
            }
            stopWhenJvmExits(projectDir, state);
            Harness.log("control plane up in %d ms (state %s)", (System.nanoTime() - start) / 1_000_000, state);
            shared = new ControlPlane(projectDir, state);
        }
        return shared;
    }

    /** Why the control plane cannot start here, if it cannot (tools are built by hack/tools.sh, never by a test). */
    static Optional<String> missingTools(Path projectDir) {
        Command.Result env = Command.run(projectDir, Map.of(), Duration.ofSeconds(30),
                List.of("hack/tools.sh", "--print-env", "kubernetes", "etcd"));
        if (env.succeeded()) {
            return Optional.empty();
        }
        return Optional.of("control-plane tools not built: " + env.stderr().strip() + " (run hack/tools.sh kubernetes etcd)");
    }

    KubernetesClient admin() {
        return admin;
    }

    /** https://127.0.0.1:port of the kube-apiserver. */
    String masterUrl() {
        return adminConfig.getMasterUrl();
    }

    int apiServerPort() {
        return java.net.URI.create(masterUrl()).getPort();
    }

    /** Base64 PEM of the cluster CA, as kubeconfig's certificate-authority-data. */
    String caData() {
        return adminConfig.getCaCertData();
    }

    Path stateDir() {
        return stateDir;
    }

    @Override
    public synchronized void close() {
        admin.close();
        script(projectDir, stateDir, "down");
        shared = null;
    }

    private static Command.Result script(Path projectDir, Path state, String... args) {
        List<String> command = new ArrayList<>();
        command.add("hack/local-cluster.sh");
        command.addAll(List.of(args));
        return Command.run(projectDir, Map.of("LOCAL_CLUSTER_DIR", state.toString(), "LOCAL_CLUSTER_TIMEOUT", "120"),
                UP_TIMEOUT, command);
    }

    /** A detached process that stops the control plane when this JVM ends, however it ends. */
    private static void stopWhenJvmExits(Path projectDir, Path state) {
        ProcessBuilder watchdog = new ProcessBuilder("setsid", "bash", "-c",
                "tail --pid=\"$0\" -f /dev/null; exec \"$1\" down", String.valueOf(ProcessHandle.current().pid()),
                projectDir.resolve("hack").resolve("local-cluster.sh").toString())
                .directory(projectDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(state.resolve("watchdog.log").toFile()));
        watchdog.environment().put("LOCAL_CLUSTER_DIR", state.toString());
        try {
            watchdog.start().getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control-plane watchdog", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
