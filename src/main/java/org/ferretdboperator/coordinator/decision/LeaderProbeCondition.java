package org.ferretdboperator.coordinator.decision;

/** When a standby connects to the last holder's PostgreSQL before the decision (see {@link LeaderProbe}). */
public final class LeaderProbeCondition {

    private LeaderProbeCondition() {
    }

    /**
     * A standby probes a lapsed holder at another address that left no final position: a holder that handed over
     * (final position recorded) stopped cleanly, and without the API the Lease view is stale.
     */
    public static boolean shouldProbe(String self, String selfAddress, long leaseDurationMillis, LocalInstance local,
            LeaseView lease, boolean apiReachable) {
        String leaderAddress = lease.record().leaderAddress();
        return local.isStandby() && apiReachable && lease.vacant(self, leaseDurationMillis) && leaderAddress != null
                && !leaderAddress.equals(selfAddress) && !Lsn.known(lease.record().finalLsn());
    }
}
