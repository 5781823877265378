package org.ferretdboperator.coordinator;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.ferretdboperator.coordinator.decision.Action;
import org.ferretdboperator.coordinator.decision.Decision;
import org.ferretdboperator.coordinator.decision.HaDecision;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.Observation;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.coordinator.lease.LeaseConflictException;
import org.ferretdboperator.coordinator.lease.LeaseSnapshot;
import org.ferretdboperator.coordinator.lease.LeaseStore;
import org.ferretdboperator.coordinator.lease.LeaseTracker;
import org.ferretdboperator.coordinator.member.MemberDirectory;
import org.ferretdboperator.contract.AppUser;
import org.ferretdboperator.coordinator.postgres.ControlFile;
import org.ferretdboperator.coordinator.postgres.InstanceController;
import org.ferretdboperator.coordinator.postgres.RewindNotReadyException;
import org.jboss.logging.Logger;

/** Carries out a {@link Decision}'s actions in order, stopping at the first failure, and keeps the loop's memory. */
final class ActionExecutor {

    private static final Logger LOG = Logger.getLogger(ActionExecutor.class);

    private final CoordinatorConfig config;
    private final InstanceController instance;
    private final LeaseStore leases;
    private final LeaseTracker tracker;
    private final MemberDirectory members;
    private final CoordinatorMetrics metrics;
    private final LongSupplier nanos;
    private final java.util.List<AppUser> appUsers;

    private String rewindFailedAgainst;
    private int appUsersEnsuredTerm = -1;
    /** While true, {@link #renewInBackground()} keeps the Lease renewed with the last record this member wrote. */
    private volatile boolean holding;
    /** This member fenced its PostgreSQL and has not started it since (reported as role "fenced"). */
    private volatile boolean fenced;
    private volatile int heldTerm;
    private volatile LeaderRecord heldRecord;
    private final Object leaseWrites = new Object();
    private volatile Runnable primaryIntent = () -> { };
    private final java.util.function.Predicate<String> leaderAnswers;
    private PrimaryHeartbeat heartbeat = new PrimaryHeartbeat(Optional.empty());
    private java.util.function.BooleanSupplier primaryRunning = () -> false;

    ActionExecutor(CoordinatorConfig config, InstanceController instance, LeaseStore leases, LeaseTracker tracker,
            MemberDirectory members, CoordinatorMetrics metrics, LongSupplier nanos,
            java.util.function.Predicate<String> leaderAnswers) {
        this.leaderAnswers = leaderAnswers;
        this.config = config;
        this.instance = instance;
        this.leases = leases;
        this.tracker = tracker;
        this.members = members;
        this.metrics = metrics;
        this.nanos = nanos;
        this.appUsers = config.appUsers();
    }

    boolean fenced() {
        return fenced;
    }

    org.ferretdboperator.coordinator.decision.Memory memory() {
        return new org.ferretdboperator.coordinator.decision.Memory(rewindFailedAgainst, appUsersEnsuredTerm);
    }

