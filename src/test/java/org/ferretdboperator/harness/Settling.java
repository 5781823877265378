package org.ferretdboperator.harness;


import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.ferretdboperator.support.Labels;

/**
 * When a cluster has settled, judged by the real path and never by the coordinators' own word: every member's
 * coordinator and PostgreSQL run; exactly one pod is labelled primary and it is the one PostgreSQL that is not in
 * recovery and commits a write; every other pod is labelled secondary, is in recovery and streams from that primary;
 * in Synchronous mode the primary enforces a synchronous standby set; and every coordinator's readiness endpoint (the
 * pod's readiness probe) says UP.
 */
final class Settling {

    /** A settled cluster. */
    record Settled(String primary, List<String> standbys, long atNanos) {
    }

    private Settling() {
    }

    static Settled await(Cluster cluster, Duration timeout) {
        AtomicReference<String> lastProblem = new AtomicReference<>("not checked yet");
        AtomicReference<Settled> result = new AtomicReference<>();
        try {
            org.awaitility.Awaitility.await("cluster " + cluster.spec().namespace() + " settled").atMost(timeout)
                    .pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO)
                    // in this thread: a poll cut short by the deadline would report "interrupted", not what was wrong
                    .pollInSameThread()
                    .until(() -> {
                        Object verdict = inspect(cluster);
                        if (verdict instanceof Settled s) {
                            result.set(s);
                            return true;
                        }
                        lastProblem.set((String) verdict);
                        return false;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder decisions = new StringBuilder();
            for (Member m : cluster.members()) {
                decisions.append("\n--- ").append(m.name()).append(": last coordinator decisions ---");
                m.recentDecisions(12).forEach(l -> decisions.append("\n").append(l));
                decisions.append("\n--- ").append(m.name()).append(": last server log lines ---");
                m.recentServerLog(15).forEach(l -> decisions.append("\n").append(l));
            }
            throw new AssertionError("cluster " + cluster.spec().namespace() + " did not settle within " + timeout
                    + "; last problem: " + lastProblem.get() + "; labels: " + cluster.labels().now().roles() + decisions, e);
        }
        return result.get();
    }

    /** A {@link Settled}, or a String saying what is not settled yet. */
    static Object inspect(Cluster cluster) {
        for (Member m : cluster.members()) {
            if (!m.coordinatorAlive()) {
                return m.name() + ": coordinator not running";
            }
            if (!m.postgresRunning()) {
                return m.name() + ": PostgreSQL not running";
            }
        }
        Map<String, String> roles = cluster.labels().now().roles();
        List<String> primaries = roles.entrySet().stream().filter(e -> Labels.ROLE_PRIMARY.equals(e.getValue()))
                .map(Map.Entry::getKey).toList();
        if (primaries.size() != 1) {
            return "primary labels on " + primaries + " (want exactly one)";
        }
        String primary = primaries.get(0);
        List<String> standbys = new ArrayList<>();
        for (Member m : cluster.members()) {
            if (!m.name().equals(primary)) {
                if (!Labels.ROLE_SECONDARY.equals(roles.get(m.name()))) {
                    return m.name() + ": role label " + roles.get(m.name()) + " (want secondary)";
                }
                standbys.add(m.name());
            }
        }
        Member p = cluster.member(primary);
        try (Connection c = Sql.connect(p.spec().pgPort(), cluster.superuser(), "harness-inspector", 3)) {
            if (Sql.queryBoolean(c, "SELECT pg_is_in_recovery()")) {
                return primary + " is labelled primary but is in recovery";
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
            if (cluster.spec().synchronous()) {
                String names = Sql.queryString(c, "SHOW synchronous_standby_names");
                if (names == null || names.isBlank()) {
                    return primary + ": synchronous_standby_names is empty in Synchronous mode";
                }
            }
        } catch (SQLException e) {
            return primary + ": " + e.getMessage();
        }
        for (String s : standbys) {
            Member m = cluster.member(s);
            try (Connection c = Sql.connect(m.spec().pgPort(), cluster.superuser(), "harness-inspector", 3)) {
                if (!Sql.queryBoolean(c, "SELECT pg_is_in_recovery()")) {
                    return s + " is labelled secondary but is not in recovery";
                }
                Optional<Integer> senderPort = senderPort(c);
                if (senderPort.isEmpty() || senderPort.get() != p.spec().pgPort()) {
                    return s + ": WAL receiver streams from port " + senderPort.orElse(null) + " (want " + primary + "'s "
                            + p.spec().pgPort() + ")";
                }
            } catch (SQLException e) {
                return s + ": " + e.getMessage();
            }
        }
        if (!commits(cluster, p)) {
            return primary + " does not commit a write";
        }
        // the readiness the pod's probe reads (and the Services route by) must agree with what was just checked
        for (Member m : cluster.members()) {
            String notReady = readinessProblem(m);
            if (notReady != null) {
                return m.name() + ": coordinator readiness " + notReady;
            }
        }
        return new Settled(primary, standbys, System.nanoTime());
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1)).build();

    /** Null when the coordinator's readiness endpoint says UP, else what it says. */
    static String readinessProblem(Member m) {
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + m.spec().httpPort()
                + org.ferretdboperator.contract.PodContract.COORDINATOR_READY_PATH);
        try {
            java.net.http.HttpResponse<String> r = HTTP.send(java.net.http.HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(2)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? null : r.statusCode() + " " + r.body().replaceAll("\\s+", " ");
        } catch (java.io.IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static Optional<Integer> senderPort(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sender_port FROM pg_stat_wal_receiver WHERE status = 'streaming'");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
        }
    }

    private static boolean commits(Cluster cluster, Member primary) {
        try (Connection c = Sql.connect(primary.spec().pgPort(), cluster.superuser(), "harness-inspector", 3)) {
            Sql.exec(c, "CREATE TABLE IF NOT EXISTS harness_settle (at timestamptz)");
            Sql.exec(c, "INSERT INTO harness_settle VALUES (clock_timestamp())");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
