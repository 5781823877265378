package org.ferretdboperator.coordinator.decision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether this member, a running standby, may take the vacant Lease and promote: the rule that keeps acknowledged
 * commits (Synchronous) or bounds the loss (Asynchronous). Pure.
 */
final class CandidateProof {

    record Verdict(boolean eligible, String reason) {
        static Verdict yes(String reason) {
            return new Verdict(true, reason);
        }

        static Verdict no(String reason) {
            return new Verdict(false, reason);
        }
    }

    private CandidateProof() {
    }

    static Verdict evaluate(Observation o) {
        LocalInstance local = o.local();
        LeaseView lease = o.lease();
        LeaderRecord rec = lease.record();
        ClusterConfig config = o.config();
        long mine = local.position();
        int myTimeline = local.timeline();
        if (!Lsn.known(mine)) {
            return Verdict.no("own WAL position unknown");
        }
        if (lease.recordMissing()) {
            return withoutRecord(o, mine, myTimeline);
        }
        if (rec.systemIdentifier() != 0 && local.systemIdentifier() != 0
                && rec.systemIdentifier() != local.systemIdentifier()) {
            return Verdict.no("data directory belongs to another cluster (system identifier differs)");
        }
        if (rec.timeline() > 0 && myTimeline < rec.timeline()) {
            return Verdict.no("on timeline " + myTimeline + ", behind the last leader's timeline " + rec.timeline());
        }
        if (Lsn.known(rec.finalLsn()) && myTimeline == rec.timeline()) {
            if (mine >= rec.finalLsn()) {
                return Verdict.yes("holds the last leader's final WAL position " + Lsn.format(rec.finalLsn())
                        + " (clean shutdown)");
            }
            if (rec.handoverTo() != null && rec.handoverTo().equals(o.self())) {
                return Verdict.no("handover: waiting to receive the last leader's final WAL position "
                        + Lsn.format(rec.finalLsn()) + " (at " + Lsn.format(mine) + ")");
            }
        }
        return config.synchronous() ? synchronous(o, mine, myTimeline) : asynchronous(o, mine, myTimeline);
    }

    /**
     * Quorum commit {@code ANY k (R)}: every acknowledged commit is on at least k members of R. A member of R whose
     * position is at or past the final positions of n-k other members of R is the most advanced of n-k+1 members of
     * R, so it holds every acknowledged commit.
     */
    private static Verdict synchronous(Observation o, long mine, int myTimeline) {
        LeaderRecord rec = o.lease().record();
        Set<String> set = rec.syncMembers();
        if (set.isEmpty() || rec.syncQuorum() < 1) {
            return Verdict.no("failover blocked: no synchronous set recorded, cannot prove this member holds every "
                    + "acknowledged commit");
        }
        if (!set.contains(o.self())) {
            return Verdict.no("failover blocked: not in the recorded synchronous set " + new TreeSet<>(set));
        }
        int required = set.size() - rec.syncQuorum();
        String version = o.lease().resourceVersion();
        int provenBehindOrEqual = 0;
        List<String> missing = new ArrayList<>();
        for (String member : new TreeSet<>(set)) {
            if (member.equals(o.self())) {
                continue;
            }
            PeerView peer = o.peers().get(member);
            if (peer == null || !peer.finalFor(version) || peer.state().timeline() != myTimeline) {
                missing.add(member);
                continue;
            }
            long theirs = peer.state().lsn();
            if (theirs > mine) {
                return Verdict.no("defer to " + member + ": its final position " + Lsn.format(theirs) + " is past ours "
                        + Lsn.format(mine));
            }
            // a final position was published after the Lease lapsed, so that peer is alive and racing too; no standby
            // is "healthy" (streaming) once the leader is gone, so health is no criterion here
            if (theirs == mine && o.config().ordinal(member) < o.config().ordinal(o.self()) && fresh(o, peer)) {
                return Verdict.no("defer to " + member + ": same final position, lower ordinal");
            }
            provenBehindOrEqual++;
        }
        if (provenBehindOrEqual < required) {
            return Verdict.no("failover blocked: cannot prove candidate holds every acknowledged commit (final positions "
                    + "known for " + provenBehindOrEqual + " of the " + required + " other synchronous members needed; "
                    + "waiting for " + missing + ")");
        }
        return Verdict.yes("holds every acknowledged commit: at or past the final position of " + provenBehindOrEqual
                + " of " + (set.size() - 1) + " other members of the synchronous set (ANY " + rec.syncQuorum() + ")");
    }

