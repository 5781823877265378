package org.ferretdboperator.coordinator.decision;

/**
 * A peer's published state and how long ago (monotonic, local) it last changed.
 */
public record PeerView(String name, MemberState state, long unchangedForMillis) {

    /** The peer's LSN is final for this Lease version: its WAL receiver stopped after the Lease went unrenewed. */
    public boolean finalFor(String leaseResourceVersion) {
        return state != null && leaseResourceVersion != null && leaseResourceVersion.equals(state.expiredLeaseVersion())
                && !state.walReceiverStreaming() && Lsn.known(state.lsn());
    }
}
