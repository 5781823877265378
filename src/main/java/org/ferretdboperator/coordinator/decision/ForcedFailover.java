package org.ferretdboperator.coordinator.decision;

import java.util.Optional;
import org.ferretdboperator.contract.ForceFailoverRequest;
import org.ferretdboperator.contract.ForcedFailoverRecord;

/**
 * A forced failover a person asked for through the operator ({@link ForceFailoverRequest}, KubeDB's
 * {@code ForceFailOver}): when the ordinary election is blocked (in Synchronous mode, the primary and enough of the
 * synchronous set lost at once, so no member can prove it holds every acknowledged commit), the most advanced reachable
 * candidate takes the Lease and promotes without that proof, and records in the Lease what may have been lost.
 *
 * <p>What it never relaxes: only a running standby whose own tick is blocked, while the Lease is vacant as this member
 * observed it (a whole leaseDuration unrenewed), never while the last holder's PostgreSQL still answers (accepting
 * writes, or refusing sessions while it runs), only in the term the request was written for (so it is consumed by the
 * first change of leader and never reused), only a member of the same cluster on the last leader's timeline or later,
 * and only the candidate no reachable candidate is ahead of. The Lease's compare-and-swap still admits one winner.
 *
 * <p>Pure. Without a request, or with one for another term, the ordinary decision is returned unchanged; with one that
 * does not apply to this member, the ordinary decision with the reason appended to its status.
 */
public final class ForcedFailover {

    private ForcedFailover() {
    }

    public static Decision decide(Observation o, Optional<ForceFailoverRequest> request, Decision ordinary) {
        if (request.isEmpty() || request.get().term() != o.lease().transitions() || !ordinary.blocked()) {
            return ordinary;
        }
        ForceFailoverRequest r = request.get();
        Optional<String> refusal = refusal(o, r);
        if (refusal.isPresent()) {
            return new Decision(ordinary.actions(), ordinary.status() + "; force failover " + r.uid() + " not applied here: "
                    + refusal.get(), true);
        }
        LeaseView lease = o.lease();
        LeaderRecord rec = lease.record();
        long mine = o.local().position();
        ForcedFailoverRecord forced = new ForcedFailoverRecord(r.uid(), lease.transitions() + 1, o.self(), mine,
                lease.hasHolder() ? lease.holder() : null, rec.leaderLsn());
        return new HaDecision().forcedPromotion(o, forced, "force failover " + r.uid() + " (" + ordinary.status()
                + "): most advanced reachable candidate at " + Lsn.format(mine) + "; " + forced.describe());
    }

    /** Why this member may not take over under the request; empty when it may. */
    static Optional<String> refusal(Observation o, ForceFailoverRequest r) {
        LocalInstance local = o.local();
        LeaseView lease = o.lease();
        LeaderRecord rec = lease.record();
        ClusterConfig config = o.config();
        if (!r.admits(o.self())) {
            return Optional.of("not among the candidates " + r.candidates());
        }
        if (!local.isStandby() || o.shuttingDown() || !o.apiReachable()) {
            return Optional.of("not a running standby with API access");
        }
        if (lease.heldBy(o.self()) || !lease.vacant(o.self(), config.leaseDurationMillis())) {
            return Optional.of("the Lease is not vacant as observed here");
        }
        if (o.leaderProbe() == LeaderProbe.WRITABLE || o.leaderProbe() == LeaderProbe.REFUSING) {
            return Optional.of("the last leader's PostgreSQL still runs");
        }
        if (local.walReceiverStreaming()) {
            return Optional.of("WAL still streams to this member");
        }
        long mine = local.position();
        if (!Lsn.known(mine)) {
            return Optional.of("own WAL position unknown");
        }
        if (rec.systemIdentifier() != 0 && local.systemIdentifier() != 0 && rec.systemIdentifier() != local.systemIdentifier()) {
            return Optional.of("data directory belongs to another cluster (system identifier differs)");
        }
        if (rec.timeline() > 0 && local.timeline() < rec.timeline()) {
            return Optional.of("on timeline " + local.timeline() + ", behind the last leader's timeline " + rec.timeline());
        }
        for (String member : config.members()) {
            PeerView peer = o.peers().get(member);
            if (member.equals(o.self()) || !r.admits(member) || peer == null || peer.state() == null) {
                continue;
            }
            MemberState s = peer.state();
            // reachable: a running standby that published lately; a member that cannot be reached is not waited for
            if (!MemberState.STANDBY.equals(s.role()) || !CandidateProof.fresh(o, peer) || !Lsn.known(s.lsn())
                    || (s.systemIdentifier() != 0 && local.systemIdentifier() != 0
                            && s.systemIdentifier() != local.systemIdentifier())) {
                continue;
            }
            boolean ahead = s.timeline() > local.timeline() || (s.timeline() == local.timeline() && s.lsn() > mine);
            boolean tieLower = s.timeline() == local.timeline() && s.lsn() == mine
                    && config.ordinal(member) < config.ordinal(o.self());
            if (ahead || tieLower) {
                return Optional.of("defer to candidate " + member + " (timeline " + s.timeline() + " at "
                        + Lsn.format(s.lsn()) + ", ours timeline " + local.timeline() + " at " + Lsn.format(mine) + ")");
            }
        }
        return Optional.empty();
    }
}
