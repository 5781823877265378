package org.ferretdboperator.operator;

import io.quarkus.runtime.Quarkus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * What a replica does when it stops leading (it could not renew the Lease within the renew deadline, e.g. the API
 * server was unreachable): it exits with {@link #EXIT_CODE}, so that its pod restarts as a standby and no deposed leader
 * keeps reconciling next to the new one.
 *
 * <p>JOSDK's own {@code exitOnStopLeading} calls {@code System.exit} on the leader-election thread; Quarkus's shutdown
 * hook then stops the operator, which waits for that same thread, so the process never exited (and its HTTP endpoints
 * stopped answering). Here the callback only asks Quarkus to exit ({@link Quarkus#asyncExit}) and returns; the main
 * thread stops the application and exits. Should that shutdown itself hang (a client call that waits for the
 * unreachable API server), a watchdog halts the process after {@link #HALT_AFTER}.
 */
public final class LeadershipLoss {

    private static final Logger LOG = Logger.getLogger(LeadershipLoss.class);

    /** The exit code of a replica that lost its Lease. */
    public static final int EXIT_CODE = 1;
    /** Longest the orderly shutdown may take before the process halts. */
    static final Duration HALT_AFTER = Duration.ofSeconds(15);

    private static final AtomicBoolean LOST = new AtomicBoolean();

    private LeadershipLoss() {
    }

    /** The callback of the leader elector. */
    static void stoppedLeading(String lease) {
        stoppedLeading(lease, Quarkus::asyncExit, code -> Runtime.getRuntime().halt(code));
    }

    static void stoppedLeading(String lease, IntConsumer exit, IntConsumer halt) {
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
