package org.ferretdboperator.coordinator;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.ferretdboperator.contract.AppUser;
import org.ferretdboperator.coordinator.decision.Action;
import org.ferretdboperator.coordinator.decision.Decision;
import org.ferretdboperator.coordinator.decision.HaDecision;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.LongAction;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.Memory;
import org.ferretdboperator.coordinator.decision.Observation;
import org.ferretdboperator.coordinator.decision.ReleasePosition;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.coordinator.decision.StalePrimaryLabels;
import org.ferretdboperator.coordinator.lease.LeaseConflictException;
import org.ferretdboperator.coordinator.member.MemberDirectory;
import org.ferretdboperator.coordinator.postgres.ControlFile;
import org.ferretdboperator.coordinator.postgres.PostgresControl;
import org.ferretdboperator.coordinator.postgres.RewindNotReadyException;
import org.ferretdboperator.coordinator.postgres.UnusableImageException;
import org.jboss.logging.Logger;

/**
 * Carries out a {@link Decision}'s actions in order, stopping at the first failure, and keeps the loop's memory. Each
 * action kind has one handler; Lease writes go through {@link LeaseHolder}. A long action (clone, re-clone, rewind)
 * ends its decision: its handler starts it on the {@link LongActionRunner}, and while it runs each tick's decision is
 * only judged ({@link LongAction#judge}: go on, or cancel it), never carried out.
 */
final class ActionExecutor {

    private static final Logger LOG = Logger.getLogger(ActionExecutor.class);
    /** How long a cancelled long action may take to end (the pod's runner gives a program 5 s after SIGTERM). */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(10);
    private static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(10);

    /** Carries out one kind of action. */
    @FunctionalInterface
    interface Handler<A extends Action> {
        void run(A action, Observation o) throws Exception;
    }

    private final CoordinatorConfig config;
    private final PostgresControl instance;
    private final LeaseHolder lease;
    private final MemberDirectory members;
    private final CoordinatorMetrics metrics;
    private final LongSupplier nanos;
    private final List<AppUser> appUsers;
    private final Predicate<String> leaderAnswers;
    private final Map<Class<? extends Action>, Handler<Action>> handlers = new HashMap<>();
    private final LongActionRunner longActions;
    private final long stallTimeoutMillis;
    /** The observation the running long action was decided on (its term keys a failed rewind). */
    private Observation longActionDecidedOn;
    private long lastProgressLogNanos;

    private String rewindFailedAgainst;
    private int appUsersEnsuredTerm = -1;
    private String standbyStartsAgainst;
    private int standbyStartsNotRunning;
    /** This member fenced its PostgreSQL and has not started it since (reported as role "fenced"). */
    private volatile boolean fenced;
    /** Set by a start the image cannot serve, cleared by the next start that succeeds. */
    private volatile String unusableImage;
    private volatile Runnable primaryIntent = () -> { };
    private volatile PrimaryHeartbeat heartbeat = new PrimaryHeartbeat(Optional.empty());

    /** Long actions run on the caller's thread: for tests that step the loop tick by tick. */
    ActionExecutor(CoordinatorConfig config, PostgresControl instance, LeaseHolder lease, MemberDirectory members,
            CoordinatorMetrics metrics, LongSupplier nanos, Predicate<String> leaderAnswers) {
        this(config, instance, lease, members, metrics, nanos, leaderAnswers,
                new LongActionRunner(Runnable::run, config.pgdata(), nanos), LongActionSettings.DEFAULT_STALL_TIMEOUT_MS);
    }

    /**
     * @param longActions        where clones and rewinds run
     * @param stallTimeoutMillis how long a long action may go without progress before it is cancelled
     */
    ActionExecutor(CoordinatorConfig config, PostgresControl instance, LeaseHolder lease, MemberDirectory members,
            CoordinatorMetrics metrics, LongSupplier nanos, Predicate<String> leaderAnswers, LongActionRunner longActions,
            long stallTimeoutMillis) {
        this.longActions = longActions;
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.config = config;
        this.instance = instance;
        this.lease = lease;
        this.members = members;
        this.metrics = metrics;
        this.nanos = nanos;
        this.leaderAnswers = leaderAnswers;
        this.appUsers = config.appUsers();
        registerHandlers();
    }

