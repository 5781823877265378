package org.ferretdboperator.harness.patroni;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.ferretdboperator.harness.Harness;

/**
 * The client's view of which member is Patroni's primary, as a load balancer in front of Patroni keeps it: every
 * member's REST API polled with {@code GET /primary} (200 only on the member that holds the leader key and runs as
 * primary) every {@link #POLL}, one thread per member. It is the peer's counterpart of our primary Service following
 * the {@code kubedb.com/role} label: {@link #primaries()} lists the members answering 200, the most recent first, as
 * the harness's label view does. The poll is far tighter than HAProxy's 3 s check interval in Patroni's example
 * configuration, so the routing adds at most ~0.1 s to Patroni's figures.
 */
public final class PrimaryFollower implements AutoCloseable {

    public static final Duration POLL = Duration.ofMillis(100);
    static final Duration TIMEOUT = Duration.ofMillis(500);

    /** A stretch of time during which two or more members answered 200 on /primary. */
    public record DualPrimary(long fromNanos, long toNanos, List<String> members) {
    }

    private record Snapshot(long nanos, List<String> primaries) {
    }

    private final Map<String, Long> primarySince = new HashMap<>();
    private final List<Snapshot> history = new CopyOnWriteArrayList<>();
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
            update(m.name(), primary);
            next += POLL.toNanos();
            long now = System.nanoTime();
            if (next < now) {
                next = now;
            } else {
                LockSupport.parkNanos(next - now);
            }
        }
    }

    private synchronized void update(String member, boolean primary) {
        boolean was = primarySince.containsKey(member);
        if (primary == was) {
            return;
        }
        if (primary) {
            primarySince.put(member, System.nanoTime());
        } else {
            primarySince.remove(member);
        }
        history.add(new Snapshot(System.nanoTime(), List.copyOf(primarySince.keySet())));
    }

    /** The members answering 200 on /primary at the last poll, the most recently become primary first. */
    public synchronized List<String> primaries() {
        List<String> out = new ArrayList<>(primarySince.keySet());
        out.sort(Comparator.comparing((String m) -> primarySince.get(m)).reversed());
        return out;
    }

    /** Every stretch with more than one member answering 200 on /primary; an open stretch ends now. */
    public List<DualPrimary> dualPrimaries() {
        List<DualPrimary> out = new ArrayList<>();
        Snapshot openedBy = null;
        for (Snapshot s : history) {
            boolean dual = s.primaries().size() > 1;
            if (dual && openedBy == null) {
                openedBy = s;
            } else if (!dual && openedBy != null) {
                out.add(new DualPrimary(openedBy.nanos(), s.nanos(), openedBy.primaries()));
                openedBy = null;
            }
        }
        if (openedBy != null) {
            out.add(new DualPrimary(openedBy.nanos(), System.nanoTime(), openedBy.primaries()));
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Harness.log("primary follower stopped");
    }
}
