package org.ferretdboperator.testsupport;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
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
import org.opentest4j.TestAbortedException;

/**
 * A real Kubernetes control plane (etcd, kube-apiserver with RBAC and admission, kube-controller-manager with the
 * garbage collector and the StatefulSet controller; no nodes unless asked for) on loopback ports, run by
 * hack/local-cluster.sh. The one way the tests start a control plane: each has a named state directory under target/
 * (target/local-cluster for the shared one, target/{@code name} for {@link #startDedicated}), so it never touches a
 * developer's own local cluster and its logs are found by name.
 *
 * <p>{@link #shared()} starts it once per JVM and installs what a user installs (CRDs, RBAC, catalog, admission
 * policies from kubernetes/). Plain JUnit classes and {@code @QuarkusTest} classes live in different class loaders, each
 * with its own statics, so "once" is decided JVM-wide (a system property). A detached watchdog stops the processes
 * when the JVM exits, however it exits; the state dir (logs) stays until the next run starts.
 */
public final class LocalControlPlane implements AutoCloseable {

    private static final String SHARED_MARKER = "ferretdboperator-test.controlplane.shared.kubeconfig";
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(6);
    private static LocalControlPlane shared;
    private static RuntimeException sharedStartFailure;

    private final Path projectDir;
    private final Path stateDir;
    private final Map<String, Path> tools;
    private KubernetesClient admin;

    private LocalControlPlane(Path projectDir, Path stateDir, Map<String, Path> tools) {
        this.projectDir = projectDir;
        this.stateDir = stateDir;
        this.tools = tools;
    }

    /** The control plane every test class of this JVM shares, with the shipped manifests installed. */
    public static synchronized LocalControlPlane shared() {
        if (shared != null) {
            return shared;
        }
        if (sharedStartFailure != null) {
            throw sharedStartFailure; // do not wait for a second failing start in the next test class
        }
        try {
            shared = startShared();
        } catch (RuntimeException e) {
            if (!(e instanceof TestAbortedException)) {
                sharedStartFailure = e;
            }
            throw e;
        }
        return shared;
    }

    private static LocalControlPlane startShared() {
        Path project = locateProjectDir();
        LocalControlPlane controlPlane = new LocalControlPlane(project, sharedStateDir(project), requireTools(project));
        // One lock for all class loaders of this JVM: the system properties object.
        synchronized (System.getProperties()) {
            if (System.getProperty(SHARED_MARKER) == null) {
                controlPlane.script("down", "--purge"); // whatever a killed earlier run left behind
                controlPlane.up("--nodes", "0");
                controlPlane.stopWhenThisJvmExits();
                long start = System.nanoTime();
                ShippedManifests.install(controlPlane.admin(), project);
                log("installed CRDs and shipped manifests in %d ms", (System.nanoTime() - start) / 1_000_000);
                System.setProperty(SHARED_MARKER, controlPlane.kubeconfig().toString());
            }
        }
        return controlPlane;
    }

    public static Path sharedStateDir(Path projectDir) {
        return projectDir.resolve("target").resolve("local-cluster");
    }

    /**
     * A second, empty control plane under target/{@code name} (nothing installed), for tests that must start from a
     * bare cluster. {@link #close()} stops and removes it.
     */
    public static LocalControlPlane startDedicated(String name) {
        return startDedicated(name, 0);
    }

