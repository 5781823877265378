package org.ferretdboperator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One operator replica as a Deployment's pod would run it, but as a local process from the packaged jar (there is no
 * kubelet): the container's environment from the Deployment object, and the identity of its ServiceAccount through a
 * token the API server issues for it.
 */
public final class PackagedOperator implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Duration TOKEN_VALIDITY = Duration.ofHours(2);

    private final String podName;
    private final int port;
    private final Path log;
    private final Process process;

    private PackagedOperator(String podName, int port, Path log, Process process) {
        this.podName = podName;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** A kubeconfig that authenticates as the Deployment's ServiceAccount (a bound token from the TokenRequest API). */
    public static Path serviceAccountKubeconfig(LocalControlPlane controlPlane, Deployment deployment) {
        return controlPlane.serviceAccountKubeconfig(deployment.getMetadata().getNamespace(),
                deployment.getSpec().getTemplate().getSpec().getServiceAccountName(), TOKEN_VALIDITY);
    }

    /**
     * The operator as users install it with {@code kubectl apply -f kubernetes/} (CRDs, catalog, the operator's
     * namespace, RBAC and Service), with the Deployment's one replica run as a local process under the shipped
     * ServiceAccount's identity.
     */
    public static PackagedOperator startShipped(LocalControlPlane controlPlane, String podName, Path workDir)
            throws IOException {
        Path project = controlPlane.projectDir();
        Files.createDirectories(workDir);
        ShippedManifests.installCrds(controlPlane.admin(), project);
        List<HasMetadata> objects = new ArrayList<>(ShippedManifests.load(controlPlane.admin(),
                project.resolve(ShippedManifests.CATALOG)));
        objects.addAll(ShippedManifests.load(controlPlane.admin(), project.resolve(ShippedManifests.OPERATOR)));
        Deployment deployment = null;
        for (HasMetadata object : objects) {
            if (object instanceof Deployment d) {
                deployment = d; // its replica runs below, as a process
                continue;
            }
            ShippedManifests.apply(controlPlane.admin(), object);
        }
        if (deployment == null) {
            throw new IllegalStateException(ShippedManifests.OPERATOR + " has no Deployment");
        }
        return start(deployment, podName, serviceAccountKubeconfig(controlPlane, deployment), workDir);
    }

    public static PackagedOperator start(Deployment deployment, String podName, Path kubeconfig, Path dir) throws IOException {
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
                    default -> throw new AssertionError("unexpected fieldRef " + field + " in the Deployment");
                });
            } else {
                throw new AssertionError("env " + e.getName() + " of the Deployment has no value a local process can get");
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
        return new PackagedOperator(podName, port, log, pb.start());
    }

    public String podName() {
        return podName;
    }

    /** The operator's process id (for CPU and memory readings from /proc). */
    public long pid() {
        return process.pid();
    }

    public URI metrics() {
        return URI.create("http://127.0.0.1:" + port + "/q/metrics");
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

    /** The process's exit code once it has exited within {@code timeout}; empty while it still runs. */
    public java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? java.util.OptionalInt.of(process.exitValue())
                : java.util.OptionalInt.empty();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
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
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
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
