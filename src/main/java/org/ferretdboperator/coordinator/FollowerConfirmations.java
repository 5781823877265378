package org.ferretdboperator.coordinator;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.postgres.WalAcknowledgements;

/**
 * The primary's direct evidence that each standby follows it, on this process's monotonic clock only: each round
 * writes a WAL marker (noting when it was sent and its position) and reads what every streaming standby has flushed; a
 * standby that flushed a marker's position replied after that marker was sent. No wall clock of another host is read.
 */
final class FollowerConfirmations {

    private record Marker(long sentNanos, long lsn) {
    }

    private final WalAcknowledgements wal;
    private final LongSupplier nanos;
    private final long keepNanos;
    private final Deque<Marker> markers = new ArrayDeque<>();
    private final Map<String, Long> confirmedNanos = new HashMap<>();

    /** @param keepMillis how long a marker can still confirm anything (older confirmations never count) */
    FollowerConfirmations(WalAcknowledgements wal, LongSupplier nanos, long keepMillis) {
        this.wal = wal;
        this.nanos = nanos;
        this.keepNanos = keepMillis * 1_000_000L;
    }

    /**
     * One round: confirm the standbys that flushed earlier markers, then write a new marker. Called by one thread; the
     * SQL runs outside the lock, so the fencing watchdog reading {@link #confirmedAgoMillis} never waits on PostgreSQL.
     */
    void round() throws SQLException {
        Map<String, Long> flushed = wal.acknowledgedFlush();
        synchronized (this) {
            long now = nanos.getAsLong();
            while (!markers.isEmpty() && now - markers.peekFirst().sentNanos() > keepNanos) {
                markers.removeFirst();
            }
            flushed.forEach((member, flush) -> {
                if (!Lsn.known(flush)) {
                    return;
                }
                // the newest marker this standby has flushed
                for (Iterator<Marker> it = markers.descendingIterator(); it.hasNext();) {
                    Marker m = it.next();
                    if (m.lsn() <= flush) {
                        confirmedNanos.merge(member, m.sentNanos(), Math::max);
                        break;
                    }
                }
            });
        }
        long sent = nanos.getAsLong();
        long lsn = wal.writeMarker();
        if (Lsn.known(lsn)) {
            synchronized (this) {
                markers.addLast(new Marker(sent, lsn));
            }
        }
    }

    /** Forgets every marker and confirmation: the Lease is renewed again, or this member is no primary. */
    synchronized void reset() {
        markers.clear();
        confirmedNanos.clear();
    }

    /** Per standby: ms since the send of the newest marker it flushed. */
    synchronized Map<String, Long> confirmedAgoMillis() {
        long now = nanos.getAsLong();
        Map<String, Long> out = new HashMap<>();
        confirmedNanos.forEach((member, at) -> out.put(member, (now - at) / 1_000_000));
        return out;
    }
}
