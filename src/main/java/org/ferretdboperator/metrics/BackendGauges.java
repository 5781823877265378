package org.ferretdboperator.metrics;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The gauges of one backend computed from its Lease and members: who serves as primary, how far each standby is
 * behind, and how many synchronous standbys stream. Pure: the adapter publishes the result.
 *
 * @param primary the pod that holds the Lease and serves as primary, if any
 * @param lagBytes per standby pod with a known position: bytes behind the leader's position
 * @param syncStandbys members named in the Lease's sync-members whose WAL receiver streams
 * @param syncStandbysRequired the Lease's sync-quorum (0 when asynchronous or unknown)
 */
public record BackendGauges(Optional<String> primary, Map<String, Long> lagBytes, int syncStandbys, int syncStandbysRequired) {

    public static BackendGauges of(LeaseView lease, Map<String, MemberView> members) {
        Optional<String> primary = Optional.ofNullable(lease).filter(LeaseView::held).map(LeaseView::holder)
                .filter(h -> members.containsKey(h) && members.get(h).servesAsPrimary());
        // The primary's own published position is the freshest; the Lease's leader-lsn is the fallback.
        Long leaderLsn = primary.map(members::get).map(MemberView::lsn).orElse(null);
        if (leaderLsn == null && lease != null) {
            leaderLsn = lease.leaderLsn();
        }
        Map<String, Long> lag = new TreeMap<>();
        for (MemberView m : members.values()) {
            if (leaderLsn == null || m.lsn() == null || primary.filter(m.pod()::equals).isPresent()
                    || !MemberView.ROLE_STANDBY.equals(m.role())) {
                continue;
            }
            lag.put(m.pod(), Math.max(0, leaderLsn - m.lsn()));
        }
        int streaming = 0;
        int required = 0;
        if (lease != null) {
            for (String name : lease.syncMembers()) {
                MemberView m = members.get(name);
                if (m != null && m.streaming()) {
                    streaming++;
                }
            }
            required = lease.syncQuorum() == null ? 0 : lease.syncQuorum();
        }
        return new BackendGauges(primary, lag, streaming, required);
    }
}
