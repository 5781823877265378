package org.ferretdboperator.harness.patroni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.ferretdboperator.harness.Harness;
import org.ferretdboperator.harness.Orphans;
import org.ferretdboperator.harness.PostgresOwnership;
import org.ferretdboperator.harness.Sql;
import org.ferretdboperator.testsupport.PostgresPrograms;

/**
 * The peer: three Patroni members (real agents, real PostgreSQL 15 servers from the same binaries as our harness) and
 * one etcd member as their DCS (v3 API), all on loopback ports, with files and logs under
 * target/harness/patroni-SYSTEM-N/. PostgreSQL gets the settings our coordinator writes where they bear on failover
 * (wal_retrieve_retry_interval 200 ms, so a re-pointed standby reconnects at once; the same WAL sender/receiver
 * timeouts), so the comparison is between the agents, not between PostgreSQL configurations.
 */
public final class PatroniCluster implements AutoCloseable {

    static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);
    static final String SCOPE = "harness";

    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private final PatroniSettings settings;
    private final Path root;
    private final Etcd etcd;
    private final Sql.Login superuser;
    private final List<PatroniMember> members = new ArrayList<>();
    private final List<String> unexpectedExits = new CopyOnWriteArrayList<>();
    private final AtomicLong writeIds = new AtomicLong();
    private PrimaryFollower follower;
    private int seedRows;

    /** A settled cluster: one primary, the others streaming from it. */
    public record Settled(String primary, List<String> standbys, long atNanos) {
    }

    private PatroniCluster(PatroniSettings settings, Path root, Etcd etcd, Sql.Login superuser) {
        this.settings = settings;
        this.root = root;
        this.etcd = etcd;
        this.superuser = superuser;
    }

    /** Starts etcd and three members, waits for Patroni to bootstrap them, and creates the harness tables. */
    public static PatroniCluster start(PatroniTools tools, PatroniSettings settings, Path projectDir) throws Exception {
        Path harnessRoot = projectDir.resolve("target").resolve("harness");
        Orphans.killWhenJvmExits(harnessRoot, "patroni-orphans",
                List.of("patroni-*/pg-*/patroni.pid", "patroni-*/etcd/etcd.pid", "patroni-*/pg-*/data/postmaster.pid"));
        Path root = harnessRoot.resolve(settings.system + "-" + CLUSTERS.incrementAndGet());
        Harness.deleteTree(root);
        Harness.log("%s: cluster in %s (%s)", settings.system, root, settings.describe());
        Etcd etcd = Etcd.start(tools.etcd, root.resolve("etcd"));
        Sql.Login superuser = new Sql.Login("postgres", randomPassword());
        PatroniCluster cluster = new PatroniCluster(settings, root, etcd, superuser);
        try {
            String replication = randomPassword();
            String rewind = randomPassword();
            for (int i = 0; i < 3; i++) {
                String name = "pg-" + i;
                Path dir = root.resolve(name);
                Files.createDirectories(dir);
                PostgresOwnership.handOver(dir);
                PatroniMember m = new PatroniMember(name, dir, Harness.freePort(), Harness.freePort(),
                        tools.launch(harnessRoot, dir), cluster.unexpectedExits::add);
                Files.writeString(m.config(), cluster.config(m, tools, replication, rewind));
                cluster.members.add(m);
            }
            long start = System.nanoTime();
            cluster.members.forEach(PatroniMember::start);
            cluster.follower = new PrimaryFollower(cluster.members);
            Settled s = cluster.awaitSettled(SETTLE_TIMEOUT);
            Harness.log("%s: bootstrapped in %.1f s: primary %s, standbys %s", settings.system,
                    Harness.seconds(System.nanoTime() - start), s.primary(), s.standbys());
            try (Connection c = cluster.connect(s.primary(), 30)) {
                Sql.exec(c, "CREATE TABLE harness_writes (id bigint PRIMARY KEY, source text NOT NULL, member text NOT NULL,"
                        + " at timestamptz NOT NULL DEFAULT clock_timestamp())");
                Sql.exec(c, "CREATE TABLE harness_seed (id int PRIMARY KEY, payload text NOT NULL)");
            }
            cluster.awaitReplayed();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private String config(PatroniMember m, PatroniTools tools, String replication, String rewind) {
        String pgParameters = """
                        wal_level: replica
                        wal_log_hints: 'on'
                        hot_standby: 'on'
                        hot_standby_feedback: 'on'
                        max_wal_senders: 16
                        max_replication_slots: 16
                        wal_keep_size: 128MB
                        wal_retrieve_retry_interval: 200ms
                        wal_receiver_status_interval: 1s
                        wal_sender_timeout: 10s
                        wal_receiver_timeout: 10s
                        synchronous_commit: 'on'
                        password_encryption: scram-sha-256
                """;
        return """
                scope: %s
                name: %s
                log:
                  level: INFO
                restapi:
                  listen: 127.0.0.1:%d
                  connect_address: 127.0.0.1:%d
                etcd3:
                  hosts: %s
                watchdog:
                  mode: 'off'
                bootstrap:
                  dcs:
                %s  initdb:
                  - encoding: UTF8
                  - locale: C.UTF-8
                  - data-checksums
                postgresql:
                  listen: 127.0.0.1:%d
                  connect_address: 127.0.0.1:%d
                  data_dir: %s
                  bin_dir: %s
                  pgpass: %s
                  pg_hba:
                  - local all all trust
                  - host replication replicator 127.0.0.1/32 scram-sha-256
                  - host all all 127.0.0.1/32 scram-sha-256
                  authentication:
                    superuser: {username: %s, password: '%s'}
                    replication: {username: replicator, password: '%s'}
                    rewind: {username: rewinder, password: '%s'}
                  parameters:
                    unix_socket_directories: '%s'
                """.formatted(SCOPE, m.name(), m.restPort(), m.restPort(), etcd.hostPort(), settings.dcsYaml(pgParameters),
                m.pgPort(), m.pgPort(), m.pgdata(), PostgresPrograms.BIN_DIR, m.dir().resolve("pgpass"), superuser.user(),
                superuser.password(), replication, rewind, m.socketDir());
    }

    public PatroniSettings settings() {
        return settings;
    }

    public Path root() {
        return root;
    }

    public Sql.Login superuser() {
        return superuser;
    }

    public PrimaryFollower follower() {
        return follower;
    }

    List<PatroniMember> members() {
        return members;
    }

    PatroniMember member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member " + name));
    }

    /** member name -> PostgreSQL port. */
    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        members.forEach(m -> ports.put(m.name(), m.pgPort()));
        return ports;
    }

    public long nextWriteId() {
        return writeIds.incrementAndGet();
    }

    int seedRows() {
        return seedRows;
    }

    /** Exits of an agent the harness did not cause, since the last call. */
    List<String> drainUnexpectedExits() {
        List<String> out = List.copyOf(unexpectedExits);
        unexpectedExits.removeAll(out);
        return out;
    }

    Connection connect(String member, int socketTimeoutSeconds) throws SQLException {
        return Sql.connect(member(member).pgPort(), superuser, "harness", socketTimeoutSeconds);
    }

    /** Commits {@code rows} rows on the primary and waits until every member has replayed them. */
    void seed(int rows) throws SQLException {
        Settled s = awaitSettled(SETTLE_TIMEOUT);
        try (Connection c = connect(s.primary(), 30); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO harness_seed (id, payload) SELECT g, repeat('x', 100) FROM generate_series(?, ?) g")) {
            ps.setInt(1, seedRows + 1);
            ps.setInt(2, seedRows + rows);
            ps.executeUpdate();
        }
        seedRows += rows;
        awaitReplayed();
    }

    /** Waits until every standby has replayed everything the primary has flushed. */
    void awaitReplayed() throws SQLException {
        Settled s = awaitSettled(SETTLE_TIMEOUT);
        String target;
        try (Connection c = connect(s.primary(), 10)) {
            target = Sql.queryString(c, "SELECT pg_current_wal_flush_lsn()::text");
        }
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        for (String standby : s.standbys()) {
            while (true) {
                try (Connection c = connect(standby, 5); PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
                    ps.setString(1, target);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            break;
                        }
                    }
                } catch (SQLException e) {
                    // not reachable yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(standby + " did not replay " + target + " within " + SETTLE_TIMEOUT);
                }
                Procs.sleep(Duration.ofMillis(50));
            }
        }
    }

    /**
     * When the cluster has settled, judged by the real path as our harness's Settling does: every agent and
     * PostgreSQL runs; exactly one member answers 200 on /primary and it is the one PostgreSQL out of recovery, it
     * streams to every other member, enforces a synchronous standby and commits a write; every other member is in
     * recovery, streams from it and answers 200 on /replica (what a read-only load balancer checks).
     */
    public Settled awaitSettled(Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("not checked yet");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object verdict = inspect();
            if (verdict instanceof Settled s) {
                return s;
            }
            last.set((String) verdict);
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (PatroniMember m : members) {
                    logs.append("\n--- ").append(m.name()).append(": last Patroni log lines ---");
                    m.recentLog(12).forEach(l -> logs.append("\n").append(l));
                }
                throw new AssertionError(settings.system + " cluster " + root.getFileName() + " did not settle within "
                        + timeout + "; last problem: " + last.get() + logs);
            }
            Procs.sleep(Duration.ofMillis(100));
        }
    }

    /** A {@link Settled}, or a String saying what is not settled yet. */
    Object inspect() {
        for (PatroniMember m : members) {
            if (!m.agentAlive()) {
                return m.name() + ": Patroni not running";
            }
            if (!m.postgresRunning()) {
                return m.name() + ": PostgreSQL not running";
            }
        }
        List<String> primaries = members.stream().filter(m -> m.rest("/primary", Duration.ofSeconds(2)) == 200)
                .map(PatroniMember::name).toList();
        if (primaries.size() != 1) {
            return "members answering 200 on /primary: " + primaries + " (want exactly one)";
        }
        String primary = primaries.get(0);
        PatroniMember p = member(primary);
        List<String> standbys = members.stream().map(PatroniMember::name).filter(n -> !n.equals(primary)).toList();
        try (Connection c = Sql.connect(p.pgPort(), superuser, "harness-inspector", 3)) {
            if (Sql.queryBoolean(c, "SELECT pg_is_in_recovery()")) {
                return primary + " answers /primary but is in recovery";
            }
            TreeSet<String> streaming = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    streaming.add(rs.getString(1));
                }
            }
            if (!streaming.containsAll(standbys)) {
                return primary + " streams to " + streaming + " (want " + standbys + ")";
            }
            String names = Sql.queryString(c, "SHOW synchronous_standby_names");
            if (names == null || names.isBlank()) {
                return primary + ": synchronous_standby_names is empty (synchronous_mode: true)";
            }
            Sql.exec(c, "CREATE TABLE IF NOT EXISTS harness_settle (at timestamptz)");
            Sql.exec(c, "INSERT INTO harness_settle VALUES (clock_timestamp())");
        } catch (SQLException e) {
            return primary + ": " + e.getMessage();
        }
        for (String s : standbys) {
            PatroniMember m = member(s);
            try (Connection c = Sql.connect(m.pgPort(), superuser, "harness-inspector", 3)) {
                if (!Sql.queryBoolean(c, "SELECT pg_is_in_recovery()")) {
                    return s + " is not in recovery";
                }
                Optional<Integer> sender = senderPort(c);
                if (sender.isEmpty() || sender.get() != p.pgPort()) {
                    return s + ": WAL receiver streams from port " + sender.orElse(null) + " (want " + primary + "'s "
                            + p.pgPort() + ")";
                }
            } catch (SQLException e) {
                return s + ": " + e.getMessage();
            }
            int replica = m.rest("/replica", Duration.ofSeconds(2));
            if (replica != 200) {
                return s + ": /replica answers " + replica;
            }
        }
        // Patroni's own word too: it promotes only a member its /sync key names, and it writes that key only once the
        // standby is synchronous in pg_stat_replication, after synchronous_standby_names; until then a crash of the
        // primary finds no failover candidate
        String syncProblem = syncStandbyProblem(p, standbys);
        if (syncProblem != null) {
            return syncProblem;
        }
        return new Settled(primary, standbys, System.nanoTime());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Null when the leader's GET /cluster lists a streaming standby with the role sync_standby, else what it lists. */
    private static String syncStandbyProblem(PatroniMember primary, List<String> standbys) {
        Optional<String> body = primary.restBody("/cluster", Duration.ofSeconds(2));
        if (body.isEmpty()) {
            return primary.name() + ": GET /cluster does not answer 200";
        }
        try {
            List<String> roles = new ArrayList<>();
            for (var member : JSON.readTree(body.get()).path("members")) {
                String name = member.path("name").asText();
                String role = member.path("role").asText();
                String state = member.path("state").asText();
                roles.add(name + "=" + role + "/" + state);
                if ("sync_standby".equals(role) && "streaming".equals(state) && standbys.contains(name)) {
                    return null;
                }
            }
            return primary.name() + ": no streaming sync_standby in Patroni's /cluster yet: " + roles;
        } catch (IOException e) {
            return primary.name() + ": GET /cluster: " + e.getMessage();
        }
    }

    private static Optional<Integer> senderPort(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sender_port FROM pg_stat_wal_receiver WHERE status = 'streaming'");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
        }
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
        for (PatroniMember m : members) {
            try {
                m.close();
            } catch (RuntimeException e) {
                Harness.log("%s: cleanup: %s", m.name(), e);
            }
            Harness.deleteTree(m.socketDir());
        }
        etcd.close();
        Harness.log("%s: cluster %s stopped", settings.system, root.getFileName());
    }

    private static String randomPassword() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