    /** @return null when every action succeeded, else what failed */
    String execute(Decision decision, Observation o, long observedAtNanos) {
        boolean promoted = false;
        StringBuilder timings = new StringBuilder();
        for (Action action : decision.actions()) {
            metrics.decided(action.kind());
            try {
                long t0 = nanos.getAsLong();
                run(action, o);
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
                if (action instanceof Action.Rewind r && !(e instanceof RewindNotReadyException)
                        && leaderAnswers.test(r.address())) {
                    // only a rewind against a reachable leader that still fails means the data cannot be rewound
                    rewindFailedAgainst = HaDecision.rewindKey(r.leader(), o.lease().transitions());
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

    private void run(Action action, Observation o) throws Exception {
        if (action instanceof Action.StartPrimary || action instanceof Action.StartStandby || action instanceof Action.CloneFrom
                || action instanceof Action.Rewind || action instanceof Action.Reclone) {
            fenced = false;
        }
        if (action instanceof Action.InitDb) {
            instance.initDb();
        } else if (action instanceof Action.CloneFrom a) {
            instance.cloneFrom(a.address());
        } else if (action instanceof Action.StartStandby a) {
            instance.startStandby(a.address());
        } else if (action instanceof Action.StartPrimary) {
            primaryIntent.run();
            heartbeat.beat();
            instance.startPrimary();
        } else if (action instanceof Action.AcquireLease a) {
            writeLease(config.podName(), a.term(), a.record());
        } else if (action instanceof Action.RenewLease a) {
            writeLease(config.podName(), o.lease().transitions(), a.record());
        } else if (action instanceof Action.ReleaseLease a) {
            release(a.handoverTo(), o);
        } else if (action instanceof Action.Promote) {
            primaryIntent.run();
            heartbeat.beat();
            instance.promote();
        } else if (action instanceof Action.Fence a) {
            holding = false;
            heartbeat.stop();
            LOG.warnf("fencing PostgreSQL: %s", a.reason());
            instance.fence();
            fenced = true;
            metrics.fenced();
        } else if (action instanceof Action.StopFast) {
            instance.stopFast(Duration.ofSeconds(20));
        } else if (action instanceof Action.Rewind a) {
            instance.rewind(a.address(), o.lease().record().timeline() > o.local().timeline());
            rewindFailedAgainst = null;
        } else if (action instanceof Action.Reclone a) {
            instance.reclone(a.address());
        } else if (action instanceof Action.Repoint a) {
            instance.repoint(a.address());
        } else if (action instanceof Action.Detach) {
            instance.detach();
        } else if (action instanceof Action.SetSynchronousStandbys a) {
            instance.setSynchronousStandbys(a.setting());
        } else if (action instanceof Action.EnsureSlots a) {
            instance.ensureSlots(a.create(), a.drop());
        } else if (action instanceof Action.EnsureAppUsers a) {
            instance.ensureRoles(appUsers);
            appUsersEnsuredTerm = a.term();
        } else if (action instanceof Action.PublishRole a) {
            members.setRole(a.role());
        } else if (!(action instanceof Action.Wait)) {
            throw new IllegalStateException("no executor for " + action);
        }
    }

    private void writeLease(String holder, int term, LeaderRecord record) throws LeaseConflictException {
        synchronized (leaseWrites) {
            Optional<LeaseSnapshot> expected = tracker.last();
            long sent = nanos.getAsLong();
            try {
                LeaseSnapshot written = leases.write(expected.orElse(null), holder, term, LeaseAnnotations.encode(record));
                tracker.wrote(sent, written);
                heldTerm = term;
                heldRecord = record;
                holding = true;
                if (primaryRunning.getAsBoolean()) {
                    heartbeat.beat();
                }
            } catch (LeaseConflictException e) {
                holding = false;
                heartbeat.stop();
                throw e;
            }
        }
    }

    void heartbeat(PrimaryHeartbeat beat, java.util.function.BooleanSupplier primary) {
        this.heartbeat = beat;
        this.primaryRunning = primary;
    }

    /** Called before starting or promoting PostgreSQL as primary, so the watchdog covers the start as well. */
    void onPrimaryIntent(Runnable intent) {
        this.primaryIntent = intent;
    }

    /**
     * Renews the Lease between ticks while this member holds it, so a slow action (a primary starting, a promotion)
     * never starves renewal. A lost compare-and-swap stops it; the loop then sees the new holder and fences.
     */
    void renewInBackground() {
        if (!holding) {
            return;
        }
        try {
            Optional<LeaseSnapshot> last = tracker.last();
            if (last.isEmpty() || !last.get().holder().equals(config.podName())) {
                holding = false;
                return;
            }
            writeLease(config.podName(), heldTerm, heldRecord);
        } catch (LeaseConflictException e) {
            LOG.warnf("background renew lost the Lease: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.debugf("background renew failed: %s", e.getMessage());
        }
    }

    /**
     * Leaves the Lease, to {@code handoverTo} or vacant. A leaving primary records the final position of its clean
     * shutdown; a standby that gives up a Lease it could not use keeps the last leader's record as it was.
     */
    private void release(String handoverTo, Observation o) throws LeaseConflictException {
        holding = false;
        heartbeat.stop();
        long finalLsn = o.lease().record().finalLsn();
        if (o.local().formerPrimary()) {
            Optional<ControlFile> control = ControlFile.read(config.pgdata());
            finalLsn = control.filter(ControlFile::cleanShutdown).map(ControlFile::checkpointLsn).orElse(Lsn.UNKNOWN);
        }
        LeaderRecord rec = o.lease().record().withHandover(handoverTo, finalLsn);
        Map<String, String> annotations = LeaseAnnotations.encode(rec);
        int term = o.lease().transitions() + (handoverTo == null ? 0 : 1);
        LeaseSnapshot written;
        synchronized (leaseWrites) {
            // read under the lock: the background renewer may have moved the resourceVersion since the tick began
            Optional<LeaseSnapshot> expected = tracker.last();
            written = leases.write(expected.orElse(null), handoverTo == null ? "" : handoverTo, term, annotations);
            tracker.wrote(nanos.getAsLong(), written);
        }
        LOG.infof("released the Lease%s, final position %s", handoverTo == null ? "" : " to " + handoverTo,
                Lsn.known(finalLsn) ? Lsn.format(finalLsn) : "unknown");
    }
}
