package org.ferretdboperator.coordinator.decision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.ferretdboperator.contract.ForcedFailoverRecord;
import org.ferretdboperator.coordinator.decision.Action.AcquireLease;
import org.ferretdboperator.coordinator.decision.Action.CloneFrom;
import org.ferretdboperator.coordinator.decision.Action.Detach;
import org.ferretdboperator.coordinator.decision.Action.EnsureAppUsers;
import org.ferretdboperator.coordinator.decision.Action.EnsureSlots;
import org.ferretdboperator.coordinator.decision.Action.Fence;
import org.ferretdboperator.coordinator.decision.Action.InitDb;
import org.ferretdboperator.coordinator.decision.Action.Promote;
import org.ferretdboperator.coordinator.decision.Action.PublishRole;
import org.ferretdboperator.coordinator.decision.Action.Reclone;
import org.ferretdboperator.coordinator.decision.Action.ReleaseLease;
import org.ferretdboperator.coordinator.decision.Action.RenewLease;
import org.ferretdboperator.coordinator.decision.Action.Repoint;
import org.ferretdboperator.coordinator.decision.Action.RepointStarting;
import org.ferretdboperator.coordinator.decision.Action.ResetSynchronousCommit;
import org.ferretdboperator.coordinator.decision.Action.Rewind;
import org.ferretdboperator.coordinator.decision.Action.SetSynchronousStandbys;
import org.ferretdboperator.coordinator.decision.Action.StartPrimary;
import org.ferretdboperator.coordinator.decision.Action.StartStandby;
import org.ferretdboperator.coordinator.decision.Action.StopFast;

/**
 * The coordinator's brain: one pure function from what a member observed this tick to what it does next. No clocks,
 * no I/O: every time is a monotonic duration inside the {@link Observation}.
 *
 * <p>Safety rules, in the order they are applied:
 * <ol>
 * <li>A running primary that does not hold the Lease, or whose coordinator process has not renewed it within
 * renewDeadline, fences itself (immediate shutdown cuts every session) before a follower can see the Lease expire
 * (followers wait a full leaseDuration, measured from their own first sight of the last renew), unless the API server
 * is unreachable and every other member streams from it ({@link ApiOutageFailsafe}).</li>
 * <li>Only the Lease holder promotes or starts as primary, and it acquires by compare-and-swap first.</li>
 * <li>A vacant Lease is taken only by a candidate that proves it holds every acknowledged commit (Synchronous) or is
 * the most advanced within maximumLagBeforeFailover (Asynchronous) – see {@link CandidateProof}.</li>
 * <li>A stopped member never starts as primary unless it still holds the Lease with its former primary data (then
 * nobody took over and its WAL is the newest); otherwise it starts read-only to publish its position.</li>
 * <li>A member with WAL the leader does not have rewinds, and re-clones when rewinding failed.</li>
 * <li>A Lease holder whose data directory is gone, or whose PostgreSQL crashed while enough members of the recorded
 * synchronous set run as standbys for one to prove itself (Synchronous), releases the Lease at once instead of
 * holding it until it expires ({@link CrashedLeader}).</li>
 * </ol>
 */
public final class HaDecision {

