package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ferretdboperator.harness.ForeignCpu;
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
        return start("real-nodes");
    }

    /** Like {@link #start()}, with the cluster's state under target/{@code stateName}. */
    static RealNodeCluster start(String stateName) {
        Path project = LocalControlPlane.locateProjectDir();
        Path images = imagesDir();
        buildOperatorImage(project);
        List<String> missing = Stream.of("pause", "postgres-17", "postgres-15", "ferretdb", "operator")
                .filter(name -> !Files.isRegularFile(images.resolve(name + ".oci.tar"))).toList();
        Prerequisite.require(missing.isEmpty(), "images not built in " + images + ": " + missing
                + " (hack/test.sh builds them with hack/images.sh)");
        LocalControlPlane cluster = LocalControlPlane.startDedicated(stateName, NODES);
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

    /** Applies a manifest with kubectl, as a user would. */
    void apply(String manifest) {
        try {
            Path file = Files.createTempFile(cluster.stateDir(), "manifest", ".yaml");
            Files.writeString(file, manifest);
            Command.Result r = cluster.kubectl("apply", "-f", file.toString());
            assertThat(r.exitCode()).as(r.describe()).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The guide's manifest (shared/seed/ferretdb.yaml beside the project). */
    static Path seedManifest() {
        Path seed = LocalControlPlane.locateProjectDir().resolve("../shared/seed/ferretdb.yaml").normalize();
        assertThat(seed).as("the guide's manifest beside the project").isRegularFile();
        return seed;
    }

    /** Running, Ready and not being deleted. */
    static boolean ready(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && "Running".equals(pod.getStatus().getPhase())
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * A client of the Service's ClusterIP, as an application in the cluster would use it (the host reaches ClusterIPs
     * through a node's kube-proxy, see {@link #serviceAddress}), authenticating with PLAIN as FerretDB 1.x requires,
     * with the FerretDB auth Secret {@code <ferretdb>-auth}. {@code options} are appended to the connection string.
     */
    MongoClient mongo(String namespace, String service, String ferretdb, String options) {
        return mongoAt(serviceAddress(namespace, service, 27017), namespace, ferretdb, options);
    }

    private final Map<String, String> forwarded = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Process> forwarders = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * host:port at which this host reaches port {@code port} of a Service through this cluster's kube-proxy. The
     * first local cluster on the machine gets the host route to the Service CIDR (10.0.0.0/16, every cluster's); when
     * it is this one, that is the ClusterIP itself. When another cluster holds the route, the ClusterIP would reach
     * that cluster's Service, so a small relay runs inside node-1's network namespace (src/test/resources/realnodes/
     * ServiceForwarder.java, with this JVM's java) and the client connects to it at node-1's address: the connection
     * to the ClusterIP then starts on node-1 and follows this cluster's kube-proxy rules. {@code -Drealnodes.relay=true}
     * uses the relay even when the route is this cluster's.
     */
    String serviceAddress(String namespace, String service, int port) {
        String clusterIp = admin().services().inNamespace(namespace).withName(service).get().getSpec().getClusterIP();
        String ownVeth = "lc" + netIndex() + "h";
        Command.Result route = Command.run(cluster.projectDir(), Map.of(), Duration.ofSeconds(10),
                List.of("ip", "-4", "route", "get", clusterIp));
        assertThat(route.exitCode()).as(route.describe()).isZero();
        if (route.stdout().contains(" dev " + ownVeth + " ") && !Boolean.getBoolean("realnodes.relay")) {
            return clusterIp + ":" + port;
        }
        return forwarded.computeIfAbsent("1/" + clusterIp + ":" + port,
                k -> startForwarder(1, clusterIp, port,
                        "the host routes the Service CIDR elsewhere (" + route.stdout().strip() + ")"));
    }

    /**
     * host:port at which this host reaches port {@code port} of a Service through node {@code node}'s kube-proxy,
     * always by a relay in that node's network namespace: for a client that must not depend on another node (the
     * host's route to the Service CIDR goes through node-1).
     */
    String serviceAddressThrough(int node, String namespace, String service, int port) {
        String clusterIp = admin().services().inNamespace(namespace).withName(service).get().getSpec().getClusterIP();
        return forwarded.computeIfAbsent(node + "/" + clusterIp + ":" + port,
                k -> startForwarder(node, clusterIp, port, "a client through node-" + node));
    }

    /** Like {@link #mongo}, through node {@code node} only (see {@link #serviceAddressThrough}). */
    MongoClient mongoThrough(int node, String namespace, String service, String ferretdb, String options) {
        return mongoAt(serviceAddressThrough(node, namespace, service, 27017), namespace, ferretdb, options);
    }

    /**
     * The benchmark's processes outside the test JVM's family: in this cluster's node cgroups (kubelet puts every
     * container there) or with its state directory on their command line (the node agents, the control plane).
     */
    java.util.function.Predicate<ForeignCpu.Proc> ownProcesses() {
        return ForeignCpu.clusterProcesses("/ferretdb-lc" + netIndex() + "-node-", cluster.stateDir());
    }

    /** The host's address on this cluster's network: the nodes' default gateway, which pods reach as well. */
    String hostAddress() {
        return "10." + (100 + Integer.parseInt(netIndex())) + ".0.1";
    }

    private String netIndex() {
        try {
            return Files.readAllLines(cluster.stateDir().resolve("cluster.env")).stream()
                    .filter(l -> l.startsWith("NET_INDEX=")).map(l -> l.substring("NET_INDEX=".length()).strip())
                    .findFirst().orElseThrow(() -> new AssertionError("no NET_INDEX in cluster.env"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String startForwarder(int node, String clusterIp, int port, String hostRoute) {
        try {
            String holder = Files.readString(cluster.stateDir().resolve("pids").resolve("node-" + node + "-ns.pid"))
                    .strip();
            String nodeIp = "10." + (100 + Integer.parseInt(netIndex())) + ".0." + (10 + node);
            int listen = 20000 + forwarders.size();
            Path source = cluster.stateDir().resolve("ServiceForwarder.java");
            try (var in = RealNodeCluster.class.getResourceAsStream("/realnodes/ServiceForwarder.java")) {
                assertThat(in).as("the ServiceForwarder resource").isNotNull();
                Files.write(source, in.readAllBytes());
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder("nsenter", "--net=/proc/" + holder + "/ns/net", "--", java, "-Xmx48m",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", source.toString(), nodeIp, String.valueOf(listen),
                    clusterIp, String.valueOf(port)).redirectErrorStream(true).start();
            forwarders.add(p);
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(first).as("the Service relay in node-" + node + "'s network namespace").startsWith("listening");
            LocalControlPlane.log("%s; reaching %s:%d through a relay at %s:%d in node-%d", hostRoute.strip(),
                    clusterIp, port, nodeIp, listen, node);
            return nodeIp + ":" + listen;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Node {@code node} lost at once ({@code hack/local-cluster.sh node-stop}): its link to the switch down, then its
     * kubelet, kube-proxy, containerd, shims and containers SIGKILLed together. The API objects stay as they are.
     */
    void nodeStop(int node) {
        localCluster("node-stop", String.valueOf(node));
    }

    /** Node {@code node} back ({@code hack/local-cluster.sh node-start}): network up, containerd, kubelet, kube-proxy. */
    void nodeStart(int node) {
        localCluster("node-start", String.valueOf(node));
    }

    /** The node number of a pod's node ("node-2" is 2). */
    static int nodeNumber(Pod pod) {
        String name = pod.getSpec().getNodeName();
        assertThat(name).as("the node of " + pod.getMetadata().getName()).matches("node-[1-9][0-9]*");
        return Integer.parseInt(name.substring("node-".length()));
    }

    private void localCluster(String... args) {
        List<String> command = new ArrayList<>(List.of("hack/local-cluster.sh"));
        command.addAll(List.of(args));
        Command.Result r = Command.run(cluster.projectDir(), Map.of("LOCAL_CLUSTER_DIR", cluster.stateDir().toString()),
                Duration.ofMinutes(4), command);
        assertThat(r.exitCode()).as(String.join(" ", command) + "\n" + r.describe()).isZero();
    }

    /** Like {@link #mongo}, to one address (a Service's ClusterIP or one FerretDB pod's IP; host or host:port). */
    MongoClient mongoAt(String host, String namespace, String ferretdb, String options) {
        KubernetesClient admin = admin();
        Secret auth = admin.secrets().inNamespace(namespace).withName(ferretdb + "-auth").get();
        assertThat(auth).as("the FerretDB auth Secret " + ferretdb + "-auth").isNotNull();
        String user = decode(auth, "username");
        String password = decode(auth, "password");
        ConnectionString uri = new ConnectionString("mongodb://" + (host.contains(":") ? host : host + ":27017")
                + "/?appName=real-nodes-it"
                + "&serverSelectionTimeoutMS=20000&connectTimeoutMS=5000" + options);
        return MongoClients.create(MongoClientSettings.builder().applyConnectionString(uri)
                .credential(MongoCredential.createPlainCredential(user, "$external", password.toCharArray()))
                .readPreference(ReadPreference.primaryPreferred())
                .build());
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    /**
     * Kills a container's main process with SIGKILL through the containerd of the pod's node (ctr in the node's mount
     * and network namespaces), as a crash would: the kubelet sees the container exit and restarts it.
     */
    Command.Result killContainer(Pod pod, String container) {
        String node = pod.getSpec().getNodeName();
        String id = pod.getStatus().getContainerStatuses().stream().filter(c -> container.equals(c.getName()))
                .map(ContainerStatus::getContainerID).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + container + " in " + pod.getMetadata().getName()));
        assertThat(id).as("containerID of " + container).startsWith("containerd://");
        String holder;
        try {
            holder = Files.readString(cluster.stateDir().resolve("pids").resolve(node + "-ns.pid")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("the namespace holder of " + node, e);
        }
        return Command.run(cluster.projectDir(), Map.of(), Duration.ofSeconds(30), List.of("nsenter",
                "--mount=/proc/" + holder + "/ns/mnt", "--net=/proc/" + holder + "/ns/net", "--", "ctr", "--address",
                "/run/containerd/containerd.sock", "-n", "k8s.io", "tasks", "kill", "-s", "SIGKILL",
                id.substring("containerd://".length())));
    }

    /** The tail of a container's log, through the kubelet (kubectl logs). */
    String logs(String namespace, String pod, String container) {
        Command.Result r = cluster.kubectl("logs", "-n", namespace, pod, "-c", container, "--tail=60");
        return "--- " + pod + "/" + container + " ---\n" + r.stdout() + r.stderr();
    }

    /** Each operator replica's lines about backends and FerretDB servers (leader changes, reactions, problems). */
    String operatorLog() {
        StringBuilder out = new StringBuilder();
        for (var pod : admin().pods().inNamespace(OPERATOR_NAMESPACE).list().getItems()) {
            String name = pod.getMetadata().getName();
            Command.Result r = cluster.kubectl("logs", "-n", OPERATOR_NAMESPACE, name, "--timestamps");
            List<String> lines = r.stdout().lines().filter(l -> l.contains("Postgres ") || l.contains("FerretDB ")
                    || l.contains("WARN") || l.contains("ERROR")).toList();
            out.append("--- operator ").append(name).append(" on ").append(pod.getSpec().getNodeName()).append(": ")
                    .append(lines.size()).append(" lines about backends, last 60 ---\n");
            lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    /**
     * A container's log lines that carry a decision or a problem, from its previous run (if the kubelet restarted it)
     * and its current one: the tail alone is often a JVM's shutdown output, which says nothing about why.
     */
    String decisionLog(String namespace, String pod, String container) {
        StringBuilder out = new StringBuilder();
        for (boolean previous : new boolean[] {true, false}) {
            List<String> args = new ArrayList<>(List.of("logs", "-n", namespace, pod, "-c", container, "--timestamps"));
            if (previous) {
                args.add("--previous");
            }
            Command.Result r = cluster.kubectl(args.toArray(String[]::new));
            List<String> lines = r.stdout().lines()
                    .filter(l -> l.contains("CoordinatorLoop") || l.contains("InstanceObserver") || l.contains("WARN") || l.contains("ERROR"))
                    .toList();
            out.append("--- ").append(pod).append('/').append(container).append(previous ? " (previous run)" : "")
                    .append(": ").append(lines.size()).append(" decision and problem lines, last 80 ---\n");
            lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(l -> out.append(l).append('\n'));
            if (!r.stderr().isBlank() && !previous) {
                out.append(r.stderr());
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        forwarders.forEach(Process::destroy);
        cluster.close();
    }
}