    /**
     * Asynchronous: within maximumLagBeforeFailover of the leader's last published LSN and the most advanced member.
     * A survivor (it watched the leader renew in this process's lifetime) compares itself with its healthy peers; a
     * member that may be the first back after a full outage must see the final position of every member that
     * streamed at the leader's last renew.
     */
    private static Verdict asynchronous(Observation o, long mine, int myTimeline) {
        LeaderRecord rec = o.lease().record();
        ClusterConfig config = o.config();
        if (!Lsn.known(rec.leaderLsn())) {
            // without the leader's last published position the lag cannot be bounded: an unknown position must not
            // read as "within maximumLagBeforeFailover"
            return Verdict.no("failover blocked: the last leader's published WAL position is unknown, so the lag behind it "
                    + "cannot be bounded by maximumLagBeforeFailover");
        }
        if (rec.leaderLsn() - mine > config.maxLagBytes()) {
            return Verdict.no("failover blocked: " + (rec.leaderLsn() - mine) + " bytes behind the last leader's "
                    + "published position, above maximumLagBeforeFailover " + config.maxLagBytes());
        }
        String version = o.lease().resourceVersion();
        boolean survivor = o.lease().holderRenewalSeen();
        List<PeerView> compared = new ArrayList<>();
        if (!survivor) {
            for (String member : new TreeSet<>(rec.syncMembers())) {
                if (member.equals(o.self())) {
                    continue;
                }
                PeerView peer = o.peers().get(member);
                if (peer == null || !peer.finalFor(version)) {
                    return Verdict.no("failover blocked: may be the first member back after a full outage; waiting for "
                            + member + "'s final position");
                }
            }
        }
        for (PeerView peer : o.peers().values()) {
            MemberState s = peer.state();
            if (s == null || s.timeline() != myTimeline || !Lsn.known(s.lsn())) {
                continue;
            }
            boolean counts = peer.finalFor(version)
                    || (MemberState.STANDBY.equals(s.role()) && s.healthy() && fresh(o, peer));
            if (counts) {
                compared.add(peer);
            }
        }
        Optional<PeerView> better = compared.stream()
                .filter(p -> p.state().lsn() > mine || (p.state().lsn() == mine
                        && config.ordinal(p.name()) < config.ordinal(o.self()) && fresh(o, p)))
                .min(Comparator.comparingLong((PeerView p) -> -p.state().lsn())
                        .thenComparingInt(p -> config.ordinal(p.name())));
        if (better.isPresent()) {
            return Verdict.no("defer to " + better.get().name() + ": more advanced ("
                    + Lsn.format(better.get().state().lsn()) + " vs " + Lsn.format(mine) + ") or same position and lower ordinal");
        }
        return Verdict.yes("most advanced of " + (compared.size() + 1) + " members within maximumLagBeforeFailover");
    }

