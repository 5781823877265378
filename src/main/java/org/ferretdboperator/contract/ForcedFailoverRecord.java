package org.ferretdboperator.contract;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.ferretdboperator.coordinator.decision.Lsn;

/**
 * What a forced failover may have lost, written into the Lease's election record by the member that took over under a
 * {@link ForceFailoverRequest}, in the same compare-and-swap write that gave it the Lease, and carried along by every
 * later leader's renewals until the next forced failover replaces it.
 *
 * <p>The old leader's position is what it recorded with its last renewal, not its real end of WAL: anything it flushed
 * after that renewal (at most a renewDeadline of writes) is not counted, so the loss it shows is a lower bound.
 *
 * @param uid               the request's OpsRequest uid
 * @param term              the Lease term the promoted member took (the request's term + 1)
 * @param promoted          the member that took over
 * @param promotedLsn       its WAL position when it took the Lease (everything up to here is kept)
 * @param previousLeader    the holder whose Lease had lapsed, or null when the Lease had been released
 * @param previousLeaderLsn that leader's flushed position at its last renewal, {@link Lsn#UNKNOWN} when not recorded
 */
public record ForcedFailoverRecord(String uid, int term, String promoted, long promotedLsn, String previousLeader,
        long previousLeaderLsn) {

    public static final String PREFIX = LeaseAnnotations.PREFIX + "forced-failover-";
    public static final String UID = PREFIX + "uid";
    public static final String TERM = PREFIX + "term";
    public static final String PROMOTED = PREFIX + "member";
    public static final String PROMOTED_LSN = PREFIX + "lsn";
    public static final String PREVIOUS_LEADER = PREFIX + "previous-leader";
    public static final String PREVIOUS_LEADER_LSN = PREFIX + "previous-leader-lsn";

    public ForcedFailoverRecord {
        if (uid == null || uid.isBlank() || promoted == null || promoted.isBlank()) {
            throw new IllegalArgumentException("a forced failover record needs the request's uid and the promoted member");
        }
        previousLeader = previousLeader == null || previousLeader.isBlank() ? null : previousLeader;
    }

    /**
     * Bytes of WAL the old leader had flushed at its last renewal that the promoted member did not hold: a lower bound
     * of what was lost. Empty when the old leader's position was not recorded (the loss is unknown).
     */
    public OptionalLong lostBytesAtLeast() {
        if (!Lsn.known(previousLeaderLsn) || !Lsn.known(promotedLsn)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, previousLeaderLsn - promotedLsn));
    }

    /** One sentence for events, status and logs (positions and names only: nothing secret). */
    public String describe() {
        String before = previousLeader == null ? "the last leader" : previousLeader;
        String head = promoted + " took over in term " + term + " at WAL position " + Lsn.format(promotedLsn)
                + " without proof that it held every acknowledged commit";
        OptionalLong lost = lostBytesAtLeast();
        if (lost.isEmpty()) {
            return head + "; " + before + "'s last position was not recorded, so what was lost is unknown";
        }
        if (lost.getAsLong() == 0) {
            return head + "; it held " + before + "'s position at its last Lease renewal (" + Lsn.format(previousLeaderLsn)
                    + "), so only what " + before + " wrote after that renewal may be lost";
        }
        return head + "; " + before + " had flushed up to " + Lsn.format(previousLeaderLsn) + " at its last Lease renewal: "
                + "at least " + lost.getAsLong() + " bytes of WAL are lost, plus whatever it wrote after that renewal";
    }

    public Map<String, String> encode() {
        Map<String, String> out = new HashMap<>();
        out.put(UID, uid);
        out.put(TERM, Integer.toString(term));
        out.put(PROMOTED, promoted);
        if (Lsn.known(promotedLsn)) {
            out.put(PROMOTED_LSN, Lsn.format(promotedLsn));
        }
        if (previousLeader != null) {
            out.put(PREVIOUS_LEADER, previousLeader);
        }
        if (Lsn.known(previousLeaderLsn)) {
            out.put(PREVIOUS_LEADER_LSN, Lsn.format(previousLeaderLsn));
        }
        return out;
    }

    /** The record in Lease annotations; empty when there is none or it is malformed. */
    public static Optional<ForcedFailoverRecord> decode(Map<String, String> annotations) {
        if (annotations == null || annotations.get(UID) == null || annotations.get(PROMOTED) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ForcedFailoverRecord(annotations.get(UID), Integer.parseInt(annotations.get(TERM).trim()),
                    annotations.get(PROMOTED), lsn(annotations.get(PROMOTED_LSN)), annotations.get(PREVIOUS_LEADER),
                    lsn(annotations.get(PREVIOUS_LEADER_LSN))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long lsn(String v) {
        if (v == null) {
            return Lsn.UNKNOWN;
        }
        try {
            return Lsn.parse(v);
        } catch (RuntimeException e) {
            return Lsn.UNKNOWN;
        }
    }
}
