package org.ferretdboperator.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which members a client's route to the primary counts as primary, over time: our pods' role labels (what the primary
 * Service selects) or Patroni's GET /primary (what a load balancer checks). The writer follows {@link #primaries()};
 * the experiment counts {@link #dualPrimaries()} the same way for every system.
 */
public class PrimaryTimeline {

    /** A stretch of time during which two or more members counted as primary. */
    public record DualPrimary(long fromNanos, long toNanos, List<String> members) {
        public double seconds() {
            return Harness.seconds(toNanos - fromNanos);
        }
    }

    private record Change(long nanos, List<String> primaries) {
    }

    /** When each member became primary (monotonic). */
    private final Map<String, Long> primarySince = new HashMap<>();
    private final List<Change> changes = new CopyOnWriteArrayList<>();

    /** Records what the route says of {@code member} now; only a change is kept. */
    protected final synchronized void mark(String member, boolean primary) {
        if (primary == primarySince.containsKey(member)) {
            return;
        }
        if (primary) {
            primarySince.put(member, System.nanoTime());
        } else {
            primarySince.remove(member);
        }
        changes.add(new Change(System.nanoTime(), List.copyOf(primarySince.keySet())));
    }

    /**
     * The members counted as primary right now, the most recently become primary first: when two count, the older one
     * is normally the stale view of a dead or frozen primary, which the route drops once its check fails.
     */
    public synchronized List<String> primaries() {
        List<String> out = new ArrayList<>(primarySince.keySet());
        out.sort(Comparator.comparing((String m) -> primarySince.get(m)).reversed());
        return out;
    }

    /** Every stretch with more than one member counted as primary; an open stretch ends now. */
    public List<DualPrimary> dualPrimaries() {
        List<DualPrimary> out = new ArrayList<>();
        Change openedBy = null;
        for (Change c : changes) {
            boolean dual = c.primaries().size() > 1;
            if (dual && openedBy == null) {
                openedBy = c;
            } else if (!dual && openedBy != null) {
                out.add(new DualPrimary(openedBy.nanos(), c.nanos(), openedBy.primaries()));
                openedBy = null;
            }
        }
        if (openedBy != null) {
            out.add(new DualPrimary(openedBy.nanos(), System.nanoTime(), openedBy.primaries()));
        }
        return out;
    }
}
