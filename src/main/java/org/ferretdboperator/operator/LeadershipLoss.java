package org.ferretdboperator.operator;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * What a replica does when it stops leading (it could not renew the Lease within the renew deadline, e.g. the API
 * server was unreachable): it exits with {@link #EXIT_CODE}, so that its pod restarts as a standby and no deposed leader
 * keeps reconciling next to the new one.
 *
 * <p>JOSDK's own {@code exitOnStopLeading} calls {@code System.exit} on the leader-election thread, so Quarkus stops
 * from inside a JVM shutdown hook while that thread is blocked in {@code System.exit}; issue #15 reported that this
 * never finished. With Quarkus 3.33 and JOSDK 5.3 LeaseLossIT did not reproduce a hang (that path exited at once with
 * the API server killed, and after Quarkus's 10 s shutdown with it frozen), so this is not a proven deadlock fix.
 * What it does: the callback logs {@code lost leadership}, only asks Quarkus to exit ({@link Quarkus#asyncExit}) and
 * returns; the main thread stops the application and exits with {@link #EXIT_CODE}; and should that orderly shutdown
 * hang (a client call waiting for the unreachable API server), a watchdog halts the process after {@link #HALT_AFTER},
 * which bounds the time a deposed leader can keep running.
 */
public final class LeadershipLoss {

    private static final Logger LOG = Logger.getLogger(LeadershipLoss.class);

    /** The exit code of a replica that lost its Lease. */
    public static final int EXIT_CODE = 1;
    /** Longest the orderly shutdown may take before the process halts. */
    public static final Duration HALT_AFTER = Duration.ofSeconds(15);

    private static final AtomicBoolean LOST = new AtomicBoolean();

    private LeadershipLoss() {
    }

    /** The callback of the leader elector. */
    static void stoppedLeading(String lease) {
        stoppedLeading(lease, Quarkus::asyncExit, code -> Runtime.getRuntime().halt(code),
                ApplicationLifecycleManager::isVmShuttingDown);
    }

    /**
     * @param shuttingDown whether the process is already stopping (SIGTERM): stopping the operator stops the leader
     *                     elector, which calls this too, and that is no lost leadership
     */
    static void stoppedLeading(String lease, IntConsumer exit, IntConsumer halt, BooleanSupplier shuttingDown) {
        if (shuttingDown.getAsBoolean()) {
            LOG.infof("stopped leading (Lease %s) because the process is shutting down", lease);
            return;
        }
        if (!LOST.compareAndSet(false, true)) {
            return;
        }
        LOG.errorf("lost leadership: the Lease %s was not renewed within the renew deadline; exiting with code %d so "
                + "that this pod restarts as a standby", lease, EXIT_CODE);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            LOG.errorf("shutdown after the lost leadership did not finish within %s: halting", HALT_AFTER);
            halt.accept(EXIT_CODE);
        }, "leadership-loss-halt");
        watchdog.setDaemon(true);
        watchdog.start();
        exit.accept(EXIT_CODE);
    }

    /** Whether this process lost its leadership; then its exit code is {@link #EXIT_CODE}. */
    public static boolean lost() {
        return LOST.get();
    }

    /** For tests of the callback in one JVM. */
    static void reset() {
        LOST.set(false);
    }
}
