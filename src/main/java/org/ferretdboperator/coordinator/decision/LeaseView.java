package org.ferretdboperator.coordinator.decision;

/**
 * The Lease as this coordinator sees it this tick. Expiry is judged only by local observation: how long the same
 * resourceVersion has been seen unchanged on this process's monotonic clock.
 *
 * @param exists              the Lease object exists
 * @param holder              holderIdentity, "" when released
 * @param resourceVersion     as last read
 * @param transitions         leaseTransitions: the term
 * @param unchangedForMillis  monotonic ms since this resourceVersion was first observed by this process
 * @param sinceOwnRenewMillis monotonic ms since the send time of this process's last successful write of the Lease
 *                            as holder, -1 if it has none
 * @param holderRenewalSeen   this process has watched the current holder renew the Lease at least once (it was
 *                            alive while that holder led, so it is not the first member back after a full outage)
 * @param record              leader annotations
 */
public record LeaseView(boolean exists, String holder, String resourceVersion, int transitions, long unchangedForMillis,
        long sinceOwnRenewMillis, boolean holderRenewalSeen, LeaderRecord record) {

    public static LeaseView absent() {
        return new LeaseView(false, "", null, 0, 0, -1, false, LeaderRecord.EMPTY);
    }

    public LeaseView {
        holder = holder == null ? "" : holder;
        record = record == null ? LeaderRecord.EMPTY : record;
    }

    public boolean hasHolder() {
        return !holder.isEmpty();
    }

    public boolean heldBy(String member) {
        return holder.equals(member);
    }

    /** Another member holds it and this process has not yet watched it go unrenewed for a whole leaseDuration. */
    public boolean liveHolderOtherThan(String self, long leaseDurationMillis) {
        return hasHolder() && !heldBy(self) && unchangedForMillis < leaseDurationMillis;
    }

    /**
     * The Lease carries no election record: it does not exist, or it was (re)created empty (Halt deletes it, a person
     * may delete it). Every leader writes its cluster's system identifier into the record, so a record without one was
     * never written by a leader. What the record proved (the synchronous set, the last leader's position) is then lost,
     * and {@link CandidateProof} falls back to every configured member's own published position.
     */
    public boolean recordMissing() {
        return !exists || record.systemIdentifier() == 0;
    }

    /** Nobody holds it, or its holder has not renewed it for a whole leaseDuration as observed here. */
    public boolean vacant(String self, long leaseDurationMillis) {
        return !hasHolder() || (!heldBy(self) && unchangedForMillis >= leaseDurationMillis);
    }
}
