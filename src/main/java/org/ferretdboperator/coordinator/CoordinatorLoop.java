package org.ferretdboperator.coordinator;

import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.ferretdboperator.coordinator.decision.Decision;
import org.ferretdboperator.coordinator.decision.HaDecision;
import org.ferretdboperator.coordinator.decision.LeaderProbe;
import org.ferretdboperator.coordinator.decision.LeaseView;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.Observation;
import org.ferretdboperator.coordinator.decision.PeerView;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.coordinator.decision.SyncSetting;
import org.ferretdboperator.coordinator.lease.LeaseSnapshot;
import org.ferretdboperator.coordinator.lease.LeaseStore;
import org.ferretdboperator.coordinator.lease.LeaseTracker;
import org.ferretdboperator.coordinator.member.MemberDirectory;
import org.ferretdboperator.coordinator.postgres.InstanceController;
import org.ferretdboperator.coordinator.postgres.InstanceObserver;
import org.jboss.logging.Logger;

/**
 * One thread: observe → publish own state → decide → act, every retryPeriod or as soon as the Lease or a peer's pod
 * changes. Logs each decision once, when its status changes. A separate watchdog fences the primary if this loop is
 * ever stuck past renewDeadline (for example in a hung API call).
 */
public final class CoordinatorLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(CoordinatorLoop.class);

    private final CoordinatorConfig config;
    private final InstanceObserver observer;
    private final InstanceController instance;
    private final LeaseStore leases;
    private final LeaseTracker tracker;
    private final MemberDirectory members;
    private final ActionExecutor executor;
    private final CoordinatorMetrics metrics;
    private final LeaderProber prober;
    private final LongSupplier nanos;
    private final HaDecision decision = new HaDecision();
    private final PeerTracker peers;
    private final Object wake = new Object();

    private volatile boolean shuttingDown;
    private volatile boolean finished;
    private volatile boolean believesPrimary;
    private volatile long lastTickNanos;
    private volatile Readiness readiness = Readiness.STARTING;
    private boolean woken;
    private String lastStatus;
    private String lastFailure;
    private long primarySinceNanos = -1;
    private MemberState lastPublished;
    private long lastPublishedNanos;
    private long lastPosition = Lsn.UNKNOWN;
    private long positionSinceNanos;

    CoordinatorLoop(CoordinatorConfig config, InstanceObserver observer, InstanceController instance, LeaseStore leases,
            LeaseTracker tracker, MemberDirectory members, ActionExecutor executor, CoordinatorMetrics metrics, LeaderProber prober,
            LongSupplier nanos) {
        this.config = config;
        this.observer = observer;
        this.instance = instance;
        this.leases = leases;
        this.tracker = tracker;
        this.members = members;
        this.executor = executor;
        this.metrics = metrics;
        this.prober = prober;
        this.nanos = nanos;
        this.peers = new PeerTracker(nanos);
        this.lastTickNanos = nanos.getAsLong();
        executor.onPrimaryIntent(() -> believesPrimary = true);
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

    /** Renews between ticks when the last own renew is a retryPeriod old (see ActionExecutor#renewInBackground). */
    void backgroundRenew() {
        if (tracker.sinceOwnRenewMillis() >= config.retryPeriodMillis()) {
            executor.renewInBackground();
        }
    }

    boolean believesPrimary() {
        return believesPrimary;
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

    private void tick(long start) {
        LocalInstance local = observer.observe();
        boolean apiReachable = readLease();
        LeaseView lease = tracker.view();
        Map<String, PeerView> peerViews = Map.of();
        String label = null;
        try {
            peerViews = peers.update(members.states(), config.members(), config.podName());
            label = members.ownRoleLabel();
        } catch (RuntimeException e) {
            apiReachable = false;
        }
        // a postmaster on a data directory without standby.signal may be (or become) a primary: the watchdog covers it
        believesPrimary = local.isPrimary() || (local.postmasterAlive() && local.formerPrimary());
        trackPosition(local, start);
        LeaderProbe probe = LeaderProbe.NOT_PROBED;
        if (local.isStandby() && apiReachable && lease.vacant(config.podName(), config.leaseDurationMillis())
                && lease.record().leaderAddress() != null && !lease.record().leaderAddress().equals(config.advertiseAddress())
                && !Lsn.known(lease.record().finalLsn())) {
            probe = prober.probe(lease.record().leaderAddress());
        }
        Observation o = new Observation(config.podName(), config.advertiseAddress(), config.cluster(), local, lease, peerViews, label,
                probe, executor.memory(), shuttingDown, apiReachable);
        Readiness ready = readiness(o);
        readiness = ready;
        metrics.ready(ready.ready());
        if (apiReachable) {
            publish(o, ready, start);
        }
        Decision d = decision.decide(o);
        if (!d.status().equals(lastStatus)) {
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
        LeaseView lease = o.lease();
        long stableMillis = (now - positionSinceNanos) / 1_000_000;
        // Only a stopped receiver with a position that stopped moving (local WAL replayed) makes the position final.
        boolean positionFinal = local.isStandby() && !local.walReceiverStreaming()
                && stableMillis >= Math.max(2 * config.retryPeriodMillis(), 400);
        String expiredVersion = positionFinal && lease.exists() && lease.vacant(config.podName(), config.leaseDurationMillis())
                ? lease.resourceVersion() : null;
        MemberState state = new MemberState(roleName(local), local.timeline(), local.position(), local.walReceiverStreaming(),
                local.upstreamAddress(), ready.ready(), config.advertiseAddress(), shuttingDown, expiredVersion,
                local.systemIdentifier(), 0);
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
        if (local.isPrimary()) {
            return MemberState.PRIMARY;
        }
        if (local.isStandby()) {
            return MemberState.STANDBY;
        }
        return executor.fenced() ? MemberState.FENCED : MemberState.STOPPED;
    }

    /** Ready only when PostgreSQL really serves this member's role (the write path for a primary). */
    private Readiness readiness(Observation o) {
        LocalInstance local = o.local();
        LeaseView lease = o.lease();
        if (o.shuttingDown()) {
            return new Readiness(false, "shutting down");
        }
        if (local.isPrimary()) {
            if (primarySinceNanos < 0) {
                primarySinceNanos = nanos.getAsLong();
            }
            long since = tracker.sinceOwnRenewMillis();
            if (!lease.heldBy(config.podName()) || since < 0 || since > config.renewDeadlineMillis()) {
                return new Readiness(false, "primary without a renewed Lease");
            }
            if (!Lsn.known(local.flushLsn())) {
                return new Readiness(false, "primary's WAL position unreadable");
            }
            SyncSetting sync = local.syncSetting();
            long primaryForMillis = (nanos.getAsLong() - primarySinceNanos) / 1_000_000;
            // a new primary gets a leaseDuration for its standbys to re-attach before commits waiting on them count
            if (config.synchronous() && config.replicas() > 1 && primaryForMillis > config.leaseDurationMillis()) {
                long connected = local.streamingStandbys().stream().filter(sync.names()::contains).count();
                if (sync.isEmpty() || connected < sync.quorum()) {
                    return new Readiness(false, "synchronous standbys not connected: commits would wait");
                }
            }
            return new Readiness(true, "primary");
        }
        if (local.isStandby()) {
            primarySinceNanos = -1;
            String leaderAddress = lease.record().leaderAddress();
            if (!lease.liveHolderOtherThan(config.podName(), config.leaseDurationMillis()) || leaderAddress == null) {
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
        primarySinceNanos = -1;
        return new Readiness(false, "PostgreSQL not running");
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
            LOG.warnf("watchdog: no Lease renewal for %d ms (renewDeadline %d ms): fencing", since, config.renewDeadlineMillis());
            try {
                instance.fence();
                believesPrimary = false;
                metrics.fenced();
            } catch (Exception e) {
                LOG.errorf(e, "watchdog fencing failed");
            }
        }
    }
}
