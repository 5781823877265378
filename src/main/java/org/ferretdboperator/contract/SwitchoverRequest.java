package org.ferretdboperator.contract;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the operator asks the Lease holder for a planned switchover: annotations on the backend's Lease
 * ({@code <postgres>-leader}) naming the request, the holder and term it is addressed to, and optionally the member to
 * hand over to. Outside the coordinator's {@code coordinator.kubedb.com/} prefix, so the coordinators' compare-and-swap
 * writes carry them along unchanged ({@link LeaseAnnotations#foreign}).
 *
 * <p>A request binds one holder in one term: only that holder, while the Lease's leaseTransitions still equal
 * {@code term}, hands over. Any change of leader (the handover itself, or a failover meanwhile) makes it stale, so a
 * request left on the Lease can never move the primary twice. The operator removes it when the step ends.
 *
 * @param uid    the OpsRequest's metadata.uid (for logs and for the operator to recognise its own request)
 * @param from   the holder that is asked to hand over
 * @param term   the Lease's leaseTransitions when the request was written
 * @param target the member to hand over to, or null for the coordinator's own choice of the best standby
 */
public record SwitchoverRequest(String uid, String from, int term, String target) {

    public static final String PREFIX = "ops.kubedb.com/";
    public static final String UID = PREFIX + "switchover-uid";
    public static final String FROM = PREFIX + "switchover-from";
    public static final String TERM = PREFIX + "switchover-term";
    public static final String TARGET = PREFIX + "switchover-to";

    public SwitchoverRequest {
        if (uid == null || uid.isBlank() || from == null || from.isBlank()) {
            throw new IllegalArgumentException("a switchover request needs a uid and the holder it is addressed to");
        }
        target = target == null || target.isBlank() ? null : target;
    }

    public Map<String, String> encode() {
        Map<String, String> out = new HashMap<>();
        out.put(UID, uid);
        out.put(FROM, from);
        out.put(TERM, Integer.toString(term));
        if (target != null) {
            out.put(TARGET, target);
        }
        return out;
    }

    /** The keys with null values: a JSON merge patch of this removes the request. */
    public static Map<String, String> removal() {
        Map<String, String> out = new HashMap<>();
        out.put(UID, null);
        out.put(FROM, null);
        out.put(TERM, null);
        out.put(TARGET, null);
        return out;
    }

    /** The request on a Lease; empty when there is none or it is malformed (a malformed one is never acted on). */
    public static Optional<SwitchoverRequest> decode(Map<String, String> annotations) {
        if (annotations == null || annotations.get(UID) == null || annotations.get(FROM) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SwitchoverRequest(annotations.get(UID), annotations.get(FROM),
                    Integer.parseInt(annotations.getOrDefault(TERM, "").trim()), annotations.get(TARGET)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code member}, holding the Lease in {@code transitions}, is the one asked to hand over now. */
    public boolean addressedTo(String member, int transitions) {
        return from.equals(member) && term == transitions;
    }
}
