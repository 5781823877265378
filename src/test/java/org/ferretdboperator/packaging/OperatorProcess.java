package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator replica as the chart's Deployment would run it, but as a local process from the packaged jar (there is
 * no kubelet): the container's environment from the Deployment object in the API server, and the identity of the
 * chart's ServiceAccount through a token the API server issues for it.
 */
public final class OperatorProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    final String podName;
    public final int port;
    final Path log;
    private final Process process;

    private OperatorProcess(String podName, int port, Path log, Process process) {
        this.podName = podName;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** A kubeconfig that authenticates as the ServiceAccount (a bound token from the TokenRequest API). */
    static Path serviceAccountKubeconfig(String namespace, String serviceAccount, Path dir) throws IOException {
        Cmd.Result token = LocalCluster.kubectl("create", "token", serviceAccount, "-n", namespace, "--duration=2h").check();
        Cmd.Result server = LocalCluster.kubectl("config", "view", "--raw", "--minify", "-o",
                "jsonpath={.clusters[0].cluster.server}").check();
        Cmd.Result ca = LocalCluster.kubectl("config", "view", "--raw", "--minify", "-o",
                "jsonpath={.clusters[0].cluster.certificate-authority-data}").check();
        Path file = dir.resolve(serviceAccount + ".kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster: {server: "%s", certificate-authority-data: "%s"}
                users:
                - name: sa
                  user: {token: "%s"}
                contexts:
                - name: sa
                  context: {cluster: local, user: sa, namespace: %s}
                current-context: sa
                """.formatted(server.out().trim(), ca.out().trim(), token.out().trim(), namespace));
        assertThat(Base64.getDecoder().decode(ca.out().trim())).isNotEmpty();
        return file;
    }

    public static OperatorProcess start(Deployment deployment, String podName, Path kubeconfig, Path dir) throws IOException {
        assertThat(JAR).as("the packaged operator (run after `package`)").exists();
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : container.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                String field = e.getValueFrom().getFieldRef().getFieldPath();
                env.put(e.getName(), switch (field) {
                    case "metadata.namespace" -> deployment.getMetadata().getNamespace();
                    case "metadata.name" -> podName;
                    default -> throw new AssertionError("unexpected fieldRef " + field + " in the chart's Deployment");
                });
            } else {
                throw new AssertionError("env " + e.getName() + " of the chart's Deployment has no value a local process can get");
            }
        }
        int port = freePort();
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("HOSTNAME", podName);
        Path log = dir.resolve(podName + ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", JAR.toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.startsWith("QUARKUS_"));
        pb.environment().putAll(env);
        return new OperatorProcess(podName, port, log, pb.start());
    }

    public boolean ready() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/q/health/ready").toURL()
                    .openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Like a node failure: no shutdown hooks, the lease is not released. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
