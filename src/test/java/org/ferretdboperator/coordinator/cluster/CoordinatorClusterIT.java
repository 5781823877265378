package org.ferretdboperator.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ferretdboperator.api.common.StandbyMode;
import org.ferretdboperator.api.common.StreamingMode;
import org.ferretdboperator.contract.CoordinatorEnvironment;
import org.ferretdboperator.coordinator.postgres.PostmasterPidFile;
import org.ferretdboperator.coordinator.process.LocalProcessRunner;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.testsupport.CoordinatorJvm;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.Prerequisite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three real coordinator processes (the packaged binary in coordinator mode) with real PostgreSQL 15 against a real
 * API server: bootstrap, a crash of the leader (SIGKILL of coordinator and postmaster), its rejoin, and a graceful stop
 * of the next leader, while a client keeps committing. Synchronous mode: no acknowledged commit may be lost, and at no
 * sampled moment may two pods carry the primary label.
 */
class CoordinatorClusterIT {

    static final String NS = "coordinator-cluster-it";
    static final String PG = "pg";
    static final Path BIN = Path.of(System.getenv().getOrDefault("PG_BIN_DIR", LocalProcessRunner.DEFAULT_PG_BIN_DIR));

    static LocalControlPlane controlPlane;
    static Path root;
    static final int[] PORTS = new int[3];
    static final Process[] COORDINATORS = new Process[3];

