package org.ferretdboperator.coordinator.lease;

import org.ferretdboperator.contract.LeaseAnnotations;

import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.ferretdboperator.coordinator.decision.LeaseView;

/**
 * Turns Lease reads into the decision's {@link LeaseView}: how long this process has seen the same resourceVersion (its
 * own monotonic clock, never the Lease's timestamps), and the send time of its own last successful write as holder.
 * Thread-safe: the fencing watchdog reads {@link #sinceOwnRenewMillis()} while the loop is busy.
 */
public final class LeaseTracker {

    private final LongSupplier nanos;
    private final String self;
    private LeaseSnapshot last;
    private String lastRv;
    private boolean initialised;
    private long writes;
    private long firstSeenNanos;
    private boolean changeSeen;
    private volatile long ownWriteSentNanos = Long.MIN_VALUE;

    public LeaseTracker(String self, LongSupplier nanos) {
        this.self = self;
        this.nanos = nanos;
    }

    /** A counter of this process's own writes; pass it to {@link #observed(Optional, long)} with a read started then. */
    public synchronized long writes() {
        return writes;
    }

    /**
     * Records a read that was sent when {@link #writes()} returned {@code writesAtRequest}; a read that raced one of this
     * process's own writes may predate it and is dropped (the own write's result is newer).
     */
    public synchronized void observed(Optional<LeaseSnapshot> snapshot, long writesAtRequest) {
        if (writesAtRequest == writes) {
            observed(snapshot);
        }
    }

    /** Records a successful read (empty: the Lease does not exist). */
    public synchronized void observed(Optional<LeaseSnapshot> snapshot) {
        LeaseSnapshot s = snapshot.orElse(null);
        String rv = s == null ? null : s.resourceVersion();
        if (!initialised || !Objects.equals(rv, lastRv)) {
            // a change watched by this process: the writer was alive while this process was
            changeSeen |= initialised;
            firstSeenNanos = nanos.getAsLong();
        }
        initialised = true;
        last = s;
        lastRv = rv;
        if (s == null || !s.holder().equals(self)) {
            ownWriteSentNanos = Long.MIN_VALUE;
        }
    }

    /** Records this process's successful write, sent at {@code sentNanos}, that left the Lease with {@code written}. */
    public synchronized void wrote(long sentNanos, LeaseSnapshot written) {
        writes++;
        observed(Optional.of(written));
        ownWriteSentNanos = written.holder().equals(self) ? sentNanos : Long.MIN_VALUE;
    }

    public long sinceOwnRenewMillis() {
        long sent = ownWriteSentNanos;
        return sent == Long.MIN_VALUE ? -1 : (nanos.getAsLong() - sent) / 1_000_000;
    }

    public synchronized Optional<LeaseSnapshot> last() {
        return Optional.ofNullable(last);
    }

    public synchronized LeaseView view() {
        if (last == null) {
            return LeaseView.absent();
        }
        return new LeaseView(true, last.holder(), last.resourceVersion(), last.transitions(),
                (nanos.getAsLong() - firstSeenNanos) / 1_000_000, sinceOwnRenewMillis(), changeSeen,
                LeaseAnnotations.decode(last.annotations()));
    }
}