    public Decision decide(Observation o) {
        LocalInstance local = o.local();
        if (local.isPrimary()) {
            return runningPrimary(o);
        }
        if (local.isStandby()) {
            return runningStandby(o);
        }
        return stopped(o);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Running primary
    // ---------------------------------------------------------------------------------------------------------------

    private Decision runningPrimary(Observation o) {
        LeaseView lease = o.lease();
        ClusterConfig config = o.config();
        if (!lease.heldBy(o.self())) {
            return fence(o, lease.hasHolder() ? "the Lease is held by " + lease.holder() : "this member does not hold the Lease");
        }
        if (lease.sinceOwnRenewMillis() < 0) {
            return fence(o, "running as primary without a Lease renewal by this coordinator process");
        }
        if (lease.sinceOwnRenewMillis() > config.renewDeadlineMillis() && !o.apiOutageFailsafe()) {
            return fence(o, "Lease not renewed for " + lease.sinceOwnRenewMillis() + " ms (renewDeadline "
                    + config.renewDeadlineMillis() + " ms)");
        }
        if (o.shuttingDown()) {
            if (!o.apiReachable()) {
                return Decision.of("shutting down without API access: fast stop, the Lease will lapse", new StopFast());
            }
            Optional<String> candidate = handoverCandidate(o);
            // A stopping server refuses new sessions at once, so the label can go last: the Lease reaches the
            // candidate one API call sooner.
            List<Action> actions = new ArrayList<>();
            actions.add(new StopFast());
            actions.add(new ReleaseLease(candidate.orElse(null)));
            actions.addAll(label(o, Role.NONE));
            return new Decision(actions, candidate.map(c -> "graceful stop: handing over to " + c)
                    .orElse("graceful stop: no standby to hand over to, releasing the Lease"), false);
        }
        return leaderTick(o);
    }

    private Decision leaderTick(Observation o) {
        LeaseView lease = o.lease();
        LocalInstance local = o.local();
        SyncPlanner.Plan plan = SyncPlanner.plan(o);
        List<Action> actions = new ArrayList<>();
        actions.add(new RenewLease(leaderRecord(o, local.flushLsn(), local.timeline(), local.history(), plan.recordMembers(),
                plan.recordQuorum())));
        actions.addAll(label(o, Role.PRIMARY));
        plan.change().ifPresent(s -> actions.add(new SetSynchronousStandbys(s)));
        Set<SyncCommitOverride> weakening = SyncCommitOverride.toRevert(o.config().synchronous(), local.syncCommitOverrides());
        if (!weakening.isEmpty()) {
            actions.add(new ResetSynchronousCommit(weakening));
        }
        slots(o).ifPresent(actions::add);
        if (o.memory().appUsersEnsuredTerm() != lease.transitions()) {
            actions.add(new EnsureAppUsers(lease.transitions()));
        }
        String status = "leader (term " + lease.transitions() + ")"
                + (o.apiOutageFailsafe() ? ", API server unreachable: serving on every member's direct confirmation" : "")
                + plan.change().map(s -> ", synchronous_standby_names -> " + s.toPostgres()).orElse("")
                + (weakening.isEmpty() ? "" : ", reverting " + weakening);
        return new Decision(actions, status, false);
    }

    private Optional<EnsureSlots> slots(Observation o) {
        Set<String> wanted = new TreeSet<>();
        for (String member : SyncPlanner.others(o)) {
            wanted.add(Slots.nameFor(member));
        }
        Set<String> existing = o.local().replicationSlots();
        Set<String> create = new TreeSet<>(wanted);
        create.removeAll(existing);
        Set<String> drop = new TreeSet<>();
        String any = o.self();
        for (String slot : existing) {
            if (!wanted.contains(slot) && Slots.isMemberSlot(slot, any)) {
                drop.add(slot);
            }
        }
        return create.isEmpty() && drop.isEmpty() ? Optional.empty() : Optional.of(new EnsureSlots(create, drop));
    }

    private Decision fence(Observation o, String reason) {
        List<Action> actions = new ArrayList<>();
        actions.add(new Fence(reason));
        if (o.apiReachable()) {
            actions.addAll(label(o, Role.NONE));
        }
        return new Decision(actions, "fencing: " + reason, false);
    }

    /**
     * The standby a leaving leader hands over to: healthy, following this leader, not leaving itself, in the recorded
     * synchronous set (Synchronous), most advanced, lowest ordinal on ties.
     */
    static Optional<String> handoverCandidate(Observation o) {
        Set<String> syncSet = o.lease().record().syncMembers();
        return o.peers().values().stream()
                .filter(p -> p.state() != null)
                .filter(p -> MemberState.STANDBY.equals(p.state().role()) && p.state().healthy() && !p.state().shuttingDown())
                .filter(p -> o.selfAddress() != null && o.selfAddress().equals(p.state().upstream()))
                .filter(p -> !o.config().synchronous() || syncSet.contains(p.name()))
                .filter(p -> o.config().members().contains(p.name()))
                .filter(p -> CandidateProof.fresh(o, p))
                .min(Comparator.comparingLong((PeerView p) -> -p.state().lsn())
                        .thenComparingInt(p -> o.config().ordinal(p.name())))
                .map(PeerView::name);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Running standby
    // ---------------------------------------------------------------------------------------------------------------

    private Decision runningStandby(Observation o) {
        if (o.shuttingDown()) {
            List<Action> actions = new ArrayList<>(label(o, Role.NONE));
            actions.add(new StopFast());
            return new Decision(actions, "standby stopping", false);
        }
        if (!o.apiReachable()) {
            return Decision.waiting("API server unreachable: following the last known leader, never taking over");
        }
        LeaseView lease = o.lease();
        long leaseDuration = o.config().leaseDurationMillis();
        if (lease.heldBy(o.self())) {
            return standbyHoldingLease(o);
        }
        if (lease.liveHolderOtherThan(o.self(), leaseDuration)) {
            return follow(o);
        }
        return failover(o);
    }

    private Decision follow(Observation o) {
        LeaseView lease = o.lease();
        LeaderRecord rec = lease.record();
        LocalInstance local = o.local();
        String leader = lease.holder();
        String address = rec.leaderAddress();
        if (address == null) {
            return Decision.waiting("leader " + leader + " has not published its address yet");
        }
        if (rec.systemIdentifier() != 0 && local.systemIdentifier() != 0 && rec.systemIdentifier() != local.systemIdentifier()) {
            return Decision.of("data directory belongs to another cluster: re-cloning from " + leader, new Reclone(leader, address));
        }
        boolean receiverLongDown = !local.walReceiverStreaming()
                && local.receiverDownMillis() >= o.config().leaseDurationMillis();
        if (receiverLongDown && rec.history().diverged(local.timeline(), local.replayLsn(), rec.timeline())) {
            if (rewindFailed(o, leader)) {
                return Decision.of("diverged from " + leader + " and pg_rewind failed: re-cloning", new Reclone(leader, address));
            }
            return Decision.of("diverged from " + leader + "'s timeline " + rec.timeline() + ": rewinding",
                    new Rewind(leader, address));
        }
        if (!local.walReceiverStreaming() && local.receiverDownMillis() >= o.config().recloneAfterMillis()
                && address.equals(local.upstreamAddress())) {
            return Decision.of("cannot stream from " + leader + " for " + local.receiverDownMillis() + " ms: re-cloning",
                    new Reclone(leader, address));
        }
        List<Action> actions = new ArrayList<>();
        if (!address.equals(local.upstreamAddress())) {
            actions.add(new Repoint(leader, address));
        }
        actions.addAll(label(o, Role.SECONDARY));
        if (actions.isEmpty()) {
            return Decision.waiting("following " + leader + (local.walReceiverStreaming() ? "" : " (WAL receiver not streaming)"));
        }
        return new Decision(actions, "following " + leader, false);
    }

    private Decision standbyHoldingLease(Observation o) {
        CandidateProof.Verdict verdict = CandidateProof.evaluate(o);
        if (verdict.eligible()) {
            return promotion(o, o.lease().transitions(), verdict.reason());
        }
        if (o.lease().unchangedForMillis() >= o.config().leaseDurationMillis()) {
            return Decision.of("holding the Lease but " + verdict.reason() + ": releasing it", new ReleaseLease(null));
        }
        return new Decision(List.of(new Action.Wait(verdict.reason())), verdict.reason(), true);
    }

    private Decision failover(Observation o) {
        LeaseView lease = o.lease();
        LocalInstance local = o.local();
        String last = lease.hasHolder() ? lease.holder() : "the last leader";
        if (o.leaderProbe() == LeaderProbe.WRITABLE) {
            return Decision.blocked("failover blocked: " + last + "'s PostgreSQL still accepts writes without a renewed Lease");
        }
        if (o.leaderProbe() == LeaderProbe.REFUSING) {
            // before detaching too: the running old primary's sessions may still commit, and its WAL must keep flowing
            return Decision.blocked("failover blocked: " + last + "'s PostgreSQL is running (it answered the probe with an "
                    + "error) without a renewed Lease");
        }
        if (local.walReceiverStreaming()) {
            return Decision.of("Lease lapsed while WAL still streams from " + last + ": detaching", new Detach());
        }
        CandidateProof.Verdict verdict = CandidateProof.evaluate(o);
        if (!verdict.eligible()) {
            return Decision.blocked(verdict.reason());
        }
        Optional<String> failsafeWait = ApiOutageFailsafe.standbyMustWait(o.config(), local, lease.record());
        if (failsafeWait.isPresent()) {
            return Decision.blocked(failsafeWait.get());
        }
        return promotion(o, lease.transitions() + 1, verdict.reason());
    }

    private Decision promotion(Observation o, int term, String why) {
        return promotion(o, term, why, null);
    }

    /**
     * The promotion a {@link ForcedFailover} allows: the same steps as an ordinary one in the next term, with the
     * forced failover's record written into the Lease by the acquiring compare-and-swap itself.
     */
    Decision forcedPromotion(Observation o, ForcedFailoverRecord forced, String why) {
        return promotion(o, forced.term(), why, forced);
    }

    private Decision promotion(Observation o, int term, String why,
            ForcedFailoverRecord forced) {
        LocalInstance local = o.local();
        SyncSetting before = SyncPlanner.atPromotion(o);
        LeaderRecord record = leaderRecord(o, local.position(), local.timeline(), o.lease().record().history(),
                before.names(), before.quorum());
        List<Action> actions = new ArrayList<>();
        actions.add(new AcquireLease(term, forced == null ? record : record.withForcedFailover(forced)));
        if (!local.syncSetting().equals(before)) {
            actions.add(new SetSynchronousStandbys(before));
        }
        actions.add(new Promote());
        actions.addAll(label(o, Role.PRIMARY));
        slots(o).ifPresent(actions::add);
        return new Decision(actions, "promoting (term " + term + "): " + why, false);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // PostgreSQL not running
    // ---------------------------------------------------------------------------------------------------------------

    private Decision stopped(Observation o) {
        LeaseView lease = o.lease();
        LocalInstance local = o.local();
        LeaderRecord rec = lease.record();
        long leaseDuration = o.config().leaseDurationMillis();
        if (o.shuttingDown()) {
            List<Action> actions = new ArrayList<>(o.apiReachable() ? label(o, Role.NONE) : List.of());
            if (lease.heldBy(o.self()) && o.apiReachable()) {
                actions.add(new ReleaseLease(handoverCandidate(o).orElse(null)));
            }
            return actions.isEmpty() ? Decision.waiting("stopped for shutdown")
                    : new Decision(actions, "stopped for shutdown", false);
        }
        if (!o.apiReachable()) {
            return Decision.waiting("API server unreachable: PostgreSQL stays stopped");
        }
        if (local.postmasterAlive()) {
            if (lease.heldBy(o.self()) && local.formerPrimary()) {
                if (primaryStartTimedOut(o)) {
                    // stopped first: a postmaster that finished recovery after the release would be a second writer
                    return Decision.of("PostgreSQL has not run as primary for " + o.primaryDownMillis()
                            + " ms (primaryStartTimeout " + o.config().primaryStartTimeoutMillis()
                            + " ms): stopping it and releasing the Lease", new Fence("primary start timed out"),
                            new ReleaseLease(null));
                }
                return Decision.of("PostgreSQL is starting as primary", new RenewLease(rec));
            }
            String leader = lease.holder();
            String address = rec.leaderAddress();
            if (local.standbySignal() && lease.liveHolderOtherThan(o.self(), leaseDuration) && address != null
                    && !address.equals(local.upstreamAddress())) {
                // started while no leader was live: a standby short of a consistent state waits for WAL only the
                // leader has, never accepting connections, so the running-standby repoint below never comes
                return Decision.of("PostgreSQL is starting as a standby without " + leader + " as its upstream: pointing it at "
                        + leader, new RepointStarting(leader, address));
            }
            return Decision.waiting("PostgreSQL is starting or stopping");
        }
        List<Action> actions = new ArrayList<>(label(o, Role.NONE));
        Decision next = stoppedNext(o, lease, local, rec, leaseDuration);
        actions.addAll(next.actions());
        return new Decision(actions, next.status(), next.blocked());
    }

    private Decision stoppedNext(Observation o, LeaseView lease, LocalInstance local, LeaderRecord rec, long leaseDuration) {
        Optional<Decision> crashed = crashedLeaderRelease(o);
        if (crashed.isPresent()) {
            return crashed.get();
        }
        boolean liveLeader = lease.liveHolderOtherThan(o.self(), leaseDuration);
        String leader = lease.holder();
        String address = rec.leaderAddress();
        if (!local.dataDirInitialised()) {
            if (liveLeader && address != null) {
                return Decision.of("empty data directory: cloning from " + leader, new CloneFrom(leader, address));
            }
            if (neverBootstrapped(lease) && o.config().isBootstrapMember(o.self())) {
                return initialise(o);
            }
            if (rec.systemIdentifier() != 0 && !liveLeader) {
                return Decision.blocked("empty data directory and no live leader to clone from");
            }
            return Decision.waiting("empty data directory: waiting for a leader to clone from");
        }
        if (rec.systemIdentifier() != 0 && local.systemIdentifier() != 0 && rec.systemIdentifier() != local.systemIdentifier()) {
            if (liveLeader && address != null) {
                return Decision.of("data directory belongs to another cluster: re-cloning from " + leader,
                        new Reclone(leader, address));
            }
            return Decision.blocked("data directory belongs to another cluster (system identifier differs) and no live leader");
        }
        if (lease.heldBy(o.self())) {
            if (local.formerPrimary() && primaryStartTimedOut(o)) {
                return Decision.of("PostgreSQL has not run as primary for " + o.primaryDownMillis()
                        + " ms (primaryStartTimeout " + o.config().primaryStartTimeoutMillis()
                        + " ms): releasing the Lease for a standby that can prove itself", new ReleaseLease(null));
            }
            if (local.formerPrimary()) {
                return Decision.of("still holding the Lease with the newest data: restarting as primary",
                        new AcquireLease(lease.transitions(), rec), new StartPrimary());
            }
            return Decision.of("holding the Lease as a standby: starting read-only to prove its position",
                    new StartStandby(null, null));
        }
        if (liveLeader) {
            if (address == null) {
                return Decision.waiting("leader " + leader + " has not published its address yet");
            }
            Optional<String> rewind = whyRewind(o, leader);
            if (rewind.isPresent()) {
                if (rewindFailed(o, leader)) {
                    return Decision.of("pg_rewind against " + leader + " failed: re-cloning", new Reclone(leader, address));
                }
                return Decision.of(rewind.get() + ": rewinding against " + leader, new Rewind(leader, address));
            }
            return Decision.of("starting as standby of " + leader, new StartStandby(leader, address));
        }
        if (neverBootstrapped(lease) && o.config().isBootstrapMember(o.self()) && local.formerPrimary()
                && CandidateProof.mayBootstrap(o).eligible()) {
            return Decision.of("bootstrap: taking the Lease for the new cluster",
                    new AcquireLease(1, leaderRecord(o, local.flushLsn(), local.timeline(), TimelineHistory.EMPTY, Set.of(), 0)),
                    new StartPrimary());
        }
        return Decision.of("no live leader: starting read-only to publish this member's position (never as primary)",
                new StartStandby(null, null));
    }

    /**
     * Why a stopped member cannot simply start as the leader's standby, judged from its data directory alone (so the
     * judgement survives a restart of this coordinator): it may hold WAL or data pages the leader never had, which
     * PostgreSQL either refuses to start on ("requested timeline is not a child of this server's history", "does not
     * contain minimum recovery point") or, worse, would start on with pages from another timeline.
     */
    private static Optional<String> whyRewind(Observation o, String leader) {
        LocalInstance local = o.local();
        LeaderRecord rec = o.lease().record();
        LocalInstance.StoppedControl control = local.stoppedControl();
        if (local.formerPrimary()) {
            return Optional.of("former primary");
        }
        if (control.crashedAsPrimary()) {
            // standby.signal was written after it crashed as a primary: its WAL ends past its checkpoint, nobody knows where
            return Optional.of("last ran as a primary and stopped without a shutdown checkpoint");
        }
        if (rec.history().divergedAtCheckpoint(local.timeline(), local.flushLsn(), rec.timeline())) {
            return Optional.of("diverged timeline");
        }
        if (Lsn.known(control.minRecoveryLsn())
                && rec.history().diverged(control.minRecoveryTimeline(), control.minRecoveryLsn(), rec.timeline())) {
            return Optional.of("replayed past " + leader + "'s history (minimum recovery point "
                    + Lsn.format(control.minRecoveryLsn()) + " on timeline " + control.minRecoveryTimeline() + ")");
        }
        int failedStarts = o.memory().failedStandbyStarts(leaderTermKey(leader, o.lease().transitions()));
        if (failedStarts >= STANDBY_STARTS_BEFORE_REWIND) {
            return Optional.of("PostgreSQL did not come up as " + leader + "'s standby in " + failedStarts + " starts");
        }
        return Optional.empty();
    }

    /**
     * Starts as a standby of one leader that did not get PostgreSQL running before it rewinds instead, whatever the
     * reason: a directory the judgement above missed must not loop on starts for ever; pg_rewind finds out, and a
     * failed rewind re-clones.
     */
    static final int STANDBY_STARTS_BEFORE_REWIND = 3;

    /**
     * A Lease holder whose PostgreSQL crashed, or whose data directory is gone, lets go at once when the standbys can
     * take over safely, instead of holding the Lease until it expires (see {@link CrashedLeader}).
     */
    private static Optional<Decision> crashedLeaderRelease(Observation o) {
        return CrashedLeader.release(o);
    }

    /**
     * initdb only for a new cluster: an empty or recreated Lease looks the same as a new one, and a member whose
     * volume was replaced must not start a second cluster that the members holding data would be re-cloned from.
     */
    private static Decision initialise(Observation o) {
        CandidateProof.Verdict bootstrap = CandidateProof.mayBootstrap(o);
        if (!bootstrap.eligible()) {
            return Decision.waiting("empty data directory, not initialising: " + bootstrap.reason());
        }
        return Decision.of("bootstrap: initialising the cluster (" + bootstrap.reason() + ")", new InitDb());
    }

    /**
     * A Lease holder that cannot get its PostgreSQL running as primary must not keep the Lease forever: nobody else
     * could take over. It lets go only while a standby runs that might (without one, as while bootstrapping, releasing
     * would gain nothing and could leave no member able to prove itself).
     */
    private static boolean primaryStartTimedOut(Observation o) {
        return o.primaryDownMillis() > o.config().primaryStartTimeoutMillis() && o.peers().values().stream()
                .anyMatch(p -> p.state() != null && MemberState.STANDBY.equals(p.state().role()) && CandidateProof.fresh(o, p));
    }

    private static boolean neverBootstrapped(LeaseView lease) {
        return !lease.exists() || (!lease.hasHolder() && lease.transitions() == 0 && lease.record().systemIdentifier() == 0);
    }

    private static boolean rewindFailed(Observation o, String leader) {
        return leaderTermKey(leader, o.lease().transitions()).equals(o.memory().rewindFailedAgainst());
    }

    /** A leader in one term, as the loop's {@link Memory} records what failed against it. */
    public static String leaderTermKey(String leader, int term) {
        return leader + "@" + term;
    }

    // ---------------------------------------------------------------------------------------------------------------

    private LeaderRecord leaderRecord(Observation o, long lsn, int timeline, TimelineHistory history, Set<String> syncMembers,
            int quorum) {
        long systemIdentifier = o.local().systemIdentifier() != 0 ? o.local().systemIdentifier()
                : o.lease().record().systemIdentifier();
        // the last forced failover's record stays in the Lease for whoever audits it, whoever leads now
        return new LeaderRecord(o.selfAddress(), lsn, timeline, history, systemIdentifier, new HashSet<>(syncMembers), quorum,
                null, Lsn.UNKNOWN, o.lease().record().forcedFailover());
    }

    private static List<Action> label(Observation o, Role role) {
        if (!o.apiReachable() || Role.ofLabel(o.ownRoleLabel()) == role) {
            return List.of();
        }
        return List.of(new PublishRole(role));
    }
}
