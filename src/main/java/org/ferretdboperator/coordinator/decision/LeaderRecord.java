package org.ferretdboperator.coordinator.decision;

import java.util.Set;
import org.ferretdboperator.contract.ForcedFailoverRecord;

/**
 * What the leader writes into the Lease's annotations with every renew, and what a leaving leader leaves behind.
 *
 * @param leaderAddress     host:port of the leader's PostgreSQL
 * @param leaderLsn         leader's flushed LSN at its last renew
 * @param timeline          leader's timeline
 * @param history           leader's timeline history (fork points of ancestor timelines)
 * @param systemIdentifier  the cluster's system identifier (0 before bootstrap)
 * @param syncMembers       Synchronous: the quorum set, always a superset of what PostgreSQL enforces;
 *                          Asynchronous: standbys streaming at the last renew
 * @param syncQuorum        k of {@code ANY k (...)}; 0 in Asynchronous mode
 * @param handoverTo        graceful stop: the member the leaving leader handed the Lease to
 * @param finalLsn          graceful stop: the leaving leader's last checkpoint after a clean shutdown (end of its WAL)
 * @param forcedFailover    the last forced failover and what it may have lost, carried along by every later leader;
 *                          null when there was none
 */
public record LeaderRecord(String leaderAddress, long leaderLsn, int timeline, TimelineHistory history,
        long systemIdentifier, Set<String> syncMembers, int syncQuorum, String handoverTo, long finalLsn,
        ForcedFailoverRecord forcedFailover) {

    public static final LeaderRecord EMPTY = new LeaderRecord(null, Lsn.UNKNOWN, 0, TimelineHistory.EMPTY, 0, Set.of(), 0,
            null, Lsn.UNKNOWN);

    public LeaderRecord {
        syncMembers = Set.copyOf(syncMembers);
        history = history == null ? TimelineHistory.EMPTY : history;
    }

    /** A record without a forced failover in its history. */
    public LeaderRecord(String leaderAddress, long leaderLsn, int timeline, TimelineHistory history, long systemIdentifier,
            Set<String> syncMembers, int syncQuorum, String handoverTo, long finalLsn) {
        this(leaderAddress, leaderLsn, timeline, history, systemIdentifier, syncMembers, syncQuorum, handoverTo, finalLsn,
                null);
    }

    public LeaderRecord withTimeline(int tl, TimelineHistory h) {
        return new LeaderRecord(leaderAddress, leaderLsn, tl, h, systemIdentifier, syncMembers, syncQuorum, handoverTo,
                finalLsn, forcedFailover);
    }

    public LeaderRecord withHandover(String to, long lsn) {
        return new LeaderRecord(leaderAddress, leaderLsn, timeline, history, systemIdentifier, syncMembers, syncQuorum, to,
                lsn, forcedFailover);
    }

    public LeaderRecord withForcedFailover(ForcedFailoverRecord forced) {
        return new LeaderRecord(leaderAddress, leaderLsn, timeline, history, systemIdentifier, syncMembers, syncQuorum,
                handoverTo, finalLsn, forced);
    }
}
