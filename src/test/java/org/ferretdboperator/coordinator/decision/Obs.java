package org.ferretdboperator.coordinator.decision;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test builder for {@link Observation}s: a three-member cluster seen from {@code pg-1} unless changed. */
final class Obs {

    static final String P0 = "pg-0";
    static final String P1 = "pg-1";
    static final String P2 = "pg-2";
    static final long LEASE = 2000;
    static final long RENEW = 1200;
    static final long RETRY = 200;
    static final long SYSID = 7000000000000000001L;

    static String addr(String member) {
        return member + ".pods:5432";
    }

    String self = P1;
    boolean synchronous = true;
    long maxLag = 1 << 20;
    List<String> members = List.of(P0, P1, P2);
    LocalInstance local = LocalInstance.empty();
    LeaseView lease = LeaseView.absent();
    Map<String, PeerView> peers = new HashMap<>();
    String label;
    LeaderProbe probe = LeaderProbe.NOT_PROBED;
    Memory memory = Memory.NONE;
    boolean shuttingDown;
    boolean apiReachable = true;
    long primaryDownMillis;
    boolean apiOutageFailsafe;
    long primaryStartTimeout = 60_000;

    static Obs of(String self) {
        Obs o = new Obs();
        o.self = self;
        return o;
    }

    Observation build() {
        ClusterConfig config = new ClusterConfig(members, synchronous, maxLag, LEASE, RENEW, RETRY, 60_000, primaryStartTimeout);
        return new Observation(self, addr(self), config, local, lease, peers, label, probe, memory, shuttingDown, apiReachable,
                primaryDownMillis, apiOutageFailsafe);
    }

    Decision decide() {
        return new HaDecision().decide(build());
    }

    // --- local instance -------------------------------------------------------------------------------------------

    Obs primary(long flush, int timeline, Set<String> streaming, SyncSetting sync, Set<String> slots) {
        local = new LocalInstance(true, false, true, true, false, timeline, SYSID, Lsn.UNKNOWN, Lsn.UNKNOWN, flush, false, null, 0,
                streaming, sync, slots, false, TimelineHistory.EMPTY);
        return this;
    }

