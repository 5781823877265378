package org.ferretdboperator.coordinator;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.ferretdboperator.contract.MemberCount;
import org.ferretdboperator.contract.ForceFailoverRequest;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.coordinator.decision.ApiOutageFailsafe;
import org.ferretdboperator.coordinator.decision.ArchiverState;
import org.ferretdboperator.coordinator.decision.Decision;
import org.ferretdboperator.coordinator.decision.FinalPositionClaim;
import org.ferretdboperator.coordinator.decision.ForcedFailover;
import org.ferretdboperator.coordinator.decision.HaDecision;
import org.ferretdboperator.coordinator.decision.LeaderProbe;
import org.ferretdboperator.coordinator.decision.LeaderProbeCondition;
import org.ferretdboperator.coordinator.decision.LeaseView;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.LongAction;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.Observation;
import org.ferretdboperator.coordinator.decision.PeerView;
import org.ferretdboperator.coordinator.decision.PlannedSwitchover;
import org.ferretdboperator.coordinator.decision.Readiness;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.coordinator.lease.LeaseSnapshot;
import org.ferretdboperator.coordinator.lease.LeaseStore;
import org.ferretdboperator.coordinator.lease.LeaseTracker;
import org.ferretdboperator.coordinator.member.MemberDirectory;
import org.ferretdboperator.coordinator.postgres.PostgresControl;
import org.jboss.logging.Logger;

/**
 * One thread: observe → publish own state → decide → act, every retryPeriod or as soon as the Lease or a peer's pod
 * changes. Logs each decision once, when its status changes. A separate watchdog fences the primary if this loop is
 * ever stuck past renewDeadline (for example in a hung API call).
 */
