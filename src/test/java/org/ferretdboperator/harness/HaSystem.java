package org.ferretdboperator.harness;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HA system under test: three PostgreSQL members run by some agent (our coordinators, or Patroni's), with the
 * faults the experiments inject and what the shared checks read. {@link Experiment} runs the same writer, probes,
 * fault timing and checks on every implementation, so their figures compare; {@link Settling} judges every
 * implementation by PostgreSQL itself and asks the system only what PostgreSQL cannot tell.
 */
public interface HaSystem {

    /** For logs and failures: our namespace, or the peer's directory. */
    String name();

    /** Whether a commit waits for a synchronous standby (then no acknowledged write may be lost). */
    boolean synchronous();

    Sql.Login superuser();

    List<? extends HaMember> members();

    /** Member name -> PostgreSQL port, in member order. */
    default Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        members().forEach(m -> ports.put(m.name(), m.pgPort()));
        return ports;
    }

    /** The harness's tables and their ids, over every run on this system. */
    HarnessTables tables();

    /** How long the system may take to settle after a fault. */
    Duration settleTimeout();

    /** The period of the agents' loop: the fault's moment is randomised within one, or every run hits the same phase. */
    Duration loopPeriod();

    /** The client's route to the primary: the writer follows it, and dual primaries are counted on it. */
    PrimaryTimeline primaryRoute();

    /** How long the route's view may lag behind the members (a stale primary may outlive settling by this much). */
    Duration primaryRouteLag();

    /** What makes a member primary to the route, as a phrase: "labelled primary", "answering 200 on /primary". */
    String primaryCriterion();

    /** Exits of an agent the harness did not cause, since the last call. */
    List<String> drainUnexpectedExits();

    /**
     * {@code kubectl delete pod} of members and what follows: their processes stopped ({@code graceful}: SIGTERM to the
     * agent and the grace period, then SIGKILL of whatever is left; otherwise SIGKILL of every process at once, like
     * {@code --force} or a node crash), then the replacements started on the same volumes.
     *
     * @param atSignal      runs right before the processes are signalled (the fault's moment)
     * @param beforeRestart runs after the old processes are gone and before the replacements start
     * @param restart       the members that come back now
     */
    void deletePods(List<String> names, boolean graceful, Runnable atSignal, Runnable beforeRestart, List<String> restart);

    // --- what settling asks the system (null: nothing wrong) ------------------------------------------------------

    /** What runs PostgreSQL in each member, as a name for messages: "coordinator", "Patroni". */
    String agent();

    /** The members the system itself calls primary right now (not the route's possibly older view). */
    List<String> claimedPrimaries();

    /** Whether the system treats a member that PostgreSQL shows streaming from the primary as a standby. */
    String standbyRoleProblem(String standby);

    /** The system's own word on the settled roles, once PostgreSQL agrees with them. */
    String agentProblem(String primary, List<String> standbys);

    /** The agents' recent logs, for a cluster that did not settle. */
    String settleDiagnostics();

    /** A connection to the current primary, as the harness's own statements (seed rows, bulk rows) reach it. */
    Connection primaryConnection() throws SQLException;

    default Settled awaitSettled() {
        return Settling.await(this, settleTimeout());
    }

    default Connection connect(String member, int socketTimeoutSeconds) throws SQLException {
        return Sql.connect(ports().get(member), superuser(), "harness", socketTimeoutSeconds);
    }

    /** Waits until every standby has replayed everything the primary has flushed (a settled cluster). */
    default void awaitReplayed() throws SQLException {
        Settled s = awaitSettled();
        String target;
        try (Connection c = connect(s.primary(), 10)) {
            target = Sql.queryString(c, "SELECT pg_current_wal_flush_lsn()::text");
        }
        for (String standby : s.standbys()) {
            awaitReplayedOn(standby, target);
        }
    }

    default void awaitReplayedOn(String standby, String lsn) {
        org.awaitility.Awaitility.await(standby + " replayed " + lsn).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> {
                    try (Connection c = connect(standby, 5);
                            java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
                        ps.setString(1, lsn);
                        try (java.sql.ResultSet rs = ps.executeQuery()) {
                            return rs.next() && rs.getBoolean(1);
                        }
                    }
                });
    }
}
