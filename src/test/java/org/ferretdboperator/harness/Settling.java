package org.ferretdboperator.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When an HA system has settled, judged by the real path and never by the agents' word alone: every member's agent and
 * PostgreSQL run; exactly one member is primary to the system, and it is the one PostgreSQL that is not in recovery,
 * streams to every other member and commits a write; every other member is in recovery, streams from that primary and
 * is a standby to the system; in synchronous mode the primary enforces a synchronous standby set; and the system's own
 * last word ({@link HaSystem#agentProblem}) has no objection. Every system is judged by this one check.
 */
public final class Settling {

    private Settling() {
    }

    public static Settled await(HaSystem system, Duration timeout) {
        AtomicReference<String> lastProblem = new AtomicReference<>("not checked yet");
        AtomicReference<Settled> result = new AtomicReference<>();
        try {
            org.awaitility.Awaitility.await(system.name() + " settled").atMost(timeout)
                    .pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO)
                    // in this thread: a poll cut short by the deadline would report "interrupted", not what was wrong
                    .pollInSameThread()
                    .until(() -> {
                        Object verdict = inspect(system);
                        if (verdict instanceof Settled s) {
                            result.set(s);
                            return true;
                        }
                        lastProblem.set((String) verdict);
                        return false;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(system.name() + " did not settle within " + timeout + "; last problem: "
                    + lastProblem.get() + system.settleDiagnostics(), e);
        }
        return result.get();
    }

    /** A {@link Settled}, or a String saying what is not settled yet. */
    static Object inspect(HaSystem system) {
        for (HaMember m : system.members()) {
            if (!m.agentRunning()) {
                return m.name() + ": " + system.agent() + " not running";
            }
            if (!m.postgresRunning()) {
                return m.name() + ": PostgreSQL not running";
            }
        }
        List<String> members = List.copyOf(system.ports().keySet());
        List<String> primaries = system.claimedPrimaries();
        if (primaries.size() != 1) {
            return "members " + system.primaryCriterion() + ": " + primaries + " (want exactly one)";
        }
        String primary = primaries.get(0);
        int primaryPort = system.ports().get(primary);
        List<String> standbys = members.stream().filter(n -> !n.equals(primary)).toList();
        try (Connection c = Sql.connect(primaryPort, system.superuser(), "harness-inspector", 3)) {
            if (Sql.queryBoolean(c, "SELECT pg_is_in_recovery()")) {
                return primary + " is " + system.primaryCriterion() + " but is in recovery";
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
            if (system.synchronous()) {
                String names = Sql.queryString(c, "SHOW synchronous_standby_names");
                if (names == null || names.isBlank()) {
                    return primary + ": synchronous_standby_names is empty in synchronous mode";
                }
            }
        } catch (SQLException e) {
            return primary + ": " + e.getMessage();
        }
        for (String s : standbys) {
            try (Connection c = Sql.connect(system.ports().get(s), system.superuser(), "harness-inspector", 3)) {
                if (!Sql.queryBoolean(c, "SELECT pg_is_in_recovery()")) {
                    return s + " is not in recovery";
                }
                Optional<Integer> senderPort = senderPort(c);
                if (senderPort.isEmpty() || senderPort.get() != primaryPort) {
                    return s + ": WAL receiver streams from port " + senderPort.orElse(null) + " (want " + primary + "'s "
                            + primaryPort + ")";
                }
            } catch (SQLException e) {
                return s + ": " + e.getMessage();
            }
            String role = system.standbyRoleProblem(s);
            if (role != null) {
                return s + ": " + role;
            }
        }
        if (!commits(system, primaryPort)) {
            return primary + " does not commit a write";
        }
        String agent = system.agentProblem(primary, standbys);
        if (agent != null) {
            return agent;
        }
        return new Settled(primary, standbys, System.nanoTime());
    }

    private static Optional<Integer> senderPort(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sender_port FROM pg_stat_wal_receiver WHERE status = 'streaming'");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
        }
    }

    private static boolean commits(HaSystem system, int port) {
        try (Connection c = Sql.connect(port, system.superuser(), "harness-inspector", 3)) {
            Sql.exec(c, "CREATE TABLE IF NOT EXISTS harness_settle (at timestamptz)");
            Sql.exec(c, "INSERT INTO harness_settle VALUES (clock_timestamp())");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
