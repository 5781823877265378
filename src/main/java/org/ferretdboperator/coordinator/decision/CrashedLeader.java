package org.ferretdboperator.coordinator.decision;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.ferretdboperator.coordinator.decision.Action.Fence;
import org.ferretdboperator.coordinator.decision.Action.ReleaseLease;

/**
 * What a Lease holder does at once when its PostgreSQL is gone, instead of holding the Lease until it expires. Pure;
 * called by {@link HaDecision} for a member whose postmaster is not running while the API is reachable.
 *
 * <p>Two cases:
 * <ul>
 * <li><b>Data directory lost</b> (no {@code PG_VERSION} in a cluster that was bootstrapped): this member can neither
 * restart as primary nor prove anything; holding the Lease only stops every other member. It fences what may still
 * run of its server (found without its pid file, see the executor), then releases the Lease vacant, and the
 * standbys elect whoever proves itself ({@link CandidateProof}), exactly as after an expiry.</li>
 * <li><b>Crash</b> (a former primary's pg_control does not say "shut down", Synchronous mode): the crashed primary's
 * end of WAL is not known. pg_control's checkpoint and minimum-recovery-end are not it (WAL past the last checkpoint
 * was flushed and possibly acknowledged), and no standby can wait for it as after a graceful handover. The proof
 * comes from the recorded synchronous set instead: with {@code ANY k (S)} the primary acknowledged a commit only
 * after k members of S flushed it, and a dead postmaster acknowledges nothing more (a backend waiting for
 * synchronous replication that sees the postmaster gone cancels the wait without answering its client). So a member
 * of S whose position is at or past the positions of |S|-k other members of S, each final (its WAL receiver
 * stopped after the Lease changed), holds every acknowledged commit: the k members holding any acknowledged commit
 * cannot all lie outside those |S|-k+1 members. That is {@link CandidateProof#evaluate}'s Synchronous rule, and the
 * standbys can only publish final positions against a vacant Lease; so the crashed holder releases the Lease vacant
 * (recording no final position), after fencing whatever of its server may still run, when |S|-k+1 members of S
 * run as standbys of its timeline, enough for one to prove itself, and the first standby that proves itself takes it. When too few run, no standby could prove itself and
 * the holder keeps today's course (restart as primary, bounded by primaryStartTimeout). Asynchronous mode keeps it
 * too: there the crashed primary's own WAL end is the bound on loss, and only its restart keeps it.</li>
 * </ul>
 */
final class CrashedLeader {

    private CrashedLeader() {
    }

    /**
     * The release, when this member holds the Lease, its postmaster is not running, and one of the two cases applies;
     * empty otherwise.
     */
    static Optional<Decision> release(Observation o) {
        LeaseView lease = o.lease();
        LocalInstance local = o.local();
        if (!lease.heldBy(o.self()) || local.postmasterAlive() || o.shuttingDown() || !o.apiReachable()) {
            return Optional.empty();
        }
        if (!local.dataDirInitialised()) {
            if (lease.record().systemIdentifier() == 0) {
                return Optional.empty(); // a cluster not yet bootstrapped: there is nothing a standby could hold
            }
            // its server may run on for seconds without the directory (and without a pid file): stopped first, so
            // that it answers no more commits and the standbys' probe no longer finds it running
            return Optional.of(Decision.of("holding the Lease without a data directory (PostgreSQL's data is gone): "
                    + "stopping what still runs and releasing the Lease for a standby that can prove it holds every "
                    + "acknowledged commit", new Fence("data directory gone"), new ReleaseLease(null)));
        }
        if (!local.formerPrimary() || local.cleanShutdown() || !o.config().synchronous()) {
            return Optional.empty();
        }
        if (lease.sinceOwnRenewMillis() > o.config().renewDeadlineMillis()) {
            // not a crash: this process stopped renewing and fenced its own server (a starved loop); it restarts as
            // primary while it still holds the Lease, as before, rather than turning every late renewal into a failover
            return Optional.empty();
        }
        // fenced first as well: a directory being removed can look crashed (PG_VERSION still there, the pid file
        // gone) while its server runs on, and the standbys would wait for that server to stop
        return standbysThatCanProve(o).map(ready -> Decision.of("PostgreSQL crashed while this member held the Lease; "
                + ready.size() + " members of the synchronous set " + describe(o.lease().record())
                + " run as standbys " + ready + ", enough for one to prove it holds every acknowledged commit: "
                + "releasing the Lease at once", new Fence("PostgreSQL crashed; stopping whatever of it still runs"),
                new ReleaseLease(null)));
    }

    /**
     * The members of the recorded synchronous set running as standbys of the recorded timeline, when there are at
     * least |S|-k+1 of them (the fewest among which one can prove itself); empty otherwise.
     */
    static Optional<List<String>> standbysThatCanProve(Observation o) {
        LeaderRecord rec = o.lease().record();
        Set<String> set = rec.syncMembers();
        int quorum = rec.syncQuorum();
        if (set.isEmpty() || quorum < 1 || quorum > set.size()) {
            return Optional.empty();
        }
        List<String> ready = new TreeSet<>(set).stream()
                .filter(m -> !m.equals(o.self()))
                .filter(m -> o.config().members().contains(m))
                .filter(m -> {
                    PeerView p = o.peers().get(m);
                    if (p == null || p.state() == null) {
                        return false;
                    }
                    MemberState s = p.state();
                    return MemberState.STANDBY.equals(s.role()) && !s.shuttingDown() && s.timeline() == rec.timeline()
                            && (rec.systemIdentifier() == 0 || s.systemIdentifier() == rec.systemIdentifier())
                            && CandidateProof.fresh(o, p);
                })
                .toList();
        return ready.size() >= set.size() - quorum + 1 ? Optional.of(ready) : Optional.empty();
    }

    private static String describe(LeaderRecord rec) {
        return "ANY " + rec.syncQuorum() + " " + new TreeSet<>(rec.syncMembers());
    }
}
