package org.ferretdboperator.harness.patroni;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.ferretdboperator.harness.Harness;
import org.ferretdboperator.harness.PrimaryTimeline;

/**
 * The client's view of which member is Patroni's primary, as a load balancer in front of Patroni keeps it: every
 * member's REST API polled with {@code GET /primary} (200 only on the member that holds the leader key and runs as
 * primary) every {@link #POLL}, one thread per member. It is the peer's counterpart of our primary Service following
 * the {@code kubedb.com/role} label, and keeps the same {@link PrimaryTimeline}: {@link #primaries()} lists the members
 * answering 200, the most recent first. The poll is far tighter than HAProxy's 3 s check interval in Patroni's example
 * configuration, so the routing adds at most ~0.1 s to Patroni's figures.
 */
public final class PrimaryFollower extends PrimaryTimeline implements AutoCloseable {

    public static final Duration POLL = Duration.ofMillis(100);
    static final Duration TIMEOUT = Duration.ofMillis(500);

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    PrimaryFollower(List<PatroniMember> members) {
        for (PatroniMember m : members) {
            Thread t = new Thread(() -> loop(m), "patroni-follower-" + m.name());
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void loop(PatroniMember m) {
        long next = System.nanoTime();
        while (running) {
            boolean primary = m.rest("/primary", TIMEOUT) == 200;
            mark(m.name(), primary);
            next += POLL.toNanos();
            long now = System.nanoTime();
            if (next < now) {
                next = now;
            } else {
                LockSupport.parkNanos(next - now);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Harness.joinAll(threads, Duration.ofSeconds(2));
        Harness.log("primary follower stopped");
    }
}
