package org.ferretdboperator.coordinator.decision;

import java.util.Map;

/**
 * Everything one coordinator observed in one tick; the only input of {@link HaDecision#decide}.
 *
 * @param self          this member's name (pod name)
 * @param selfAddress   host:port peers reach this member's PostgreSQL at
 * @param config        cluster configuration
 * @param local         local PostgreSQL
 * @param lease         the Lease (last known view when the API is unreachable)
 * @param peers         other members' published states by name (members without a published state are absent)
 * @param ownRoleLabel  current kubedb.com/role label of this member's pod, null when absent
 * @param leaderProbe   whether the last holder's PostgreSQL still answers, when the Lease looks vacant
 * @param memory        results of earlier actions
 * @param shuttingDown  SIGTERM received: leave the cluster gracefully
 * @param apiReachable  the last Lease read succeeded
 * @param primaryDownMillis monotonic ms this member has held the Lease without its PostgreSQL running as primary; 0
 *                      while it runs as primary or while this member does not hold the Lease
 * @param apiOutageFailsafe the primary may keep serving past its renew deadline: the API server is unreachable and
 *                      every other member streams from it ({@link ApiOutageFailsafe#primary})
 */
public record Observation(String self, String selfAddress, ClusterConfig config, LocalInstance local, LeaseView lease,
        Map<String, PeerView> peers, String ownRoleLabel, LeaderProbe leaderProbe, Memory memory, boolean shuttingDown,
        boolean apiReachable, long primaryDownMillis, boolean apiOutageFailsafe) {

    public Observation(String self, String selfAddress, ClusterConfig config, LocalInstance local, LeaseView lease,
            Map<String, PeerView> peers, String ownRoleLabel, LeaderProbe leaderProbe, Memory memory, boolean shuttingDown,
            boolean apiReachable, long primaryDownMillis) {
        this(self, selfAddress, config, local, lease, peers, ownRoleLabel, leaderProbe, memory, shuttingDown, apiReachable,
                primaryDownMillis, false);
    }

    public Observation(String self, String selfAddress, ClusterConfig config, LocalInstance local, LeaseView lease,
            Map<String, PeerView> peers, String ownRoleLabel, LeaderProbe leaderProbe, Memory memory, boolean shuttingDown,
            boolean apiReachable) {
        this(self, selfAddress, config, local, lease, peers, ownRoleLabel, leaderProbe, memory, shuttingDown, apiReachable, 0);
    }

    public Observation {
        peers = Map.copyOf(peers);
        memory = memory == null ? Memory.NONE : memory;
        leaderProbe = leaderProbe == null ? LeaderProbe.NOT_PROBED : leaderProbe;
    }
}
