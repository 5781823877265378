package org.ferretdboperator.contract;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.TimelineHistory;

/** The leader record as Lease annotations ({@code coordinator.kubedb.com/*}). */
public final class LeaseAnnotations {

    public static final String PREFIX = "coordinator.kubedb.com/";
    public static final String LEADER_ADDRESS = PREFIX + "leader-address";
    public static final String LEADER_LSN = PREFIX + "leader-lsn";
    public static final String TIMELINE = PREFIX + "timeline";
    public static final String HISTORY = PREFIX + "timeline-history";
    public static final String SYSTEM_IDENTIFIER = PREFIX + "system-identifier";
    public static final String SYNC_MEMBERS = PREFIX + "sync-members";
    public static final String SYNC_QUORUM = PREFIX + "sync-quorum";
    public static final String HANDOVER_TO = PREFIX + "handover-to";
    public static final String FINAL_LSN = PREFIX + "final-lsn";
    /** Unique per write: a 409 whose re-read carries our own write id means our write did land (a retried request). */
    public static final String WRITE_ID = PREFIX + "write-id";
    public static final String LEASE_DURATION_MS = PREFIX + "lease-duration-ms";

    private LeaseAnnotations() {
    }

    public static Map<String, String> encode(LeaderRecord r) {
        Map<String, String> out = new HashMap<>();
        if (r.leaderAddress() != null) {
            out.put(LEADER_ADDRESS, r.leaderAddress());
        }
        if (Lsn.known(r.leaderLsn())) {
            out.put(LEADER_LSN, Lsn.format(r.leaderLsn()));
        }
        if (r.timeline() > 0) {
            out.put(TIMELINE, Integer.toString(r.timeline()));
        }
        if (!r.history().switches().isEmpty()) {
            out.put(HISTORY, r.history().encode());
        }
        if (r.systemIdentifier() != 0) {
            out.put(SYSTEM_IDENTIFIER, Long.toUnsignedString(r.systemIdentifier()));
        }
        out.put(SYNC_MEMBERS, String.join(",", new java.util.TreeSet<>(r.syncMembers())));
        out.put(SYNC_QUORUM, Integer.toString(r.syncQuorum()));
        if (r.handoverTo() != null) {
            out.put(HANDOVER_TO, r.handoverTo());
        }
        if (Lsn.known(r.finalLsn())) {
            out.put(FINAL_LSN, Lsn.format(r.finalLsn()));
        }
        if (r.forcedFailover() != null) {
            out.putAll(r.forcedFailover().encode());
        }
        return out;
    }

    /** Reads what it can; a malformed value reads as unknown, which only ever makes a failover wait. */
    public static LeaderRecord decode(Map<String, String> a) {
        if (a == null) {
            return LeaderRecord.EMPTY;
        }
        return new LeaderRecord(a.get(LEADER_ADDRESS), lsn(a.get(LEADER_LSN)), integer(a.get(TIMELINE)), history(a.get(HISTORY)),
                unsignedLong(a.get(SYSTEM_IDENTIFIER)), members(a.get(SYNC_MEMBERS)), integer(a.get(SYNC_QUORUM)),
                a.get(HANDOVER_TO), lsn(a.get(FINAL_LSN)), ForcedFailoverRecord.decode(a).orElse(null));
    }

    /** Annotations that are not the coordinator's (kept on every write). */
    public static Map<String, String> foreign(Map<String, String> a) {
        return withPrefix(a, false);
    }

    /** The coordinators' own annotations (the leader record and the write id). */
    public static Map<String, String> coordinators(Map<String, String> a) {
        return withPrefix(a, true);
    }

    private static Map<String, String> withPrefix(Map<String, String> a, boolean coordinators) {
        Map<String, String> out = new HashMap<>();
        if (a != null) {
            a.forEach((k, v) -> {
                if (k.startsWith(PREFIX) == coordinators) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    private static Set<String> members(String v) {
        if (v == null || v.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    private static long lsn(String v) {
        try {
            return Lsn.parse(v);
        } catch (RuntimeException e) {
            return Lsn.UNKNOWN;
        }
    }

    private static int integer(String v) {
        try {
            return v == null ? 0 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long unsignedLong(String v) {
        try {
            return v == null ? 0 : Long.parseUnsignedLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static TimelineHistory history(String v) {
        try {
            return TimelineHistory.decode(v);
        } catch (RuntimeException e) {
            return TimelineHistory.EMPTY;
        }
    }
}
