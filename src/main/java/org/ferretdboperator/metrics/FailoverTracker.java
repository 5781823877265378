package org.ferretdboperator.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Derives leader changes of one backend from the Lease and pod updates the operator watches, with the times (monotonic
 * nanoseconds) at which it saw them. It holds no clock and does no I/O, so every case is a unit test.
 *
 * <p>A change A to B starts at the last Lease update the operator saw from A (its last renewal, or its release): that
 * is when A stopped serving or lost the lease, give or take one retry period. It ends when B's pod is labelled
 * primary and B's member state says a healthy primary. It is a switchover when the Lease named B in
 * {@code handover-to} or A released the Lease itself; otherwise a failover. Each term is reported at most once.
 *
 * <p>Not thread-safe: the adapter feeds one tracker from one thread at a time.
 */
public final class FailoverTracker {

    private boolean seenLease;
    private String holder;
    /** When the operator last saw the current holder (or the releasing holder) write the Lease, if it saw it renew. */
    private Long lastWriteFromHolderNanos;
    private boolean holderRenewSeen;
    private String handoverTo;
    private boolean released;
    private long highestReportedTerm = Long.MIN_VALUE;
    private long term = Long.MIN_VALUE;
    private Pending pending;
    private final Map<String, MemberView> members = new HashMap<>();

    private record Pending(String from, String to, long term, LeaderChange.Reason reason, Long startNanos) {
    }

    /** A Lease add or update seen at {@code nowNanos}; returns the change it completes, if any. */
    public Optional<LeaderChange> lease(long nowNanos, LeaseView lease) {
        if (!seenLease) {
            // First sight (operator start): whatever term is running now began before we watched; never report it.
            seenLease = true;
            holder = lease.held() ? lease.holder() : null;
            handoverTo = lease.handoverTo();
            released = false;
            lastWriteFromHolderNanos = nowNanos;
            holderRenewSeen = false;
            highestReportedTerm = lease.transitions();
            term = lease.transitions();
            return Optional.empty();
        }
        if (lease.transitions() < term) {
            return Optional.empty(); // a delayed event from an earlier term
        }
        term = lease.transitions();
        if (!lease.held()) {
            if (holder != null) {
                // The holder released the Lease itself: it stopped serving now, on purpose.
                released = true;
                lastWriteFromHolderNanos = nowNanos;
                holderRenewSeen = true;
                handoverTo = lease.handoverTo() != null ? lease.handoverTo() : handoverTo;
            }
            return Optional.empty();
        }
        if (lease.holder().equals(holder) && !released) {
            lastWriteFromHolderNanos = nowNanos;
            holderRenewSeen = true;
            if (lease.handoverTo() != null) {
                handoverTo = lease.handoverTo();
            }
            return checkCompleted(nowNanos);
        }
        if (lease.holder().equals(holder) && released && lease.transitions() <= highestReportedTerm) {
            return Optional.empty();
        }
        // A new holder (or the old one taking the Lease back after releasing it: a new term all the same). The first
        // holder of a Lease that never had one is the initial election, not a change of primary.
        if (holder == null && pending == null) {
            highestReportedTerm = Math.max(highestReportedTerm, lease.transitions());
        } else if (lease.transitions() > highestReportedTerm) {
            Pending started = pending;
            if (started != null) {
                // The previous new holder never served: one outage, measured from its true start, ends with this holder.
                pending = new Pending(started.from(), lease.holder(), lease.transitions(), started.reason(), started.startNanos());
            } else {
                // The leaving holder writes the new holder and handover-to in one update (LeaseHolder#release), so
                // the handover is named in this update as often as in an earlier one.
                boolean switchover = released || Objects.equals(handoverTo, lease.holder())
                        || Objects.equals(lease.handoverTo(), lease.holder());
                Long start = holderRenewSeen ? lastWriteFromHolderNanos : null;
                pending = new Pending(holder, lease.holder(), lease.transitions(),
                        switchover ? LeaderChange.Reason.SWITCHOVER : LeaderChange.Reason.FAILOVER, start);
            }
        }
        holder = lease.holder();
        handoverTo = lease.handoverTo();
        released = false;
        lastWriteFromHolderNanos = nowNanos;
        holderRenewSeen = false;
        return checkCompleted(nowNanos);
    }

    /** A backend pod added or updated at {@code nowNanos}. */
    public Optional<LeaderChange> member(long nowNanos, MemberView member) {
        members.put(member.pod(), member);
        return checkCompleted(nowNanos);
    }

    /** A backend pod deleted. */
    public void memberGone(String pod) {
        members.remove(pod);
    }

    public Map<String, MemberView> members() {
        return Map.copyOf(members);
    }

    private Optional<LeaderChange> checkCompleted(long nowNanos) {
        if (pending == null) {
            return Optional.empty();
        }
        MemberView next = members.get(pending.to());
        if (next == null || !next.servesAsPrimary()) {
            return Optional.empty();
        }
        Pending done = pending;
        pending = null;
        highestReportedTerm = done.term();
        Optional<Duration> took = done.startNanos() == null ? Optional.empty()
                : Optional.of(Duration.ofNanos(Math.max(0, nowNanos - done.startNanos())));
        return Optional.of(new LeaderChange(done.from(), done.to(), done.term(), done.reason(), took));
    }
}
