package org.ferretdboperator.coordinator;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.coordinator.decision.ApiOutageFailsafe.RenewFailures;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.lease.LeaseConflictException;
import org.ferretdboperator.coordinator.lease.LeaseSnapshot;
import org.ferretdboperator.coordinator.lease.LeaseStore;
import org.ferretdboperator.coordinator.lease.LeaseTracker;
import org.ferretdboperator.coordinator.lease.RenewFailure;
import org.jboss.logging.Logger;

/**
 * Every write this member makes to the Lease, and the record it keeps renewed between ticks.
 *
 * <p>Locking: one lock guards the compare-and-swap writes and the held state ({@code holding}, term, record). The
 * loop's writes, {@link #release}, {@link #stopHolding} and the background {@link #renewInBackground} each read and
 * change that state only while holding it, and write the Lease inside it. So a background renew writes exactly the
 * record of the loop's last write, and never after a release or a fence has ended holding.
 */
final class LeaseHolder {

    private static final Logger LOG = Logger.getLogger(LeaseHolder.class);

    private final String self;
    private final LeaseStore leases;
    private final LeaseTracker tracker;
    private final LongSupplier nanos;
    private final Object lock = new Object();

    /** While true, {@link #renewInBackground()} renews the Lease with {@link #heldRecord}. Written under {@link #lock}. */
    private volatile boolean holding;
    private int heldTerm;
    private LeaderRecord heldRecord;
    /** What the Lease writes since the last successful one met; REFUSED stays until a write succeeds. */
    private volatile RenewFailures failures = RenewFailures.NONE;
    /** A Lease write has been sent and not answered yet. */
    private volatile boolean writeInFlight;
    private volatile PrimaryHeartbeat heartbeat = new PrimaryHeartbeat(Optional.empty());
    private volatile BooleanSupplier primaryRunning = () -> false;

    LeaseHolder(String self, LeaseStore leases, LeaseTracker tracker, LongSupplier nanos) {
        this.self = self;
        this.leases = leases;
        this.tracker = tracker;
        this.nanos = nanos;
    }

    /** The dead-man's switch refreshed after each successful renew while {@code primaryRunning} says PostgreSQL is primary. */
    void heartbeat(PrimaryHeartbeat beat, BooleanSupplier primary) {
        this.heartbeat = beat;
        this.primaryRunning = primary;
    }

    /**
     * What the Lease writes since this member's last successful one met (the API-outage failsafe's first condition). A
     * write still waiting for its answer counts as unanswered: right after an outage the first renew over a new
     * connection can take most of renewDeadline, and the next one is then in flight when the deadline passes.
     */
    RenewFailures renewFailures() {
        RenewFailures f = failures;
        return f == RenewFailures.NONE && writeInFlight ? RenewFailures.UNANSWERED : f;
    }

    /** {@link #holding()} without waiting for a Lease write in flight (for the watchdog and the failsafe thread). */
    boolean holdingNow() {
        return holding;
    }

    boolean holding() {
        synchronized (lock) {
            return holding;
        }
    }

    /** Compare-and-swap the Lease to this member (acquire or renew); from then on the background renews this record. */
    void write(int term, LeaderRecord record) throws LeaseConflictException {
        synchronized (lock) {
            writeLocked(term, record);
        }
    }

    private void writeLocked(int term, LeaderRecord record) throws LeaseConflictException {
        Optional<LeaseSnapshot> expected = tracker.last();
        long sent = nanos.getAsLong();
        writeInFlight = true;
        try {
            LeaseSnapshot written = leases.write(expected.orElse(null), self, term, LeaseAnnotations.encode(record));
            tracker.wrote(sent, written);
            heldTerm = term;
            heldRecord = record;
            holding = true;
            failures = RenewFailures.NONE;
            if (primaryRunning.getAsBoolean()) {
                heartbeat.beat();
            }
        } catch (LeaseConflictException e) {
            failures = RenewFailures.REFUSED;
            holding = false;
            heartbeat.stop();
            throw e;
        } catch (RuntimeException e) {
            if (failures != RenewFailures.REFUSED) {
                failures = RenewFailure.of(e);
            }
            throw e;
        } finally {
            writeInFlight = false;
        }
    }

    /** Leaves the Lease to {@code handoverTo}, or vacant when null, with {@code record}; ends holding first. */
    void release(String handoverTo, int term, LeaderRecord record) throws LeaseConflictException {
        synchronized (lock) {
            holding = false;
            heartbeat.stop();
            // the background renewer may have moved the resourceVersion since the tick began
            Optional<LeaseSnapshot> expected = tracker.last();
            LeaseSnapshot written = leases.write(expected.orElse(null), handoverTo == null ? "" : handoverTo, term,
                    LeaseAnnotations.encode(record));
            tracker.wrote(nanos.getAsLong(), written);
        }
    }

    /** PostgreSQL was fenced: renew no more, so the Lease lapses and a standby can take over. */
    void stopHolding() {
        synchronized (lock) {
            holding = false;
            heartbeat.stop();
        }
    }

    /** Refreshes the dead-man's switch while the primary serves through an API outage (the failsafe holds). */
    void beatWithoutRenewal() {
        // not under the lock: a renew hanging on the unreachable API server holds it
        if (holding && primaryRunning.getAsBoolean()) {
            heartbeat.beat();
        }
    }

    /**
     * Renews the Lease between ticks while this member holds it, so a slow action (a primary starting, a promotion)
     * never starves renewal. A lost compare-and-swap stops it; the loop then sees the new holder and fences.
     */
    void renewInBackground() {
        try {
            synchronized (lock) {
                if (!holding) {
                    return;
                }
                Optional<LeaseSnapshot> last = tracker.last();
                if (last.isEmpty() || !last.get().holder().equals(self)) {
                    holding = false;
                    return;
                }
                writeLocked(heldTerm, heldRecord);
            }
        } catch (LeaseConflictException e) {
            LOG.warnf("background renew lost the Lease: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.debugf("background renew failed: %s", e.getMessage());
        }
    }
}