    /**
     * Like {@link #startDedicated(String)} with {@code nodes} real nodes (kubelet, containerd, kube-proxy; CoreDNS and
     * the local-path StorageClass), which import the images hack/images.sh built. Needs root; in CI its absence fails.
     */
    public static LocalControlPlane startDedicated(String name, int nodes) {
        Path project = locateProjectDir();
        if (nodes > 0) {
            Prerequisite.require(Prerequisite.isRoot(),
                    "real nodes need root (network and mount namespaces, cgroups)");
        }
        LocalControlPlane controlPlane = new LocalControlPlane(project, project.resolve("target").resolve(name),
                requireTools(project));
        controlPlane.script("down", "--purge");
        controlPlane.up("--nodes", String.valueOf(nodes));
        controlPlane.stopWhenThisJvmExits();
        return controlPlane;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path projectDir() {
        return projectDir;
    }

    public Path kubeconfig() {
        return stateDir.resolve("kubeconfig");
    }

    /** https://127.0.0.1:port of the kube-apiserver. */
    public String masterUrl() {
        return Config.fromKubeconfig(read(kubeconfig())).getMasterUrl();
    }

    public int apiServerPort() {
        return java.net.URI.create(masterUrl()).getPort();
    }

    /** Base64 PEM of the cluster CA, as kubeconfig's certificate-authority-data. */
    public String caData() {
        return Config.fromKubeconfig(read(kubeconfig())).getCaCertData();
    }

    /** A client with the admin (system:masters) credentials, for test set-up and assertions only. */
    public synchronized KubernetesClient admin() {
        if (admin == null) {
            admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(kubeconfig()))).build();
        }
        return admin;
    }

    /** Runs the real kubectl with the admin kubeconfig, as a user of the guide would. */
    public Command.Result kubectl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(tools.get("KUBECTL").toString());
        command.addAll(List.of(args));
        return Command.run(projectDir, Map.of("KUBECONFIG", kubeconfig().toString()), Duration.ofMinutes(2), command);
    }

    /** A bound token of the ServiceAccount from the TokenRequest API. */
    public String serviceAccountToken(String namespace, String serviceAccount, Duration validFor) {
        return admin().serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(validFor.toSeconds()).endSpec()
                        .build())
                .getStatus().getToken();
    }

    /** A kubeconfig that authenticates as the ServiceAccount only, with a {@link #serviceAccountToken}. */
    public Path serviceAccountKubeconfig(String namespace, String serviceAccount, Duration validFor) {
        return writeTokenKubeconfig(serviceAccount, serviceAccountToken(namespace, serviceAccount, validFor), namespace);
    }

    /**
     * Writes a kubeconfig that authenticates with a bearer token only (no client certificate that could
     * authenticate the holder as someone else) and returns its path.
     */
    public Path writeTokenKubeconfig(String user, String token, String namespace) {
        Config adminConfig = Config.fromKubeconfig(read(kubeconfig()));
        return TokenKubeconfig.write(stateDir.resolve(user + ".kubeconfig"), adminConfig.getMasterUrl(),
                adminConfig.getCaCertData(), user, token, namespace);
    }

    /**
     * Sends a signal to the kube-apiserver process: {@code STOP} freezes it (it accepts no request and answers none, as
     * when the network is cut), {@code CONT} resumes it, {@code KILL} stops it for good (connections are refused; the
     * control plane is then only good for {@link #close()}). Nothing else of the cluster changes.
     */
    public void signalApiServer(String signal) {
        Path pidFile = stateDir.resolve("pids").resolve("kube-apiserver.pid");
        String pid = read(pidFile).trim();
        Command.run(projectDir, Map.of(), Duration.ofSeconds(10), List.of("kill", "-" + signal, pid)).requireSuccess();
    }

    /** Stops the processes and removes the state dir. */
    @Override
    public void close() {
        closeClient();
        script("down", "--purge");
    }

    /** Stops the processes and keeps the state dir (its logs) for a look after the run. */
    public void stop() {
        closeClient();
        script("down");
    }

    private synchronized void closeClient() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    private void up(String... args) {
        long start = System.nanoTime();
        Command.Result result;
        try {
            List<String> command = new ArrayList<>(List.of("up"));
            command.addAll(List.of(args));
            result = script(command.toArray(String[]::new));
        } catch (IllegalStateException timeout) {
            throw new IllegalStateException("hack/local-cluster.sh up hung; note that it runs hack/tools.sh, which waits "
                    + "for the tools cache lock (.lock in the tools dir) while another tool build runs", timeout);
        }
        if (!result.succeeded()) {
            throw new IllegalStateException("the local control plane did not start (logs: " + stateDir.resolve("logs")
                    + ")\n" + result.describe());
        }
        log("control plane up in %d ms (state: %s)", (System.nanoTime() - start) / 1_000_000, stateDir);
    }

    /**
     * A detached process that waits for this JVM to end and then stops the control plane: it also runs when the JVM is
     * killed, and needs no class of this (possibly already closed) class loader at shutdown.
     */
    private void stopWhenThisJvmExits() {
        ProcessBuilder watchdog = new ProcessBuilder("setsid", "bash", "-c",
                "tail --pid=\"$0\" -f /dev/null; exec \"$1\" down", String.valueOf(ProcessHandle.current().pid()),
                projectDir.resolve("hack").resolve("local-cluster.sh").toString())
                .directory(projectDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stateDir.resolve("watchdog.log").toFile()));
        watchdog.environment().put("LOCAL_CLUSTER_DIR", stateDir.toString());
        try {
            watchdog.start().getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control-plane watchdog", e);
        }
    }

    private Command.Result script(String... args) {
        List<String> command = new ArrayList<>();
        command.add("hack/local-cluster.sh");
        command.addAll(List.of(args));
        Command.Result result = Command.run(projectDir,
                Map.of("LOCAL_CLUSTER_DIR", stateDir.toString(), "LOCAL_CLUSTER_TIMEOUT", "120"), UP_TIMEOUT, command);
        if (!args[0].equals("up")) {
            result.requireSuccess();
        }
        return result;
    }

    private static Map<String, Path> requireTools(Path project) {
        Optional<String> missing = missingPrerequisite(project);
        Prerequisite.require(missing.isEmpty(), missing.orElse(""));
        return Tools.find(project, Tools.KUBERNETES, Tools.ETCD).orElseThrow();
    }

    /** Why the control plane cannot be started on this machine, if it cannot. */
    public static Optional<String> missingPrerequisite(Path project) {
        if (Tools.find(project, Tools.KUBERNETES, Tools.ETCD).isEmpty()) {
            return Optional.of(Tools.whyMissing(project, Tools.KUBERNETES, Tools.ETCD));
        }
        for (String program : List.of("openssl", "curl", "setsid", "tail", "kill")) {
            if (!Prerequisite.onPath(program)) {
                return Optional.of(program + " is not installed (hack/install-deps.sh installs it)");
            }
        }
        return Optional.empty();
    }

    public static Path locateProjectDir() {
        Path dir = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(dir.resolve("hack").resolve("local-cluster.sh"))) {
            throw new IllegalStateException("run the tests from the project directory (no hack/local-cluster.sh in " + dir + ")");
        }
        return dir;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void log(String format, Object... args) {
        System.err.println("[controlplane] " + format.formatted(args));
    }
}