    private void registerHandlers() {
        on(Action.InitDb.class, (a, o) -> instance.initDb());
        on(Action.CloneFrom.class, (a, o) -> {
            fenced = false;
            startLong(a, o, () -> instance.cloneFrom(a.address()));
        });
        on(Action.StartStandby.class, (a, o) -> {
            fenced = false;
            countStandbyStart(a, o);
            instance.startStandby(a.address());
        });
        on(Action.StartPrimary.class, (a, o) -> {
            fenced = false;
            primaryIntent.run();
            heartbeat.beat();
            instance.startPrimary();
        });
        on(Action.AcquireLease.class, (a, o) -> lease.write(a.term(), a.record()));
        on(Action.RenewLease.class, (a, o) -> lease.write(o.lease().transitions(), a.record()));
        on(Action.ReleaseLease.class, (a, o) -> release(a.handoverTo(), o));
        on(Action.Promote.class, (a, o) -> {
            primaryIntent.run();
            heartbeat.beat();
            instance.promote();
        });
        on(Action.Fence.class, (a, o) -> {
            LOG.warnf("fencing PostgreSQL: %s", a.reason());
            try {
                instance.fence();
            } finally {
                // after the fence, not before: ending holding waits for a renew in flight, and fencing must not wait
                lease.stopHolding();
            }
            fenced = true;
            metrics.fenced();
        });
        on(Action.StopFast.class, (a, o) -> instance.stopFast(Duration.ofSeconds(20)));
        on(Action.Rewind.class, (a, o) -> {
            fenced = false;
            boolean laterTimeline = o.lease().record().timeline() > o.local().timeline();
            startLong(a, o, () -> instance.rewind(a.address(), laterTimeline));
        });
        on(Action.Reclone.class, (a, o) -> {
            // re-cloning stops this member's PostgreSQL first; against a leader that is not running it would only
            // throw away a working standby, over and over (seen when the leader's data directory was removed)
            if (!leaderAnswers.test(a.address())) {
                throw new IllegalStateException("not re-cloning from " + a.leader() + ": its PostgreSQL at " + a.address()
                        + " does not accept writes; keeping this data directory");
            }
            fenced = false;
            startLong(a, o, () -> instance.reclone(a.address()));
        });
        on(Action.Repoint.class, (a, o) -> instance.repoint(a.address()));
        on(Action.RepointStarting.class, (a, o) -> instance.repointStarting(a.address()));
        on(Action.Detach.class, (a, o) -> instance.detach());
        on(Action.SetSynchronousStandbys.class, (a, o) -> instance.setSynchronousStandbys(a.setting()));
        on(Action.EnsureSlots.class, (a, o) -> instance.ensureSlots(a.create(), a.drop()));
        on(Action.ResetSynchronousCommit.class, (a, o) -> {
            // someone weakened Synchronous mode for new sessions: say so loudly, it may have cost acknowledged writes
            LOG.warnf("reverting stored defaults that let commits be acknowledged before a synchronous standby holds them, "
                    + "and ending the sessions they applied to: %s", a.overrides());
            instance.resetSynchronousCommit(a.overrides());
            metrics.synchronousCommitReverted(a.overrides().size());
        });
        on(Action.EnsureAppUsers.class, (a, o) -> {
            instance.ensureRoles(appUsers);
            appUsersEnsuredTerm = a.term();
        });
        on(Action.PublishRole.class, (a, o) -> {
            if (a.role() == Role.PRIMARY) {
                clearStalePrimaryLabels(o);
            }
            members.setRole(a.role());
        });
        on(Action.Wait.class, (a, o) -> { });
    }

    /**
     * Before this member labels itself primary: the primary labels the Lease holder finds on other pods (a primary
     * lost with its node), removed on their observed uid and resourceVersion, so the primary Service never selects
     * two pods. Whether this member holds the Lease is its own last Lease write: the AcquireLease of this same
     * decision is not in the tick's observation yet. A refused removal fails the action; the next tick observes again.
     */
    private void clearStalePrimaryLabels(Observation o) {
        for (StalePrimaryLabels.LabelledPod stale : StalePrimaryLabels.toClear(o.self(), lease.holding(),
                members.roleLabels())) {
            members.clearRoleLabel(stale);
            LOG.infof("removed the primary label of %s (uid %s, resourceVersion %s): this member holds the Lease",
                    stale.name(), stale.uid(), stale.resourceVersion());
        }
    }

    private void startLong(Action action, Observation o, LongActionRunner.Body body) {
        longActionDecidedOn = o;
        lastProgressLogNanos = nanos.getAsLong();
        longActions.start(action, body);
    }

    /** The long action in flight, if any (the loop publishes it as this member's role). */
    Optional<LongAction.InFlight> longAction() {
        return longActions.inFlight();
    }

