package org.ferretdboperator.coordinator.decision;

/**
 * Whether the local PostgreSQL serves the role this member holds, and why not. The Services route to ready pods only,
 * so for a primary this decides where writes go.
 */
public record Readiness(boolean ready, String reason) {

    public static final Readiness STARTING = new Readiness(false, "coordinator starting");

    /**
     * Ready only when PostgreSQL really serves this member's role (the write path for a primary).
     *
     * @param self                this member's name
     * @param config              cluster configuration
     * @param local               local PostgreSQL this tick
     * @param lease               the Lease this tick
     * @param shuttingDown        SIGTERM received
     * @param sinceOwnRenewMillis ms since this member's last successful renew was sent, -1 if none
     * @param primaryForMillis    ms since this member was first seen running as primary (only read when it is primary)
     */
    public static Readiness judge(String self, ClusterConfig config, LocalInstance local, LeaseView lease,
            boolean shuttingDown, long sinceOwnRenewMillis, long primaryForMillis) {
        return judge(self, config, local, lease, shuttingDown, sinceOwnRenewMillis, primaryForMillis, false);
    }

    /**
     * As above; {@code apiOutageFailsafe}: the primary keeps serving past its renew deadline because the API server is
     * unreachable and every other member streams from it ({@link ApiOutageFailsafe#primary}), so it stays ready.
     */
    public static Readiness judge(String self, ClusterConfig config, LocalInstance local, LeaseView lease,
            boolean shuttingDown, long sinceOwnRenewMillis, long primaryForMillis, boolean apiOutageFailsafe) {
        if (shuttingDown) {
            return new Readiness(false, "shutting down");
        }
        if (local.isPrimary()) {
            boolean renewed = sinceOwnRenewMillis >= 0 && sinceOwnRenewMillis <= config.renewDeadlineMillis();
            if (!lease.heldBy(self) || !(renewed || apiOutageFailsafe)) {
                return new Readiness(false, "primary without a renewed Lease");
            }
            if (!Lsn.known(local.flushLsn())) {
                return new Readiness(false, "primary's WAL position unreadable");
            }
            SyncSetting sync = local.syncSetting();
            // a new primary gets a leaseDuration for its standbys to re-attach before commits waiting on them count
            if (config.synchronous() && config.members().size() > 1 && primaryForMillis > config.leaseDurationMillis()) {
                long connected = local.streamingStandbys().stream().filter(sync.names()::contains).count();
                if (sync.isEmpty() || connected < sync.quorum()) {
                    return new Readiness(false, "synchronous standbys not connected: commits would wait");
                }
            }
            return new Readiness(true, renewed ? "primary" : "primary (API server unreachable: every member streams from it)");
        }
        if (local.isStandby()) {
            String leaderAddress = lease.record().leaderAddress();
            if (!lease.liveHolderOtherThan(self, config.leaseDurationMillis()) || leaderAddress == null) {
                return new Readiness(false, "no live leader");
            }
            if (!local.walReceiverStreaming() || !leaderAddress.equals(local.upstreamAddress())) {
                return new Readiness(false, "not streaming from the leader " + lease.holder());
            }
            long leaderLsn = lease.record().leaderLsn();
            if (Lsn.known(leaderLsn) && leaderLsn - local.position() > config.maxLagBytes()) {
                return new Readiness(false, "lagging " + (leaderLsn - local.position()) + " bytes behind the leader");
            }
            return new Readiness(true, "standby of " + lease.holder());
        }
        return new Readiness(false, "PostgreSQL not running");
    }
}
