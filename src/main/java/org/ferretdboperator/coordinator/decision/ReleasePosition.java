package org.ferretdboperator.coordinator.decision;

import java.util.Optional;

/** The final position a member records in the Lease when it releases it. */
public final class ReleasePosition {

    /** What pg_control says about the local data directory's last shutdown. */
    public record Shutdown(boolean clean, long checkpointLsn, int timeline) {
    }

    private ReleasePosition() {
    }

    /**
     * A leaving former primary records the checkpoint of its clean shutdown (the end of its WAL), or unknown when it did
     * not shut down cleanly or pg_control is unreadable; a standby that gives up a Lease it could not use keeps the last
     * leader's final position as it was.
     *
     * @param formerPrimary     the local data directory last ran as a primary
     * @param recordedFinalLsn  the final position in the Lease's record now
     * @param shutdown          pg_control's shutdown state, empty when unreadable (only read for a former primary)
     */
    public static long finalLsn(boolean formerPrimary, long recordedFinalLsn, Optional<Shutdown> shutdown) {
        if (!formerPrimary) {
            return recordedFinalLsn;
        }
        return shutdown.filter(Shutdown::clean).map(Shutdown::checkpointLsn).orElse(Lsn.UNKNOWN);
    }

    /**
     * The record a member leaves in the Lease when it releases it: the final position, and the timeline that position
     * is on. A leader that promoted after its last renew (a handover target that is itself being stopped) has a newer
     * timeline than its record says; recording the old one would make its final position look like a point on the old
     * timeline that no member reached, and no member could then prove itself (seen: a cluster that never elected a
     * leader again after its primary and the standby it handed over to were deleted together).
     *
     * @param localTimeline the timeline the member observed itself on, and {@code localHistory} its history
     */
    public static LeaderRecord released(LeaderRecord recorded, boolean formerPrimary, Optional<Shutdown> shutdown,
            String handoverTo, int localTimeline, TimelineHistory localHistory) {
        long finalLsn = finalLsn(formerPrimary, recorded.finalLsn(), shutdown);
        LeaderRecord rec = recorded.withHandover(handoverTo, finalLsn);
        Optional<Shutdown> clean = formerPrimary ? shutdown.filter(Shutdown::clean) : Optional.empty();
        if (clean.isPresent() && clean.get().timeline() > recorded.timeline()) {
            int timeline = clean.get().timeline();
            rec = rec.withTimeline(timeline, localTimeline == timeline ? localHistory : recorded.history());
        }
        return rec;
    }
}
