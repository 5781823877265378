package org.ferretdboperator.harness;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.contract.PostgresTls;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.SocketDirectory;
import org.ferretdboperator.tls.CertificateAuthority;
import org.ferretdboperator.tls.CertificateRequest;
import org.ferretdboperator.tls.IssuedCertificate;

/**
 * One Postgres object's backend as the harness runs it: its pods as real Pod objects in the control plane (no
 * kubelet: the harness plays kubelet and StatefulSet controller), its Lease (empty holder, as the operator creates
 * it), the coordinators' ServiceAccount and Role, and one {@link Member} (coordinator JVM + PostgreSQL) per pod. As an
 * {@link HaSystem}, its route to the primary is the role label, and its agents' own word is their readiness.
 */
final class Cluster implements HaSystem, AutoCloseable {

    /** Holds a deleted pod in Terminating until the harness, playing kubelet, has stopped its processes. */
    static final String KUBELET_FINALIZER = "harness.ferretdboperator.org/kubelet";
    static final Duration GRACE_PERIOD = Duration.ofSeconds(30);
    /** The writer's label view and the settle check both poll; a stale label may outlive settling by this much. */
    static final Duration LABEL_POLL = Duration.ofMillis(500);

    private final LocalControlPlane controlPlane;
    private final ClusterSpec spec;
    private final Path root;
    private final Sql.Login superuser;
    private final List<Member> members = new ArrayList<>();
    private final RoleLabels labels;
    private final UnexpectedExits unexpectedExits = new UnexpectedExits();
    private final HarnessTables tables = new HarnessTables();

    private static final java.util.concurrent.atomic.AtomicInteger CLUSTERS = new java.util.concurrent.atomic.AtomicInteger();

    private Optional<Path> tlsDir = Optional.empty();

    private Cluster(LocalControlPlane controlPlane, ClusterSpec spec, Path root, Sql.Login superuser) {
        this.controlPlane = controlPlane;
        this.spec = spec;
        this.root = root;
        this.superuser = superuser;
        this.labels = new RoleLabels(controlPlane.admin(), spec.namespace(), spec.postgres());
    }

    /** A fresh cluster for {@code scenario} in its own namespace and directory under target/harness (not started). */
    static Cluster fresh(LocalControlPlane controlPlane, String scenario, boolean synchronous, long maxLagBytes,
            ClusterSpec.Timings timings) throws IOException {
        return fresh(controlPlane, scenario, synchronous, maxLagBytes, timings, false, Map.of());
    }

    /**
     * The same, with {@code tls}: a CA and a server certificate (for localhost and 127.0.0.1, where every member and
     * router listens here) made by the operator's own {@code tls} package, handed to the coordinators as the pod's
     * {@code <pg>-server-cert} volume would be ({@link PostgresTls}).
     */
    static Cluster fresh(LocalControlPlane controlPlane, String scenario, boolean synchronous, long maxLagBytes,
            ClusterSpec.Timings timings, boolean tls) throws IOException {
        return fresh(controlPlane, scenario, synchronous, maxLagBytes, timings, tls, Map.of());
    }

    /** {@link #fresh} with more environment for every coordinator (a pod template's optional settings). */
    static Cluster fresh(LocalControlPlane controlPlane, String scenario, boolean synchronous, long maxLagBytes,
            ClusterSpec.Timings timings, Map<String, String> extraEnvironment) throws IOException {
        return fresh(controlPlane, scenario, synchronous, maxLagBytes, timings, false, extraEnvironment);
    }

    private static Cluster fresh(LocalControlPlane controlPlane, String scenario, boolean synchronous, long maxLagBytes,
            ClusterSpec.Timings timings, boolean tls, Map<String, String> extraEnvironment) throws IOException {
        String namespace = ("ha-" + scenario + "-" + CLUSTERS.incrementAndGet()).replaceAll("[^a-z0-9-]", "-");
        if (namespace.length() > 63) {
            namespace = namespace.substring(0, 63).replaceAll("-+$", "");
        }
        ClusterSpec spec = new ClusterSpec(namespace, "pg", 3, synchronous, maxLagBytes, timings);
        Path projectDir = Harness.projectDir();
        Path root = projectDir.resolve("target").resolve("harness").resolve(namespace);
        Harness.deleteTree(root);
        Harness.log("%s: cluster in namespace %s, files in %s", scenario, namespace, root);
        return create(controlPlane, spec, root, projectDir, tls, extraEnvironment);
    }