public final class CoordinatorLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(CoordinatorLoop.class);
    private Supplier<Optional<ArchiverState>> archiverStatistics = Optional::empty;

    private final CoordinatorConfig config;
    private final Supplier<LocalInstance> observer;
    private final PostgresControl instance;
    private final LeaseStore leases;
    private final LeaseTracker tracker;
    private final LeaseHolder leaseHolder;
    private final MemberDirectory members;
    private final ActionExecutor executor;
    private final CoordinatorMetrics metrics;
    private final Function<String, LeaderProbe> prober;
    private final LongSupplier nanos;
    private final HaDecision decision = new HaDecision();
    private final PeerTracker peers;
    private final Object wake = new Object();

    private volatile boolean shuttingDown;
    private volatile boolean finished;
    private volatile boolean believesPrimary;
    private volatile long lastTickNanos;
    private volatile Readiness readiness = Readiness.STARTING;
    /** The API-outage failsafe's evidence; null: none is gathered, so the failsafe never holds. */
    private volatile FollowerConfirmations confirmations;
    private volatile boolean failsafeActive;
    private boolean woken;
    private String lastStatus;
    private String lastFailure;
    private long primarySinceNanos = -1;
    /** Since when this member has held the Lease without its PostgreSQL running as primary; -1 when not so. */
    private long primaryDownSinceNanos = -1;
    private MemberState lastPublished;
    private long lastPublishedNanos;
    private long lastPosition = Lsn.UNKNOWN;
    private long positionSinceNanos;

    CoordinatorLoop(CoordinatorConfig config, Supplier<LocalInstance> observer, PostgresControl instance, LeaseStore leases,
            LeaseTracker tracker, LeaseHolder leaseHolder, MemberDirectory members, ActionExecutor executor,
            CoordinatorMetrics metrics, Function<String, LeaderProbe> prober, LongSupplier nanos) {
        this.config = config;
        this.observer = observer;
        this.instance = instance;
        this.leases = leases;
        this.tracker = tracker;
        this.leaseHolder = leaseHolder;
        this.members = members;
        this.executor = executor;
        this.metrics = metrics;
        this.prober = prober;
        this.nanos = nanos;
        this.peers = new PeerTracker(nanos);
        this.lastTickNanos = nanos.getAsLong();
        executor.onPrimaryIntent(() -> believesPrimary = true);
    }

    /** What the member state says about WAL archiving; without archiving nothing is published. */
    void archiverStatistics(Supplier<Optional<ArchiverState>> statistics) {
        this.archiverStatistics = statistics;
    }

    public void wakeUp() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    /** Starts the graceful path: the next ticks hand over (primary) or stop (standby). */
    public void shutDown() {
        shuttingDown = true;
        wakeUp();
    }

    public boolean finished() {
        return finished;
    }

    public Readiness readiness() {
        return readiness;
    }

    public long millisSinceLastTick() {
        return (nanos.getAsLong() - lastTickNanos) / 1_000_000;
    }

    /** Live: the loop ticked within {@code tickBoundMillis} and no long action has stalled (see {@link LongAction#live}). */
    public boolean live(long tickBoundMillis) {
        return finished || executor.live(millisSinceLastTick(), tickBoundMillis);
    }

    /** Renews between ticks when the last own renew is a retryPeriod old (see LeaseHolder#renewInBackground). */
    void backgroundRenew() {
        if (tracker.sinceOwnRenewMillis() >= config.retryPeriodMillis()) {
            leaseHolder.renewInBackground();
        }
    }

    boolean believesPrimary() {
        return believesPrimary;
    }

    /** Gathers the API-outage failsafe's evidence with {@code c} (see {@link #failsafeCheck}). */
    void apiOutageFailsafe(FollowerConfirmations c) {
        this.confirmations = c;
    }

    /**
     * The API-outage failsafe's own period, off the loop thread (whose API calls hang through an outage): while this
     * member is primary and its renew is late by two retry periods, one round of {@link FollowerConfirmations}; while
     * the failsafe holds, the dead-man's switch is refreshed as a renewal would.
     */
    void failsafeCheck() {
        FollowerConfirmations c = confirmations;
        if (c == null) {
            return;
        }
        long since = tracker.sinceOwnRenewMillis();
        if (!believesPrimary || !leaseHolder.holdingNow() || since < 0 || since < 2 * config.retryPeriodMillis()) {
            c.reset();
            setFailsafeActive(false);
            return;
        }
        try {
            c.round();
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.debugf("API-outage failsafe: checking the standbys' acknowledgements failed: %s", e.getMessage());
        }
        ApiOutageFailsafe.Verdict v = failsafeVerdict();
        setFailsafeActive(v.active());
        if (v.active()) {
            leaseHolder.beatWithoutRenewal();
        }
    }

    private void setFailsafeActive(boolean active) {
        if (active != failsafeActive) {
            failsafeActive = active;
            metrics.apiOutageFailsafe(active);
            if (active) {
                LOG.warnf("API-outage failsafe active: %s", failsafeVerdict().reason());
            } else {
                LOG.infof("API-outage failsafe ended");
            }
        }
    }

    /** {@link ApiOutageFailsafe#primary} on what this process knows now. */
    ApiOutageFailsafe.Verdict failsafeVerdict() {
        FollowerConfirmations c = confirmations;
        return ApiOutageFailsafe.primary(config.cluster(), config.podName(), leaseHolder.holdingNow(),
                leaseHolder.renewFailures(), tracker.sinceOwnRenewMillis(), c == null ? Map.of() : c.confirmedAgoMillis());
    }

    @Override
    public void run() {
        LOG.infof("pg-coordinator %s of %s/%s started (members %s, %s, lease %d/%d/%d ms)", config.podName(), config.namespace(),
                config.postgresName(), config.members(), config.synchronous() ? "Synchronous" : "Asynchronous",
                config.leaseDurationMillis(), config.renewDeadlineMillis(), config.retryPeriodMillis());
        while (!finished) {
            long start = nanos.getAsLong();
            lastTickNanos = start;
            try {
                tick(start);
            } catch (RuntimeException e) {
                LOG.errorf(e, "tick failed: %s", e.getMessage());
            }
            if (!finished) {
                sleepUntil(start + config.retryPeriodMillis() * 1_000_000L);
            }
        }
        LOG.info("pg-coordinator stopped");
    }

    void tick(long start) {
        LocalInstance local = observer.get();
        boolean apiReachable = readLease();
        LeaseView lease = tracker.view();
        // a HorizontalScaling announces the new member count on the Lease before the StatefulSet changes
        int memberCount = tracker.last().flatMap(l -> MemberCount.decode(l.annotations())).map(MemberCount::replicas)
                .orElse(config.replicas());
        Map<String, PeerView> peerViews = Map.of();
        String label = null;
        try {
            peerViews = peers.update(members.states(), config.members(memberCount), config.podName());
            label = members.ownRoleLabel();
            if (!shuttingDown && members.ownPodLeaving()) {
                // the kubelet's SIGTERM follows the mark only once the kubelet has noticed it: leave now
                LOG.info("own pod marked for deletion: leaving the cluster gracefully ahead of the SIGTERM");
                shuttingDown = true;
            }
        } catch (RuntimeException e) {
            apiReachable = false;
        }
        // a postmaster on a data directory without standby.signal may be (or become) a primary: the watchdog covers it
        believesPrimary = local.isPrimary() || (local.postmasterAlive() && local.formerPrimary());
        trackPosition(local, start);
        LeaderProbe probe = LeaderProbe.NOT_PROBED;
        if (LeaderProbeCondition.shouldProbe(config.podName(), config.advertiseAddress(), config.leaseDurationMillis(), local,
                lease, apiReachable)) {
            probe = prober.apply(lease.record().leaderAddress());
        }
        boolean failsafe = local.isPrimary() && failsafeVerdict().active();
        Observation o = new Observation(config.podName(), config.advertiseAddress(), config.cluster(memberCount), local, lease, peerViews, label,
                probe, executor.memory(), shuttingDown, apiReachable, primaryDownMillis(local, lease, start),
                failsafe);
        Readiness ready = readiness(o);
        readiness = ready;
        metrics.ready(ready.ready());
        if (apiReachable) {
            publish(o, ready, start);
        }
        // a planned switchover the operator asked for on the Lease takes precedence over the ordinary leader tick;
        // a forced failover it asked for applies only where the ordinary election is blocked
        Optional<Map<String, String>> onLease = tracker.last().map(LeaseSnapshot::annotations);
        Decision d = PlannedSwitchover.decide(o, onLease.flatMap(SwitchoverRequest::decode))
                .orElseGet(() -> ForcedFailover.decide(o, onLease.flatMap(ForceFailoverRequest::decode), decision.decide(o)));
        // while a long action runs the executor reports its progress; this decision is only judged against it
        if (executor.longAction().isEmpty() && !d.status().equals(lastStatus)) {
            LOG.infof("%s -> %s", d.status(), d.kinds());
            lastStatus = d.status();
        }
        String failure = executor.execute(d, o, start);
        if (failure != null && !failure.equals(lastFailure)) {
            // once per distinct failure: a persistent one (a missing secret) must not flood the log every tick
            LOG.warnf("%s", failure);
        }
        lastFailure = failure;
        metrics.observed(local, roleName(local), lease.record().leaderLsn(), lease.unchangedForMillis(),
                lease.heldBy(config.podName()), d.blocked());
        if (shuttingDown && failure == null && !local.running() && !local.postmasterAlive()
                && (!apiReachable || (!tracker.view().heldBy(config.podName()) && Role.ofLabel(label) == Role.NONE))) {
            finished = true;
        }
    }

    private boolean readLease() {
        try {
            long writesBefore = tracker.writes();
            Optional<LeaseSnapshot> snapshot = leases.read();
            tracker.observed(snapshot, writesBefore);
            return true;
        } catch (RuntimeException e) {
            LOG.debugf("Lease read failed: %s", e.getMessage());
            return false;
        }
    }

    private long primaryDownMillis(LocalInstance local, LeaseView lease, long now) {
        if (local.isPrimary() || !lease.heldBy(config.podName())) {
            primaryDownSinceNanos = -1;
            return 0;
        }
        if (primaryDownSinceNanos < 0) {
            primaryDownSinceNanos = now;
        }
        return (now - primaryDownSinceNanos) / 1_000_000;
    }

    private void trackPosition(LocalInstance local, long now) {
        long position = local.position();
        if (position != lastPosition) {
            lastPosition = position;
            positionSinceNanos = now;
        }
    }

    /** This member's state for its peers; republished on change and at least every leaseDuration as a heartbeat. */
    private void publish(Observation o, Readiness ready, long now) {
        LocalInstance local = o.local();
        String expiredVersion = FinalPositionClaim.leaseVersion(config.podName(), o.config(), local, o.lease(),
                (now - positionSinceNanos) / 1_000_000);
        MemberState state = executor.longAction()
                .map(running -> LongAction.published(running, local, o.lease(), config.advertiseAddress(), shuttingDown,
                        executor.problem().orElse(null)))
                .orElseGet(() -> new MemberState(roleName(local), local.timeline(), local.position(),
                        local.walReceiverStreaming(), local.upstreamAddress(), ready.ready(), config.advertiseAddress(),
                        shuttingDown, expiredVersion, local.systemIdentifier(), 0, executor.problem().orElse(null)));
        if (executor.longAction().isEmpty() && (local.isPrimary() || local.isStandby())) {
            state = state.withArchiver(archiverStatistics.get().orElse(null));
        }
        boolean heartbeatDue = (now - lastPublishedNanos) / 1_000_000 >= config.leaseDurationMillis();
        if (lastPublished != null && state.sameFacts(lastPublished) && !heartbeatDue) {
            return;
        }
        MemberState versioned = state.withVersion(lastPublished == null ? 1 : lastPublished.version() + 1);
        try {
            members.publish(versioned);
            lastPublished = versioned;
            lastPublishedNanos = now;
        } catch (RuntimeException e) {
            LOG.debugf("publishing member state failed: %s", e.getMessage());
        }
    }

    private String roleName(LocalInstance local) {
        Optional<LongAction.InFlight> running = executor.longAction();
        if (running.isPresent()) {
            return running.get().role();
        }
        if (local.isPrimary()) {
            return MemberState.PRIMARY;
        }
        if (local.isStandby()) {
            return MemberState.STANDBY;
        }
        return executor.fenced() ? MemberState.FENCED : MemberState.STOPPED;
    }

    /** {@link Readiness#judge}, with how long this member has been primary tracked here. */
    private Readiness readiness(Observation o) {
        if (!o.shuttingDown()) {
            if (!o.local().isPrimary()) {
                primarySinceNanos = -1;
            } else if (primarySinceNanos < 0) {
                primarySinceNanos = nanos.getAsLong();
            }
        }
        return Readiness.judge(config.podName(), o.config(), o.local(), o.lease(), o.shuttingDown(),
                tracker.sinceOwnRenewMillis(), (nanos.getAsLong() - primarySinceNanos) / 1_000_000, o.apiOutageFailsafe());
    }

    private void sleepUntil(long deadlineNanos) {
        synchronized (wake) {
            while (!woken) {
                long waitMillis = (deadlineNanos - nanos.getAsLong()) / 1_000_000;
                if (waitMillis <= 0) {
                    break;
                }
                try {
                    wake.wait(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    finished = true;
                    return;
                }
            }
            woken = false;
        }
    }

    /** Fences the primary when the Lease has not been renewed in time (a stuck loop cannot fence itself). */
    void watchdogCheck() {
        if (!believesPrimary) {
            return;
        }
        long since = tracker.sinceOwnRenewMillis();
        if (since > config.renewDeadlineMillis() || (since < 0 && millisSinceLastTick() > config.renewDeadlineMillis())) {
            ApiOutageFailsafe.Verdict failsafe = failsafeVerdict();
            if (since > config.renewDeadlineMillis() && failsafe.active()) {
                return;
            }
            LOG.warnf("watchdog: no Lease renewal for %d ms (renewDeadline %d ms): fencing (%s)", since,
                    config.renewDeadlineMillis(), failsafe.reason());
            try {
                instance.fence();
                // a fenced ex-primary must stop renewing, or no standby can ever take over
                leaseHolder.stopHolding();
                believesPrimary = false;
                metrics.fenced();
            } catch (Exception e) {
                LOG.errorf(e, "watchdog fencing failed");
            }
        }
    }
}
