package org.ferretdboperator.coordinator;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.PeerView;

/** Peers' published states with how long (this process's monotonic clock) each has been unchanged. */
final class PeerTracker {

    private record Seen(long version, long sinceNanos) {
    }

    private final LongSupplier nanos;
    private final Map<String, Seen> seen = new HashMap<>();

    PeerTracker(LongSupplier nanos) {
        this.nanos = nanos;
    }

    Map<String, PeerView> update(Map<String, MemberState> states, java.util.List<String> members, String self) {
        long now = nanos.getAsLong();
        Map<String, PeerView> out = new HashMap<>();
        for (String member : members) {
            MemberState s = states.get(member);
            if (member.equals(self) || s == null) {
                continue;
            }
            Seen previous = seen.get(member);
            if (previous == null || previous.version() != s.version()) {
                previous = new Seen(s.version(), now);
                seen.put(member, previous);
            }
            out.put(member, new PeerView(member, s, (now - previous.sinceNanos()) / 1_000_000));
        }
        return out;
    }
}