    /** Live: the loop ticked within {@code tickBoundMillis}, and no long action stalled past the stall timeout. */
    boolean live(long millisSinceTick, long tickBoundMillis) {
        return LongAction.live(millisSinceTick, tickBoundMillis, longActions.lastSampled(), stallTimeoutMillis);
    }

    /**
     * While a long action runs: judges the decision against it, cancelling it when the judgement says so. Once one
     * ended: reports how. Either way this tick's decision is not carried out, because its observation may be of a
     * directory the long action was still writing; the next tick observes again.
     *
     * @return empty when no long action ran; else the tick's outcome
     */
    private Optional<Skipped> longActionTick(Decision decision, Observation o) {
        Optional<LongAction.InFlight> running = longActions.inFlight();
        if (running.isPresent()) {
            LongAction.Verdict verdict = LongAction.judge(running.get(), decision, o, stallTimeoutMillis);
            if (!verdict.cancel()) {
                long now = nanos.getAsLong();
                if (now - lastProgressLogNanos >= PROGRESS_LOG_INTERVAL.toNanos()) {
                    lastProgressLogNanos = now;
                    LOG.infof("%s", verdict.reason());
                }
                return Optional.of(new Skipped(null));
            }
            try {
                if (!longActions.cancel(verdict.reason(), CANCEL_WAIT)) {
                    return Optional.of(new Skipped(verdict.reason() + ": still ending after " + CANCEL_WAIT.toSeconds() + " s"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(new Skipped(verdict.reason() + ": interrupted"));
            }
        }
        return longActions.takeFinished().map(f -> new Skipped(ended(f)));
    }

    /** A tick whose decision was not carried out; {@code failure} null when nothing failed. */
    private record Skipped(String failure) {
    }

    /** Applies what a finished long action leaves behind; returns null when it succeeded, else what failed. */
    private String ended(LongActionRunner.Finished finished) {
        Action action = finished.action();
        Exception e = finished.failure();
        Observation decidedOn = longActionDecidedOn;
        longActionDecidedOn = null;
        if (e == null) {
            unusableImage = null; // its last step started PostgreSQL as a standby
            if (action instanceof Action.Rewind) {
                rewindFailedAgainst = null;
            }
            return null;
        }
        if (e instanceof InterruptedException) {
            return action.kind() + " cancelled";
        }
        if (e instanceof UnusableImageException) {
            unusableImage = e.getMessage();
        }
        if (action instanceof Action.Rewind r && !(e instanceof RewindNotReadyException) && leaderAnswers.test(r.address())
                && decidedOn != null) {
            // only a rewind against a reachable leader that still fails means the data cannot be rewound
            rewindFailedAgainst = HaDecision.leaderTermKey(r.leader(), decidedOn.lease().transitions());
        }
        LOG.debugf(e, "%s failed", action.kind());
        return action.kind() + " failed: " + e.getMessage();
    }

    private <A extends Action> void on(Class<A> kind, Handler<A> handler) {
        handlers.put(kind, (action, o) -> handler.run(kind.cast(action), o));
    }

    /** Whether every kind of action has a handler. */
    boolean handles(Class<? extends Action> kind) {
        return handlers.containsKey(kind);
    }

    boolean fenced() {
        return fenced;
    }

    /** Why this member cannot run PostgreSQL at all until a person acts; empty when nothing says so. */
    Optional<String> problem() {
        return Optional.ofNullable(unusableImage);
    }

    Memory memory() {
        return new Memory(rewindFailedAgainst, appUsersEnsuredTerm, standbyStartsAgainst, standbyStartsNotRunning);
    }

    /**
     * Counts starts as a standby of one leader in one term until PostgreSQL is seen running: a data directory that
     * PostgreSQL will not start on as that leader's standby (a timeline it refuses to follow) shows only as a postmaster
     * that exits again, start after start.
     */
    private void countStandbyStart(Action.StartStandby start, Observation o) {
        if (start.leader() == null) {
            return;
        }
        String key = HaDecision.leaderTermKey(start.leader(), o.lease().transitions());
        if (!key.equals(standbyStartsAgainst)) {
            standbyStartsAgainst = key;
            standbyStartsNotRunning = 0;
        }
        standbyStartsNotRunning++;
    }

    void heartbeat(PrimaryHeartbeat beat, BooleanSupplier primary) {
        this.heartbeat = beat;
        lease.heartbeat(beat, primary);
    }

    /** Called before starting or promoting PostgreSQL as primary, so the watchdog covers the start as well. */
    void onPrimaryIntent(Runnable intent) {
        this.primaryIntent = intent;
    }

    /** @return null when every action succeeded, else what failed */
    String execute(Decision decision, Observation o, long observedAtNanos) {
        if (o.local().running()) {
            standbyStartsAgainst = null;
            standbyStartsNotRunning = 0;
        }
        Optional<Skipped> skipped = longActionTick(decision, o);
        if (skipped.isPresent()) {
            return skipped.get().failure();
        }
        boolean promoted = false;
        StringBuilder timings = new StringBuilder();
        for (Action action : decision.actions()) {
            metrics.decided(action.kind());
            try {
                long t0 = nanos.getAsLong();
                run(action, o);
                if (LongAction.isLong(action)) {
                    Optional<LongActionRunner.Finished> finished = longActions.takeFinished();
                    if (finished.isEmpty()) {
                        // running beside the loop: the decision ends here, later ticks judge it
                        logTimings(decision, timings);
                        return null;
                    }
                    String failure = ended(finished.get());
                    if (failure != null) {
                        logTimings(decision, timings);
                        return failure;
                    }
                }
                if (action instanceof Action.StartPrimary || action instanceof Action.StartStandby) {
                    unusableImage = null;
                }
                if (!(action instanceof Action.Wait)) {
                    timings.append(timings.length() == 0 ? "" : ", ").append(action.kind()).append(' ')
                            .append((nanos.getAsLong() - t0) / 1_000_000).append(" ms");
                }
                if (action instanceof Action.Promote) {
                    promoted = true;
                }
                if (promoted && action instanceof Action.PublishRole p && p.role() == Role.PRIMARY) {
                    recordPromotion(o, observedAtNanos);
                    promoted = false;
                }
            } catch (LeaseConflictException e) {
                logTimings(decision, timings);
                return action.kind() + ": lost the Lease race (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return action.kind() + ": interrupted";
            } catch (Exception e) {
                if (e instanceof UnusableImageException) {
                    unusableImage = e.getMessage();
                }
                LOG.debugf(e, "%s failed", action.kind());
                logTimings(decision, timings);
                return action.kind() + " failed: " + e.getMessage();
            }
        }
        if (promoted) {
            recordPromotion(o, observedAtNanos);
        }
        logTimings(decision, timings);
        return null;
    }

    private void run(Action action, Observation o) throws Exception {
        Handler<Action> handler = handlers.get(action.getClass());
        if (handler == null) {
            throw new IllegalStateException("no executor for " + action);
        }
        handler.run(action, o);
    }

    private static void logTimings(Decision decision, StringBuilder timings) {
        if (decision.contains(Action.Promote.class) || decision.contains(Action.ReleaseLease.class)
                || decision.contains(Action.Fence.class) || decision.contains(Action.StopFast.class)) {
            LOG.infof("done: %s", timings.length() == 0 ? "nothing" : timings);
        }
    }

    private void recordPromotion(Observation o, long observedAtNanos) {
        LeaderRecord rec = o.lease().record();
        boolean switchover = (rec.handoverTo() != null && rec.handoverTo().equals(o.self())) || Lsn.known(rec.finalLsn());
        long sinceLastChangeNanos = o.lease().unchangedForMillis() * 1_000_000L;
        metrics.promoted(switchover, Duration.ofNanos(nanos.getAsLong() - observedAtNanos + sinceLastChangeNanos));
    }

    /** Leaves the Lease, to {@code handoverTo} or vacant, recording the final position {@link ReleasePosition} chooses. */
    private void release(String handoverTo, Observation o) throws LeaseConflictException {
        // pg_control is read only where it counts: a standby keeps the recorded position
        Optional<ReleasePosition.Shutdown> shutdown = o.local().formerPrimary()
                ? ControlFile.read(config.pgdata())
                        .map(c -> new ReleasePosition.Shutdown(c.cleanShutdown(), c.checkpointLsn(), c.timeline()))
                : Optional.empty();
        LeaderRecord rec = ReleasePosition.released(o.lease().record(), o.local().formerPrimary(), shutdown, handoverTo,
                o.local().timeline(), o.local().history());
        long finalLsn = rec.finalLsn();
        int term = o.lease().transitions() + (handoverTo == null ? 0 : 1);
        lease.release(handoverTo, term, rec);
        LOG.infof("released the Lease%s, final position %s", handoverTo == null ? "" : " to " + handoverTo,
                Lsn.known(finalLsn) ? Lsn.format(finalLsn) : "unknown");
    }
}
