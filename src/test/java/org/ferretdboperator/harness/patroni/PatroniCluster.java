package org.ferretdboperator.harness.patroni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ferretdboperator.harness.HaSystem;
import org.ferretdboperator.harness.Harness;
import org.ferretdboperator.harness.HarnessTables;
import org.ferretdboperator.harness.Orphans;
import org.ferretdboperator.harness.PostgresOwnership;
import org.ferretdboperator.harness.PrimaryTimeline;
import org.ferretdboperator.harness.Settled;
import org.ferretdboperator.harness.Sql;
import org.ferretdboperator.harness.UnexpectedExits;
import org.ferretdboperator.testsupport.PostgresPrograms;

/**
 * The peer: three Patroni members (real agents, real PostgreSQL 15 servers from the same binaries as our harness) and
 * one etcd member as their DCS (v3 API), all on loopback ports, with files and logs under
 * target/harness/patroni-SYSTEM-N/. PostgreSQL gets the settings our coordinator writes where they bear on failover
 * (wal_retrieve_retry_interval 200 ms, so a re-pointed standby reconnects at once; the same WAL sender/receiver
 * timeouts), so the comparison is between the agents, not between PostgreSQL configurations. As an {@link HaSystem},
 * its route to the primary is GET /primary ({@link PrimaryFollower}), and Patroni's own word is /replica and the
 * sync_standby in GET /cluster.
 */
public final class PatroniCluster implements HaSystem, AutoCloseable {

    static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);
    /** The pod's terminationGracePeriodSeconds, as ours. */
    static final Duration GRACE_PERIOD = Duration.ofSeconds(30);
    static final String SCOPE = "harness";

    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private final PatroniSettings settings;
    private final Path root;
    private final Etcd etcd;
    private final Sql.Login superuser;
    private final List<PatroniMember> members = new ArrayList<>();
    private final UnexpectedExits unexpectedExits = new UnexpectedExits();
    private final HarnessTables tables = new HarnessTables();
    private PrimaryFollower follower;

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
                        tools.launch(harnessRoot, dir), cluster.unexpectedExits);
                Files.writeString(m.config(), cluster.config(m, tools, replication, rewind));
                cluster.members.add(m);
            }
            long start = System.nanoTime();
            cluster.members.forEach(PatroniMember::start);
            cluster.follower = new PrimaryFollower(cluster.members);
            Settled s = cluster.awaitSettled();
            Harness.log("%s: bootstrapped in %.1f s: primary %s, standbys %s", settings.system,
                    Harness.seconds(System.nanoTime() - start), s.primary(), s.standbys());
            try (Connection c = cluster.connect(s.primary(), 30)) {
                HarnessTables.create(c);
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

    @Override
    public Sql.Login superuser() {
        return superuser;
    }

    @Override
    public List<PatroniMember> members() {
        return List.copyOf(members);
    }

    PatroniMember member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member " + name));
    }

    @Override
    public String name() {
        return root.getFileName().toString();
    }

    /** {@code synchronous_mode: true} (see {@link PatroniSettings}). */
    @Override
    public boolean synchronous() {
        return true;
    }

    @Override
    public HarnessTables tables() {
        return tables;
    }

    @Override
    public Duration settleTimeout() {
        return SETTLE_TIMEOUT;
    }

    @Override
    public Duration loopPeriod() {
        return Duration.ofSeconds(settings.loopWait);
    }

    @Override
    public PrimaryTimeline primaryRoute() {
        return follower;
    }

    /** A member's answer reaches the follower at most one poll and one request timeout late. */
    @Override
    public Duration primaryRouteLag() {
        return PrimaryFollower.POLL.plus(PrimaryFollower.TIMEOUT);
    }

    @Override
    public String primaryCriterion() {
        return "answering 200 on /primary";
    }

    @Override
    public List<String> drainUnexpectedExits() {
        return unexpectedExits.drain();
    }

    @Override
    public Connection primaryConnection() throws SQLException {
        return connect(awaitSettled().primary(), 30);
    }

    /**
     * As the kubelet stops a deleted pod: a graceful delete is SIGTERM to the agent (Patroni stops PostgreSQL and, as
     * leader, releases its key) with the grace period, a forced one SIGKILL of the agent's and the postmaster's process
     * groups; a replacement is a new agent on the same directory, as the StatefulSet's new pod on the same volume.
     */
    @Override
    public void deletePods(List<String> names, boolean graceful, Runnable atSignal, Runnable beforeRestart,
            List<String> restart) {
        AtomicBoolean signalled = new AtomicBoolean();
        Runnable firstSignal = () -> {
            if (signalled.compareAndSet(false, true)) {
                atSignal.run();
            }
        };
        // every member at once, as the kubelets of their nodes would
        names.stream().map(this::member)
                .map(m -> CompletableFuture.runAsync(graceful ? () -> m.terminate(GRACE_PERIOD, firstSignal)
                        : () -> m.kill(firstSignal)))
                .toList().forEach(CompletableFuture::join);
        beforeRestart.run();
        restart.forEach(name -> member(name).start());
    }

    @Override
    public String agent() {
        return "Patroni";
    }

    @Override
    public List<String> claimedPrimaries() {
        return members.stream().filter(m -> m.rest("/primary", Duration.ofSeconds(2)) == 200).map(PatroniMember::name)
                .toList();
    }

    /** What a read-only load balancer checks. */
    @Override
    public String standbyRoleProblem(String standby) {
        int replica = member(standby).rest("/replica", Duration.ofSeconds(2));
        return replica == 200 ? null : "/replica answers " + replica;
    }

    /**
     * Patroni promotes only a member its /sync key names, and it writes that key only once the standby is synchronous
     * in pg_stat_replication, after synchronous_standby_names; until then a crash of the primary finds no failover
     * candidate.
     */
    @Override
    public String agentProblem(String primary, List<String> standbys) {
        return syncStandbyProblem(member(primary), standbys);
    }

    @Override
    public String settleDiagnostics() {
        StringBuilder logs = new StringBuilder();
        for (PatroniMember m : members) {
            logs.append("\n--- ").append(m.name()).append(": last Patroni log lines ---");
            m.recentLog(12).forEach(l -> logs.append("\n").append(l));
        }
        return logs.toString();
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
