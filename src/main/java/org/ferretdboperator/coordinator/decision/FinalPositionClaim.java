package org.ferretdboperator.coordinator.decision;

/**
 * A standby's claim, published with its member state, that its position is final for one version of a lapsed Lease:
 * it will receive no more WAL from that leader, so peers may compare positions to choose the most advanced.
 */
public final class FinalPositionClaim {

    private FinalPositionClaim() {
    }

    /**
     * The Lease resourceVersion this member's position is final for, or null when it claims nothing.
     *
     * @param positionStableMillis ms since the local position last changed
     */
    public static String leaseVersion(String self, ClusterConfig config, LocalInstance local, LeaseView lease,
            long positionStableMillis) {
        // Only a stopped receiver with a position that stopped moving (local WAL replayed) makes the position final.
        boolean positionFinal = local.isStandby() && !local.walReceiverStreaming()
                && positionStableMillis >= Math.max(2 * config.retryPeriodMillis(), 400);
        return positionFinal && lease.exists() && lease.vacant(self, config.leaseDurationMillis())
                ? lease.resourceVersion() : null;
    }
}