    /**
     * The election record is gone (an empty or recreated Lease), so neither the synchronous set nor the last leader's
     * position can be read from it. Whatever was acknowledged is still on some member's disk, so the proof is taken
     * from every configured member instead of a quorum: each one either published that it has no data directory, or
     * published a final position for this very Lease version (its WAL receiver stopped, its WAL replayed). The member
     * on the newest timeline with the furthest position, lowest ordinal on ties, holds everything any member holds,
     * hence every acknowledged commit, in either mode. Being merely the first to start proves nothing, so one member
     * that has not reported blocks the election; a person can bring it back or remove it from the configuration.
     */
    private static Verdict withoutRecord(Observation o, long mine, int myTimeline) {
        ClusterConfig config = o.config();
        String version = o.lease().resourceVersion();
        List<String> missing = new ArrayList<>();
        int compared = 0;
        for (String member : config.members()) {
            if (member.equals(o.self())) {
                continue;
            }
            PeerView peer = o.peers().get(member);
            if (hasNoData(o, peer)) {
                continue;
            }
            if (peer != null && peer.state() != null && peer.state().systemIdentifier() != 0 && o.local().systemIdentifier() != 0
                    && peer.state().systemIdentifier() != o.local().systemIdentifier()) {
                return Verdict.no("election record lost: " + member + " holds another cluster's data (system identifier "
                        + Long.toUnsignedString(peer.state().systemIdentifier()) + "); a person must resolve it");
            }
            if (peer == null || !peer.finalFor(version)) {
                missing.add(member);
                continue;
            }
            MemberState theirs = peer.state();
            boolean ahead = theirs.timeline() > myTimeline || (theirs.timeline() == myTimeline && theirs.lsn() > mine);
            if (ahead) {
                return Verdict.no("election record lost: defer to " + member + " (timeline " + theirs.timeline() + " at "
                        + Lsn.format(theirs.lsn()) + ", ours timeline " + myTimeline + " at " + Lsn.format(mine) + ")");
            }
            if (theirs.timeline() == myTimeline && theirs.lsn() == mine && config.ordinal(member) < config.ordinal(o.self())) {
                return Verdict.no("election record lost: defer to " + member + ": same final position, lower ordinal");
            }
            compared++;
        }
        if (!missing.isEmpty()) {
            return Verdict.no("failover blocked: the election record was lost (empty Lease); waiting for the final "
                    + "position of every configured member, missing " + missing);
        }
        return Verdict.yes("election record lost: most advanced of all " + (compared + 1) + " members holding data "
                + "(timeline " + myTimeline + " at " + Lsn.format(mine) + ")");
    }

    /**
     * Whether this member may start the cluster as its first primary (initdb, or take the Lease with the data directory
     * it just initialised): only while no election record exists and every other configured member has reported a
     * fresh state without a data directory. A recreated Lease looks exactly like a new cluster's, so only the members'
     * own reports tell the two apart.
     */
    static Verdict mayBootstrap(Observation o) {
        if (!o.lease().recordMissing()) {
            return Verdict.no("the Lease carries an election record: the cluster was bootstrapped already");
        }
        List<String> withData = new ArrayList<>();
        List<String> unreported = new ArrayList<>();
        for (String member : o.config().members()) {
            if (member.equals(o.self())) {
                continue;
            }
            PeerView peer = o.peers().get(member);
            if (hasNoData(o, peer)) {
                continue;
            }
            if (peer == null || !fresh(o, peer)) {
                unreported.add(member);
            } else {
                withData.add(member);
            }
        }
        if (!withData.isEmpty()) {
            return Verdict.no("members " + withData + " hold data directories: this is not a new cluster");
        }
        if (!unreported.isEmpty()) {
            return Verdict.no("waiting for " + unreported + " to report that they hold no data directory");
        }
        return Verdict.yes("no member holds a data directory and no election record exists");
    }

    /** The peer recently reported a member without a data directory (no system identifier, PostgreSQL not running). */
    private static boolean hasNoData(Observation o, PeerView peer) {
        if (peer == null || peer.state() == null || !fresh(o, peer)) {
            return false;
        }
        MemberState s = peer.state();
        return s.systemIdentifier() == 0 && !MemberState.PRIMARY.equals(s.role()) && !MemberState.STANDBY.equals(s.role());
    }

    static boolean fresh(Observation o, PeerView peer) {
        return peer.unchangedForMillis() <= 3 * o.config().leaseDurationMillis();
    }
}