    @BeforeAll
    static void setUp() throws Exception {
        Prerequisite.require(Files.isExecutable(BIN.resolve("initdb")), "PostgreSQL binaries not found in " + BIN);
        controlPlane = LocalControlPlane.startDedicated("coordinator-cluster-apiserver");
        KubernetesClient k = controlPlane.admin();
        k.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
        root = Files.createTempDirectory("coordinator-cluster-it");
        LocalProcessRunner runner = new LocalProcessRunner(BIN, "postgres", root.resolve("x"));
        runner.handOver(root);
        Path secrets = root.resolve("secrets");
        for (String[] s : new String[][] { { "superuser", "postgres", "su-pw" }, { "replication", "replicator", "repl-pw" } }) {
            Files.createDirectories(secrets.resolve(s[0]));
            Files.writeString(secrets.resolve(s[0]).resolve("username"), s[1]);
            Files.writeString(secrets.resolve(s[0]).resolve("password"), s[2]);
        }
        for (int i = 0; i < 3; i++) {
            k.resource(new PodBuilder().withNewMetadata().withName(PG + "-" + i).withNamespace(NS).withLabels(Labels.postgresSelector(PG))
                    .endMetadata().withNewSpec().addNewContainer().withName("postgres").withImage("postgres:15").endContainer()
                    .endSpec().build()).create();
            Path dir = root.resolve("m" + i);
            Files.createDirectories(dir.resolve("sock"));
            runner.handOver(dir);
            runner.handOver(dir.resolve("sock"));
            try (ServerSocket s = new ServerSocket(0)) {
                PORTS[i] = s.getLocalPort();
            }
        }
        // all at once, as the StatefulSet (Parallel) starts them: the bootstrap member initialises only once every
        // other member has reported that it holds no data directory
        start(0);
        start(1);
        start(2);
        awaitRoles(Map.of(0, "primary", 1, "secondary", 2, "secondary"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (int i = 0; i < 3; i++) {
            stopHard(i);
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (root != null && System.getenv("KEEP_IT_DIRS") == null) {
            org.ferretdboperator.coordinator.postgres.InstanceControllerAccess.deleteTree(root);
        }
    }

    static void start(int i) throws IOException {
        Path dir = root.resolve("m" + i);
        ProcessBuilder pb = new ProcessBuilder(CoordinatorJvm.coordinatorCommand(controlPlane.projectDir())).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("coordinator.log").toFile()));
        // the same record the operator's pod template is made from, with what the kubelet and the volumes would provide
        Map<String, String> env = pb.environment();
        env.putAll(new CoordinatorEnvironment(PG + "-" + i, NS, "127.0.0.1", null, PG, null, 3, StreamingMode.SYNCHRONOUS,
                StandbyMode.HOT, CoordinatorEnvironment.DEFAULT_LEASE_DURATION_MS,
                CoordinatorEnvironment.DEFAULT_RENEW_DEADLINE_MS, CoordinatorEnvironment.DEFAULT_RETRY_PERIOD_MS,
                CoordinatorEnvironment.DEFAULT_MAX_LAG_BYTES, "127.0.0.1:" + PORTS[i],
                root.resolve("secrets/superuser").toString(), root.resolve("secrets/replication").toString(), List.of(),
                new CoordinatorEnvironment.Local(dir.resolve("data").toString(), PORTS[i], dir.resolve("sock").toString(),
                        "127.0.0.1", BIN.toString(), null, null, null, null, null, null, null)).toEnvironment());
        env.put("KUBECONFIG", controlPlane.kubeconfig().toString());
        env.put("QUARKUS_HTTP_PORT", "0");
        COORDINATORS[i] = pb.start();
    }

    /** SIGKILL of the coordinator and its postmaster at the same moment: a crashed pod. */
    static void stopHard(int i) {
        if (COORDINATORS[i] != null) {
            COORDINATORS[i].destroyForcibly();
        }
        if (root != null) {
            PostmasterPidFile.runningPostmaster(root.resolve("m" + i).resolve("data"))
                    .flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    static Map<Integer, String> roles() {
        Map<Integer, String> out = new HashMap<>();
        for (Pod pod : controlPlane.admin().pods().inNamespace(NS).withLabels(Labels.postgresSelector(PG)).list().getItems()) {
            String role = pod.getMetadata().getLabels().get(Labels.ROLE);
            if (role != null) {
                out.put(Integer.parseInt(pod.getMetadata().getName().substring(PG.length() + 1)), role);
            }
        }
        return out;
    }

    static void awaitRoles(Map<Integer, String> expected) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> roles().equals(expected));
    }

    /**
     * Labels of members whose processes run. A crashed member keeps its last label until its coordinator returns (each
     * coordinator patches only its own pod; in a cluster the kubelet marks that pod NotReady and Services drop it).
     */
    static Map<Integer, String> liveRoles() {
        Map<Integer, String> r = roles();
        r.keySet().removeIf(i -> COORDINATORS[i] == null || !COORDINATORS[i].isAlive());
        return r;
    }

    static int primary() {
        return liveRoles().entrySet().stream().filter(e -> e.getValue().equals("primary")).mapToInt(Map.Entry::getKey).findFirst()
                .orElse(-1);
    }

    static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", "su-pw");
        p.setProperty("targetServerType", "primary");
        p.setProperty("connectTimeout", "1");
        p.setProperty("socketTimeout", "10");
        StringBuilder hosts = new StringBuilder();
        for (int port : PORTS) {
            hosts.append(hosts.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + hosts + "/postgres", p);
    }

    /** Commits one row at a time until stopped, recording every acknowledged id; samples the primary labels meanwhile. */
    static final class Writer extends Thread {
        final Set<Integer> acknowledged = new ConcurrentSkipListSet<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger next = new AtomicInteger();
        volatile long longestGapMillis;

        Writer(int from) {
            next.set(from);
        }

        @Override
        public void run() {
            long lastAck = System.nanoTime();
            Connection c = null;
            while (!stop.get()) {
                int id = next.getAndIncrement();
                try {
                    if (c == null) {
                        c = connect();
                    }
                    try (Statement st = c.createStatement()) {
                        st.execute("INSERT INTO w VALUES (" + id + ")");
                    }
                    acknowledged.add(id);
                    long now = System.nanoTime();
                    longestGapMillis = Math.max(longestGapMillis, (now - lastAck) / 1_000_000);
                    lastAck = now;
                    Thread.sleep(20);
                } catch (SQLException e) {
                    try {
                        if (c != null) {
                            c.close();
                        }
                    } catch (SQLException ignored) {
                        // reconnect below
                    }
                    c = null;
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    static Set<Integer> rowsOnPrimary() throws SQLException {
        Set<Integer> out = new TreeSet<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM w")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    /** Runs a fault under write load; asserts no lost acknowledged commit and never two labelled primaries. */
    static long underLoad(int from, Runnable fault, int oldPrimary) throws Exception {
        Writer writer = new Writer(from);
        writer.start();
        Thread.sleep(1500);
        fault.run();
        List<Map<Integer, String>> samples = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<Integer, String> r = liveRoles();
            samples.add(r);
            int p = primary();
            return p >= 0 && p != oldPrimary && writer.acknowledged.stream().anyMatch(id -> id > from + 200);
        });
        writer.stop.set(true);
        writer.join();
        for (Map<Integer, String> sample : samples) {
            assertThat(sample.values().stream().filter("primary"::equals).count()).as("primaries in %s", sample).isLessThanOrEqualTo(1);
        }
        assertThat(rowsOnPrimary()).containsAll(writer.acknowledged);
        System.out.println("longest write gap " + writer.longestGapMillis + " ms");
        return writer.longestGapMillis;
    }

    @Test
    void failsOverWithoutLosingAcknowledgedCommitsAndRejoinsAndHandsOver() throws Exception {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE w (id int primary key)");
        }
        int crashed = primary();
        underLoad(0, () -> stopHard(crashed), crashed);
        int leader = primary();

        start(crashed);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> "secondary".equals(roles().get(crashed)));

        underLoad(100_000, () -> COORDINATORS[leader].destroy(), leader);
        await().atMost(Duration.ofSeconds(60)).until(() -> !COORDINATORS[leader].isAlive());
        // the JVM reports SIGTERM as 143; what matters is that PostgreSQL went through a clean (fast) shutdown
        assertThat(COORDINATORS[leader].exitValue()).isIn(0, 143);
        assertThat(org.ferretdboperator.coordinator.postgres.ControlFile.read(root.resolve("m" + leader).resolve("data"))
                .orElseThrow().state()).isEqualTo(org.ferretdboperator.coordinator.postgres.ControlFile.State.SHUT_DOWN);
        assertThat(roles()).doesNotContainKey(leader);
    }
}
