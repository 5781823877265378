package org.ferretdboperator.coordinator.decision;

import java.util.Optional;

/**
 * Judgements about a long action (a clone, a re-clone or a rewind) that runs beside the loop instead of on it, so the
 * loop keeps ticking, publishing and deciding while pg_basebackup copies a large data directory. Pure: the runner
 * measures, this decides.
 *
 * <p>While one runs, no other action starts (a second pg_basebackup into the same directory, or a start of the half
 * copied one, would destroy it), and the ordinary decision is not carried out: its observation is of a data directory
 * that is being written. The loop cancels a clone or re-clone instead when it must stop: the pod is shutting down, the
 * decision would stop or fence PostgreSQL, another member now leads (the copy would be of a former leader), or the
 * copy stopped making progress for {@code stallTimeoutMillis}. A cancelled clone leaves nothing behind (a re-clone
 * gets its old directory back). A rewind is never cancelled: see {@link #judge}.
 */
public final class LongAction {

    private LongAction() {
    }

    /** Role a member publishes while cloning (copying a leader's data directory: no position of its own yet). */
    public static final String CLONING = "cloning";
    /** Role a member publishes while pg_rewind runs on its data directory. */
    public static final String REWINDING = "rewinding";

    /**
     * The long action in flight, as measured by the runner.
     *
     * @param action              the action (CloneFrom, Reclone or Rewind)
     * @param runningMillis       monotonic ms since it started
     * @param sinceProgressMillis monotonic ms since its target directory last changed (size or newest modification)
     * @param bytes               size of its target directory at the last sample
     */
    public record InFlight(Action action, long runningMillis, long sinceProgressMillis, long bytes) {

        public InFlight {
            if (!isLong(action)) {
                throw new IllegalArgumentException(action.kind() + " is not a long action");
            }
        }

        /** The member it copies from or rewinds against. */
        public String leader() {
            return switch (action) {
                case Action.CloneFrom c -> c.leader();
                case Action.Reclone r -> r.leader();
                case Action.Rewind r -> r.leader();
                default -> throw new IllegalStateException(action.kind());
            };
        }

        public String role() {
            return action instanceof Action.Rewind ? REWINDING : CLONING;
        }

        /** For the status line and the log. */
        public String describe() {
            return (action instanceof Action.Rewind ? "rewinding against " : "cloning from ") + leader() + ": "
                    + bytes / (1024 * 1024) + " MiB after " + runningMillis / 1000 + " s, last progress "
                    + sinceProgressMillis / 1000 + " s ago";
        }
    }

    /** What the loop does this tick while a long action runs. */
    public record Verdict(boolean cancel, String reason) {

        static Verdict keepGoing(InFlight running) {
            return new Verdict(false, running.describe());
        }

        static Verdict cancel(InFlight running, String why) {
            return new Verdict(true, "cancelling " + running.action().kind() + " from " + running.leader() + ": " + why);
        }
    }

    /** The actions that run beside the loop. */
    public static boolean isLong(Action action) {
        return action instanceof Action.CloneFrom || action instanceof Action.Reclone || action instanceof Action.Rewind;
    }

    /** No progress for longer than {@code stallTimeoutMillis}. */
    public static boolean stalled(InFlight running, long stallTimeoutMillis) {
        return running.sinceProgressMillis() > stallTimeoutMillis;
    }

    /**
     * Whether the running long action goes on or is cancelled this tick.
     *
     * @param running            the long action in flight
     * @param next               what the decision would do now (not carried out while the long action runs)
     * @param o                  this tick's observation
     * @param stallTimeoutMillis how long the target directory may stay unchanged
     */
    public static Verdict judge(InFlight running, Decision next, Observation o, long stallTimeoutMillis) {
        if (running.action() instanceof Action.Rewind) {
            // pg_rewind stopped half way leaves a directory PostgreSQL must not start from (its docs: take a new base
            // backup); it runs to its end, and a stalled one makes the coordinator not live instead
            return Verdict.keepGoing(running);
        }
        if (o.shuttingDown()) {
            return Verdict.cancel(running, "the pod is shutting down");
        }
        if (next.contains(Action.Fence.class) || next.contains(Action.StopFast.class)) {
            return Verdict.cancel(running, "the decision stops PostgreSQL (" + next.status() + ")");
        }
        LeaseView lease = o.lease();
        if (o.apiReachable() && lease.liveHolderOtherThan(o.self(), o.config().leaseDurationMillis())
                && !lease.heldBy(running.leader())) {
            return Verdict.cancel(running, lease.holder() + " leads now");
        }
        if (o.apiReachable() && lease.heldBy(o.self())) {
            return Verdict.cancel(running, "this member holds the Lease");
        }
        if (stalled(running, stallTimeoutMillis)) {
            return Verdict.cancel(running, "no progress for " + running.sinceProgressMillis() + " ms (stall timeout "
                    + stallTimeoutMillis + " ms)");
        }
        return Verdict.keepGoing(running);
    }

    /**
     * The coordinator is live while its loop ticks within {@code tickBoundMillis} and no long action has stalled for
     * longer than {@code stallTimeoutMillis}: a long action makes no tick late, and a stalled one the loop could not
     * cancel is what a container restart is for.
     */
    public static boolean live(long millisSinceTick, long tickBoundMillis, Optional<InFlight> running, long stallTimeoutMillis) {
        return millisSinceTick < tickBoundMillis && running.map(r -> !stalled(r, stallTimeoutMillis)).orElse(true);
    }

    /**
     * What a member publishes while a long action runs: its role, the leader it copies from as upstream, no WAL
     * position (so no peer compares against a directory being written, and none reads it as a final position), and
     * the cluster's system identifier (a member being cloned is never a member without data, which only a brand new
     * cluster may assume of all its members).
     */
    public static MemberState published(InFlight running, LocalInstance local, LeaseView lease, String address,
            boolean shuttingDown, String problem) {
        long systemIdentifier = local.systemIdentifier() != 0 ? local.systemIdentifier() : lease.record().systemIdentifier();
        String upstream = switch (running.action()) {
            case Action.CloneFrom c -> c.address();
            case Action.Reclone r -> r.address();
            case Action.Rewind r -> r.address();
            default -> null;
        };
        return new MemberState(running.role(), 0, Lsn.UNKNOWN, false, upstream, false, address, shuttingDown, null,
                systemIdentifier, 0, problem);
    }
}