    /** Creates the namespace, RBAC, Lease, pods and members (not yet started). */
    static Cluster create(LocalControlPlane controlPlane, ClusterSpec spec, Path root, Path projectDir) throws IOException {
        return create(controlPlane, spec, root, projectDir, false, Map.of());
    }

    static Cluster create(LocalControlPlane controlPlane, ClusterSpec spec, Path root, Path projectDir, boolean tls,
            Map<String, String> extraEnvironment) throws IOException {
        KubernetesClient admin = controlPlane.admin();
        Files.createDirectories(root);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(spec.namespace()).endMetadata().build())
                .create();
        CoordinatorAccess access = CoordinatorAccess.create(admin, controlPlane.caData(), spec.namespace(), spec.postgres(),
                spec.replicas());
        admin.leases().inNamespace(spec.namespace()).resource(new LeaseBuilder()
                .withNewMetadata().withName(Names.lease(spec.postgres())).withLabels(owned(spec.postgres())).endMetadata()
                .withNewSpec().endSpec()
                .build()).create();
        Sql.Login superuser = new Sql.Login("postgres", randomPassword());
        Path secrets = root.resolve("secrets");
        Path authDir = writeSecret(secrets.resolve(Names.postgresAuthSecret(spec.postgres())), superuser.user(), superuser.password());
        Path replDir = writeSecret(secrets.resolve(Names.replicationSecret(spec.postgres())), "replicator", randomPassword());

