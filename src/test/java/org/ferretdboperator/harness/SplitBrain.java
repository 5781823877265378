package org.ferretdboperator.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds split brain in acknowledged writes: two different members that each acknowledged a commit in overlapping
 * windows (sent .. acknowledged) were both accepting writes at the same time, as far as any client can tell.
 * Conflicts closer than a second to each other are one event.
 */
public final class SplitBrain {

    /** One split-brain episode: when, and which acknowledgements overlapped first. */
    public record Event(long fromNanos, long toNanos, AckLog.Ack first, AckLog.Ack second, int conflicts) {
        @Override
        public String toString() {
            return "split brain: " + first.member() + " acknowledged id " + first.id() + " while " + second.member()
                    + " acknowledged id " + second.id() + " (" + conflicts + " overlapping pairs)";
        }
    }

    private static final long MERGE_NANOS = 1_000_000_000L;

    private SplitBrain() {
    }

    public static List<Event> detect(List<AckLog.Ack> acks) {
        List<AckLog.Ack> sorted = new ArrayList<>(acks);
        sorted.sort(Comparator.comparingLong(AckLog.Ack::sentNanos));
        List<AckLog.Ack> open = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (AckLog.Ack a : sorted) {
            open.removeIf(o -> o.ackedNanos() < a.sentNanos());
            for (AckLog.Ack o : open) {
                if (!o.member().equals(a.member())) {
                    Event last = events.isEmpty() ? null : events.get(events.size() - 1);
                    long to = Math.max(o.ackedNanos(), a.ackedNanos());
                    if (last != null && a.sentNanos() - last.toNanos() < MERGE_NANOS) {
                        events.set(events.size() - 1, new Event(last.fromNanos(), Math.max(last.toNanos(), to), last.first(),
                                last.second(), last.conflicts() + 1));
                    } else {
                        events.add(new Event(a.sentNanos(), to, o, a, 1));
                    }
                }
            }
            open.add(a);
        }
        return events;
    }
}