    Obs standby(long lsn, int timeline, boolean streaming, String upstream) {
        local = new LocalInstance(true, true, true, true, true, timeline, SYSID, lsn, lsn, Lsn.UNKNOWN, streaming, upstream,
                streaming ? 0 : 5_000, Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
        return this;
    }

    Obs standbyReceiverDown(long lsn, int timeline, String upstream, long downMillis) {
        local = new LocalInstance(true, true, true, true, true, timeline, SYSID, lsn, lsn, Lsn.UNKNOWN, false, upstream,
                downMillis, Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
        return this;
    }

    Obs stopped(boolean standbySignal, long checkpoint, int timeline) {
        local = new LocalInstance(true, standbySignal, false, false, false, timeline, SYSID, Lsn.UNKNOWN, Lsn.UNKNOWN, checkpoint,
                false, null, 0, Set.of(), SyncSetting.NONE, Set.of(), true, TimelineHistory.EMPTY);
        return this;
    }

    Obs starting(boolean standbySignal) {
        local = new LocalInstance(true, standbySignal, true, false, false, 1, SYSID, Lsn.UNKNOWN, Lsn.UNKNOWN, 100, false, null, 0,
                Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
        return this;
    }

    /** A standby's postmaster that does not accept connections yet, started with this upstream (null: none). */
    Obs startingStandby(String upstream) {
        local = new LocalInstance(true, true, true, false, false, 2, SYSID, Lsn.UNKNOWN, Lsn.UNKNOWN, 4000, false, upstream, 0,
                Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
        return this;
    }

    Obs empty() {
        local = LocalInstance.empty();
        return this;
    }

    Obs withSystemIdentifier(long sysid) {
        LocalInstance l = local;
        local = new LocalInstance(l.dataDirInitialised(), l.standbySignal(), l.postmasterAlive(), l.running(), l.inRecovery(),
                l.timeline(), sysid, l.receiveLsn(), l.replayLsn(), l.flushLsn(), l.walReceiverStreaming(), l.upstreamAddress(),
                l.receiverDownMillis(), l.streamingStandbys(), l.syncSetting(), l.replicationSlots(), l.cleanShutdown(),
                l.history());
        return this;
    }

    /** What pg_control says of the stopped data directory beyond its checkpoint. */
    Obs withStoppedControl(LocalInstance.StoppedControl control) {
        LocalInstance l = local;
        local = new LocalInstance(l.dataDirInitialised(), l.standbySignal(), l.postmasterAlive(), l.running(), l.inRecovery(),
                l.timeline(), l.systemIdentifier(), l.receiveLsn(), l.replayLsn(), l.flushLsn(), l.walReceiverStreaming(),
                l.upstreamAddress(), l.receiverDownMillis(), l.streamingStandbys(), l.syncSetting(), l.replicationSlots(),
                l.cleanShutdown(), l.history(), l.syncCommitOverrides(), control);
        return this;
    }

    Obs withSyncCommitOverrides(Set<SyncCommitOverride> overrides) {
        LocalInstance l = local;
        local = new LocalInstance(l.dataDirInitialised(), l.standbySignal(), l.postmasterAlive(), l.running(), l.inRecovery(),
                l.timeline(), l.systemIdentifier(), l.receiveLsn(), l.replayLsn(), l.flushLsn(), l.walReceiverStreaming(),
                l.upstreamAddress(), l.receiverDownMillis(), l.streamingStandbys(), l.syncSetting(), l.replicationSlots(),
                l.cleanShutdown(), l.history(), overrides);
        return this;
    }

    Obs withLocalSync(SyncSetting sync) {
        LocalInstance l = local;
        local = new LocalInstance(l.dataDirInitialised(), l.standbySignal(), l.postmasterAlive(), l.running(), l.inRecovery(),
                l.timeline(), l.systemIdentifier(), l.receiveLsn(), l.replayLsn(), l.flushLsn(), l.walReceiverStreaming(),
                l.upstreamAddress(), l.receiverDownMillis(), l.streamingStandbys(), sync, l.replicationSlots(), l.cleanShutdown(),
                l.history());
        return this;
    }

    // --- lease ------------------------------------------------------------------------------------------------------

    static LeaderRecord record(String leader, long lsn, int timeline, Set<String> sync, int quorum) {
        return new LeaderRecord(addr(leader), lsn, timeline, TimelineHistory.EMPTY, SYSID, sync, quorum, null, Lsn.UNKNOWN);
    }

    Obs lease(String holder, String rv, int term, long unchangedFor, long sinceOwnRenew, LeaderRecord record) {
        lease = new LeaseView(true, holder, rv, term, unchangedFor, sinceOwnRenew, true, record);
        return this;
    }

    /** Lease held by {@code holder}, renewed recently as far as this member can tell. */
    Obs liveLease(String holder, LeaderRecord record) {
        return lease(holder, "100", 3, 100, holder.equals(self) ? 150 : -1, record);
    }

    /** Lease of {@code holder} seen unchanged for longer than leaseDuration. */
    Obs expiredLease(String holder, LeaderRecord record) {
        return lease(holder, "100", 3, LEASE + 50, -1, record);
    }

    Obs notSurvivor() {
        LeaseView l = lease;
        lease = new LeaseView(l.exists(), l.holder(), l.resourceVersion(), l.transitions(), l.unchangedForMillis(),
                l.sinceOwnRenewMillis(), false, l.record());
        return this;
    }

    // --- peers ------------------------------------------------------------------------------------------------------

    Obs peer(String name, MemberState state, long unchangedFor) {
        peers.put(name, new PeerView(name, state, unchangedFor));
        return this;
    }

    /** A standby whose receiver stopped after it saw Lease version {@code rv} lapse: its position is final. */
    Obs finalPeer(String name, long lsn, int timeline, String rv) {
        return peer(name, new MemberState(MemberState.STANDBY, timeline, lsn, false, null, true, addr(name), false, rv, SYSID, 1),
                100);
    }

    /** A member that recently reported no data directory (its PostgreSQL stopped, no system identifier). */
    Obs emptyPeer(String name) {
        return peer(name, new MemberState(MemberState.STOPPED, 0, Lsn.UNKNOWN, false, null, false, addr(name), false, null, 0, 1),
                100);
    }

    /** Every configured member other than this one reported no data directory: a new cluster. */
    Obs othersEmpty() {
        members.stream().filter(m -> !m.equals(self)).forEach(this::emptyPeer);
        return this;
    }

    Obs streamingPeer(String name, long lsn, int timeline, String upstreamMember) {
        return peer(name, new MemberState(MemberState.STANDBY, timeline, lsn, true, addr(upstreamMember), true, addr(name), false,
                null, SYSID, 1), 100);
    }
}
