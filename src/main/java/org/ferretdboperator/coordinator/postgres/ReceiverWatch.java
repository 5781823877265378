package org.ferretdboperator.coordinator.postgres;

/**
 * How long a standby's WAL receiver has gone without streaming steadily. A receiver that PostgreSQL restarts again and
 * again (each time it reports "streaming" for a moment, then the startup process rejects the leader's timeline because
 * this member holds WAL past the fork point) must not count as streaming: otherwise the down time never grows and the
 * member never rewinds. So a receiver counts as streaming only when the same receiver process (pid) was streaming at
 * the previous observation too.
 */
final class ReceiverWatch {

    private long lastSteadyNanos;
    private int lastStreamingPid;

    ReceiverWatch(long nowNanos) {
        this.lastSteadyNanos = nowNanos;
    }

    /** Records one observation of pg_stat_wal_receiver (status streaming or not, and its pid; 0 when none). */
    void observed(boolean streaming, int pid, long nowNanos) {
        if (streaming && pid != 0 && pid == lastStreamingPid) {
            lastSteadyNanos = nowNanos;
        }
        lastStreamingPid = streaming ? pid : 0;
    }

    /** Milliseconds since the receiver was last seen streaming steadily (since construction if never). */
    long downMillis(long nowNanos) {
        return Math.max(0, (nowNanos - lastSteadyNanos) / 1_000_000);
    }
}
