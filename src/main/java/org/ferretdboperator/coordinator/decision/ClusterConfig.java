package org.ferretdboperator.coordinator.decision;

import java.util.List;

/**
 * What the Postgres object asks of the cluster, as the coordinator was started with it.
 *
 * @param members                  every member's name in ordinal order (pod names {@code <sts>-0..replicas-1})
 * @param synchronous              Synchronous streaming mode (quorum commit, failover only with proof of every
 *                                 acknowledged commit); otherwise Asynchronous
 * @param maxLagBytes              Asynchronous mode: a standby further behind the leader's last published LSN never promotes
 * @param leaseDurationMillis      a follower takes over after observing the Lease unchanged this long
 * @param renewDeadlineMillis      a leader fences itself when it has not renewed for this long
 * @param retryPeriodMillis        tick period
 * @param recloneAfterMillis       a standby that cannot stream from a live leader for this long is re-cloned
 * @param primaryStartTimeoutMillis a Lease holder whose PostgreSQL has not run as primary for this long (it cannot
 *                                 start, or crash recovery takes that long) stops it and releases the Lease, so a
 *                                 standby that can prove itself may take over (Patroni's primary_start_timeout)
 */
public record ClusterConfig(List<String> members, boolean synchronous, long maxLagBytes, long leaseDurationMillis,
        long renewDeadlineMillis, long retryPeriodMillis, long recloneAfterMillis, long primaryStartTimeoutMillis) {

    /** Patroni's default primary_start_timeout. */
    public static final long DEFAULT_PRIMARY_START_TIMEOUT_MS = 300_000;

    public ClusterConfig(List<String> members, boolean synchronous, long maxLagBytes, long leaseDurationMillis,
            long renewDeadlineMillis, long retryPeriodMillis, long recloneAfterMillis) {
        this(members, synchronous, maxLagBytes, leaseDurationMillis, renewDeadlineMillis, retryPeriodMillis, recloneAfterMillis,
                DEFAULT_PRIMARY_START_TIMEOUT_MS);
    }

    public ClusterConfig {
        members = List.copyOf(members);
        if (renewDeadlineMillis >= leaseDurationMillis) {
            throw new IllegalArgumentException("renewDeadlineMillis (" + renewDeadlineMillis
                    + ") must be below leaseDurationMillis (" + leaseDurationMillis + ")");
        }
    }

    /** Ordinal of a member name (trailing number), for tie-breaks; unknown names sort last. */
    public int ordinal(String member) {
        int index = members.indexOf(member);
        return index < 0 ? Integer.MAX_VALUE : index;
    }

    public boolean isBootstrapMember(String member) {
        return !members.isEmpty() && members.get(0).equals(member);
    }
}