        Cluster cluster = new Cluster(controlPlane, spec, root, superuser);
        if (tls) {
            cluster.tlsDir = Optional.of(writeServerCertificate(secrets.resolve(spec.postgres() + "-server-cert")));
        }
        for (int i = 0; i < spec.replicas(); i++) {
            String name = spec.memberName(i);
            Path dir = root.resolve(name);
            Files.createDirectories(dir);
            PostgresOwnership.handOver(dir); // the pod's fsGroup makes its volume writable for the postgres user
            ApiServerProxy proxy = new ApiServerProxy(name, controlPlane.apiServerPort());
            Path kubeconfig = access.writeKubeconfig(dir.resolve("kubeconfig"), proxy.port(), spec.namespace());
            int pgPort = Harness.freePort();
            Path socketDir = SocketDirectory.create(spec.namespace() + "-" + name, pgPort);
            PostgresOwnership.handOver(socketDir);
            MemberSpec memberSpec = new MemberSpec(name, i, dir, pgPort, socketDir, Harness.freePort(), kubeconfig);
            // a coordinator must never crash: every exit the harness did not cause becomes a failed check of the run
            Map<String, String> environment = new LinkedHashMap<>(CoordinatorBinary.environment(spec, memberSpec, authDir, replDir));
            cluster.tlsDir.ifPresent(tlsDir -> environment.put(PostgresTls.ENV_DIR, tlsDir.toString()));
            environment.putAll(extraEnvironment);
            cluster.members.add(new Member(memberSpec, proxy, projectDir, environment, cluster.unexpectedExits));
            cluster.createPod(name, i);
        }
        return cluster;
    }

    ClusterSpec spec() {
        return spec;
    }

    Path root() {
        return root;
    }

    @Override
    public String name() {
        return spec.namespace();
    }

    @Override
    public boolean synchronous() {
        return spec.synchronous();
    }

    @Override
    public Sql.Login superuser() {
        return superuser;
    }

    @Override
    public HarnessTables tables() {
        return tables;
    }

    @Override
    public Duration settleTimeout() {
        return Experiment.SETTLE_TIMEOUT;
    }

    @Override
    public Duration loopPeriod() {
        return Duration.ofMillis(spec.timings().retryPeriodMillis());
    }

    @Override
    public PrimaryTimeline primaryRoute() {
        return labels;
    }

    @Override
    public Duration primaryRouteLag() {
        return LABEL_POLL;
    }

    @Override
    public String primaryCriterion() {
        return "labelled primary";
    }

    RoleLabels labels() {
        return labels;
    }

    @Override
    public List<Member> members() {
        return List.copyOf(members);
    }

    /**
     * Cuts every member's coordinator off the API server at once (each member reaches it through its own proxy), as
     * an API server or etcd outage, or a partition of the control plane, does; PostgreSQL traffic is untouched.
     */
    void cutEveryMemberFromApi(ApiServerProxy.Cut how) throws IOException {
        for (Member m : members) {
            m.proxy().cut(how);
        }
    }

    /** Reconnects every member that {@link #cutEveryMemberFromApi} cut off. */
    void restoreEveryMemberToApi() throws IOException {
        for (Member m : members) {
            m.proxy().restore();
        }
    }

    Member member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member " + name));
    }

    KubernetesClient admin() {
        return controlPlane.admin();
    }

    /**
     * Starts every member and waits until the cluster settles (the coordinators bootstrap it: initdb on the first
     * member, clones on the others), then creates the harness's tables.
     */
    Settled bootstrap() throws java.sql.SQLException {
        long start = System.nanoTime();
        members.forEach(Member::start);
        Settled settled = awaitSettled();
        Harness.log("%s: bootstrapped in %.1f s: primary %s, standbys %s", spec.namespace(),
                Harness.seconds(System.nanoTime() - start), settled.primary(), settled.standbys());
        try (java.sql.Connection c = primaryConnection()) {
            HarnessTables.create(c);
        }
        awaitReplayed();
        return settled;
    }

    @Override
    public List<String> drainUnexpectedExits() {
        return unexpectedExits.drain();
    }

    @Override
    public String agent() {
        return "coordinator";
    }

    @Override
    public List<String> claimedPrimaries() {
        return labels.now().primaries();
    }

    @Override
    public String standbyRoleProblem(String standby) {
        String role = labels.now().roles().get(standby);
        return Labels.ROLE_SECONDARY.equals(role) ? null : "role label " + role + " (want secondary)";
    }

    /** The readiness the pods' probes read (and the Services route by) must agree with what PostgreSQL showed. */
    @Override
    public String agentProblem(String primary, List<String> standbys) {
        for (Member m : members) {
            String notReady = m.readinessProblem();
            if (notReady != null) {
                return m.name() + ": coordinator readiness " + notReady;
            }
        }
        return null;
    }

    @Override
    public String settleDiagnostics() {
        StringBuilder out = new StringBuilder("; labels: ").append(labels.now().roles());
        for (Member m : members) {
            out.append("\n--- ").append(m.name()).append(": last coordinator decisions ---");
            m.recentDecisions(12).forEach(l -> out.append("\n").append(l));
            out.append("\n--- ").append(m.name()).append(": last server log lines ---");
            m.recentServerLog(15).forEach(l -> out.append("\n").append(l));
        }
        return out.toString();
    }

    /**
     * A connection to the current primary: the one member labelled primary whose PostgreSQL is out of recovery. It
     * does not wait for the cluster to settle, because scenarios call it while they hold a member back on purpose (a
     * frozen WAL sender keeps a standby from streaming, and so from being ready).
     */
    @Override
    public java.sql.Connection primaryConnection() throws java.sql.SQLException {
        String primary = org.awaitility.Awaitility.await(spec.namespace() + ": one writable member labelled primary")
                .atMost(Experiment.SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(100)).pollInSameThread()
                .until(this::writablePrimary, java.util.Optional::isPresent).orElseThrow();
        return Sql.connect(member(primary).spec().pgPort(), superuser, "harness", 30);
    }

    private java.util.Optional<String> writablePrimary() {
        List<String> primaries = labels().primaries();
        if (primaries.size() != 1) {
            return java.util.Optional.empty();
        }
        try (java.sql.Connection c = Sql.connect(member(primaries.get(0)).spec().pgPort(), superuser, "harness-inspector", 3)) {
            return Sql.queryBoolean(c, "SELECT pg_is_in_recovery()") ? java.util.Optional.empty()
                    : java.util.Optional.of(primaries.get(0));
        } catch (java.sql.SQLException e) {
            return java.util.Optional.empty();
        }
    }

    // --- pods, as the StatefulSet controller and the kubelet handle them ---------------------------------------

    private void createPod(String name, int ordinal) {
        Map<String, String> labels = new LinkedHashMap<>(Labels.postgresSelector(spec.postgres()));
        labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        labels.put("statefulset.kubernetes.io/pod-name", name);
        labels.put("apps.kubernetes.io/pod-index", Integer.toString(ordinal));
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withLabels(labels).withFinalizers(KUBELET_FINALIZER).endMetadata()
                .withNewSpec()
                .withHostname(name).withSubdomain(Names.governing(spec.postgres()))
                .withServiceAccountName(Names.coordinatorAccount(spec.postgres()))
                .withTerminationGracePeriodSeconds(GRACE_PERIOD.toSeconds())
                .addNewContainer().withName(PodContract.POSTGRES_CONTAINER).withImage("postgres:15").endContainer()
                .addNewContainer().withName(PodContract.COORDINATOR_CONTAINER).withImage("ferretdb-operator:harness")
                .endContainer()
                .endSpec()
                .build();
        admin().pods().inNamespace(spec.namespace()).resource(pod).create();
    }

    /**
     * {@code kubectl delete pod} of several members at once, and what follows in a real cluster: each pod turns
     * Terminating, its kubelet stops its processes ({@code graceful}: SIGTERM and the grace period; otherwise SIGKILL at
     * once, like {@code --force} or a node crash), the pod object goes, and the StatefulSet controller (Parallel
     * policy) creates a fresh pod of the same name (no role label) that starts on the same volume.
     *
     * @param atSignal      runs right before the processes are signalled (the fault's moment)
     * @param beforeRestart runs after the old pods are gone and before the new ones start
     * @param restart       the members that come back now (the others stay away until {@link #recreatePod})
     */
    @Override
    public void deletePods(List<String> names, boolean graceful, Runnable atSignal, Runnable beforeRestart,
            List<String> restart) {
        for (String name : names) {
            admin().pods().inNamespace(spec.namespace()).withName(name).delete();
        }
        atSignal.run();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (String name : names) {
            Member m = member(name);
            stops.add(CompletableFuture.runAsync(() -> {
                if (graceful) {
                    m.terminate(GRACE_PERIOD);
                } else {
                    m.kill();
                }
                removeKubeletFinalizer(name);
            }));
        }
        stops.forEach(CompletableFuture::join);
        beforeRestart.run();
        for (String name : restart) {
            recreatePod(name);
        }
    }

    /** The kubelet is done with the pod: the API server removes the object. */
    private void removeKubeletFinalizer(String name) {
        dropFinalizers(name);
        org.awaitility.Awaitility.await(name + " pod object gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> admin().pods().inNamespace(spec.namespace()).withName(name).get() == null);
    }

    /** A merge patch, not an update: the coordinator patches the same pod concurrently (its label, its state). */
    private void dropFinalizers(String pod) {
        admin().pods().inNamespace(spec.namespace()).withName(pod).patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"metadata\":{\"finalizers\":null}}");
    }

    /** The StatefulSet controller's replacement pod, and its containers starting on the member's volume. */
    void recreatePod(String name) {
        Member m = member(name);
        createPod(name, m.spec().ordinal());
        m.start();
    }

    /** Kills a member's processes without touching its pod object (a container crash the kubelet restarts). */
    void crashContainers(String name) {
        member(name).kill();
    }

    // --- teardown -----------------------------------------------------------------------------------------------

    @Override
    public void close() {
        for (Member m : members) {
            try {
                m.close();
            } catch (RuntimeException e) {
                Harness.log("%s: cleanup: %s", m.name(), e);
            }
            m.proxy().close();
        }
        labels.close();
        try {
            for (Pod p : admin().pods().inNamespace(spec.namespace()).list().getItems()) {
                dropFinalizers(p.getMetadata().getName());
            }
            admin().namespaces().withName(spec.namespace()).delete();
        } catch (RuntimeException e) {
            Harness.log("namespace %s: cleanup: %s", spec.namespace(), e);
        }
        for (Member m : members) {
            Harness.deleteTree(m.spec().pgdata()); // keep logs, drop data
            Harness.deleteTree(m.spec().socketDir());
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    static Map<String, String> owned(String postgres) {
        Map<String, String> labels = new LinkedHashMap<>(Labels.postgresSelector(postgres));
        labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        return labels;
    }

    /** PostgreSQL's certificate directory when the cluster runs with TLS. */
    Optional<Path> tlsDir() {
        return tlsDir;
    }

    /** ca.crt, tls.crt and tls.key as cert-manager and the operator write them, owned by PostgreSQL's OS user. */
    private static Path writeServerCertificate(Path dir) throws IOException {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create("harness-ca", "kubedb", now.minusSeconds(60), Duration.ofDays(1));
        IssuedCertificate server = ca.issue(new CertificateRequest("pg", "kubedb", "server", List.of("localhost"),
                List.of("127.0.0.1"), now.minusSeconds(60), Duration.ofDays(1), CertificateRequest.Usage.SERVER));
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : Map.of(PostgresTls.CA_FILE, ca.certificatePem(), PostgresTls.CERT_FILE,
                server.certificatePem(), PostgresTls.KEY_FILE, server.keyPem()).entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, e.getValue());
            PostgresOwnership.handOver(file);
        }
        PostgresOwnership.handOver(dir);
        return dir;
    }

    private static Path writeSecret(Path dir, String username, String password) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : Map.of("username", username, "password", password).entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, e.getValue());
        }
        return dir;
    }

    private static String randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static void uncheckedCreateDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
