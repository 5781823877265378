package org.ferretdboperator.coordinator.decision;

import java.util.Optional;

/** The final position a member records in the Lease when it releases it. */
public final class ReleasePosition {

    /** What pg_control says about the local data directory's last shutdown. */
    public record Shutdown(boolean clean, long checkpointLsn) {
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
}
