package org.ferretdboperator.contract;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the operator asks the coordinators for a forced failover (KubeDB's {@code ForceFailOver}): annotations on the
 * backend's Lease ({@code <postgres>-leader}) naming the OpsRequest, the Lease term whose leader was lost, the members
 * that may be promoted, and when it was asked. Outside the coordinator's {@code coordinator.kubedb.com/} prefix, so the
 * coordinators' compare-and-swap writes carry it along unchanged ({@link LeaseAnnotations#foreign}).
 *
 * <p>A request binds one term: it is acted on only while the Lease's leaseTransitions still equal {@code term}, and
 * only by a member whose ordinary election is blocked. Any change of leader (the forced promotion itself, an ordinary
 * failover, the old leader returning) makes it stale, so it is consumed once and never reused by a later failover. The
 * member that takes over records the outcome in the Lease ({@link ForcedFailoverRecord}); the operator removes the
 * request when its OpsRequest ends.
 *
 * @param uid         the OpsRequest's metadata.uid
 * @param term        the Lease's leaseTransitions when the request was written (the lost leader's term)
 * @param candidates  the members that may be promoted; empty means any member
 * @param requestedAt when the operator wrote it (for the record; no coordinator judges time by it)
 */
public record ForceFailoverRequest(String uid, int term, List<String> candidates, Instant requestedAt) {

    public static final String PREFIX = "ops.kubedb.com/";
    public static final String UID = PREFIX + "force-failover-uid";
    public static final String TERM = PREFIX + "force-failover-term";
    public static final String CANDIDATES = PREFIX + "force-failover-candidates";
    public static final String REQUESTED_AT = PREFIX + "force-failover-requested-at";

    public ForceFailoverRequest {
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("a force failover request needs the OpsRequest's uid");
        }
        if (term < 0) {
            throw new IllegalArgumentException("a force failover request needs the Lease term it is for, got " + term);
        }
        candidates = candidates == null ? List.of()
                : candidates.stream().map(String::trim).filter(c -> !c.isEmpty()).distinct().sorted().toList();
    }

    /** Whether {@code member} may be promoted by this request. */
    public boolean admits(String member) {
        return candidates.isEmpty() || candidates.contains(member);
    }

    public Map<String, String> encode() {
        Map<String, String> out = new HashMap<>();
        out.put(UID, uid);
        out.put(TERM, Integer.toString(term));
        out.put(CANDIDATES, String.join(",", candidates));
        if (requestedAt != null) {
            out.put(REQUESTED_AT, requestedAt.toString());
        }
        return out;
    }

    /** The keys with null values: a JSON merge patch of this removes the request. */
    public static Map<String, String> removal() {
        Map<String, String> out = new HashMap<>();
        out.put(UID, null);
        out.put(TERM, null);
        out.put(CANDIDATES, null);
        out.put(REQUESTED_AT, null);
        return out;
    }

    /** The request on a Lease; empty when there is none or it is malformed (a malformed one is never acted on). */
    public static Optional<ForceFailoverRequest> decode(Map<String, String> annotations) {
        if (annotations == null || annotations.get(UID) == null || annotations.get(TERM) == null) {
            return Optional.empty();
        }
        try {
            String candidates = annotations.getOrDefault(CANDIDATES, "");
            String at = annotations.get(REQUESTED_AT);
            return Optional.of(new ForceFailoverRequest(annotations.get(UID), Integer.parseInt(annotations.get(TERM).trim()),
                    candidates == null || candidates.isBlank() ? List.of() : Arrays.asList(candidates.split(",")),
                    at == null || at.isBlank() ? null : Instant.parse(at.trim())));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
