package org.ferretdboperator.contract;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The member count the operator announces on the backend's Lease while a HorizontalScaling runs: every coordinator
 * takes its members ({@code <sts>-0..replicas-1}) from it instead of its {@code REPLICAS} variable, on its next Lease
 * read, without a restart. Without it a primary started with the old count would neither create replication slots
 * for new members (so they could not stream) nor leave a member about to be removed out of its synchronous set.
 *
 * <p>Outside the coordinators' {@code coordinator.kubedb.com/} prefix, so their compare-and-swap writes carry it
 * along ({@link LeaseAnnotations#foreign}). The operator writes it before it changes the StatefulSet and removes it
 * once every pod runs with the new {@code REPLICAS}.
 *
 * @param uid      the OpsRequest's metadata.uid, so the operator recognises its own announcement
 * @param replicas the member count
 */
public record MemberCount(String uid, int replicas) {

    public static final String UID = SwitchoverRequest.PREFIX + "members-uid";
    public static final String REPLICAS = SwitchoverRequest.PREFIX + "members-replicas";

    public MemberCount {
        if (uid == null || uid.isBlank() || replicas < 1) {
            throw new IllegalArgumentException("a member count needs a uid and at least one member");
        }
    }

    public Map<String, String> encode() {
        return Map.of(UID, uid, REPLICAS, Integer.toString(replicas));
    }

    /** The keys with null values: a JSON merge patch of this removes the announcement. */
    public static Map<String, String> removal() {
        Map<String, String> out = new HashMap<>();
        out.put(UID, null);
        out.put(REPLICAS, null);
        return out;
    }

    /** The announcement on a Lease; empty when there is none or it is malformed (a malformed one is ignored). */
    public static Optional<MemberCount> decode(Map<String, String> annotations) {
        if (annotations == null || annotations.get(UID) == null || annotations.get(REPLICAS) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new MemberCount(annotations.get(UID), Integer.parseInt(annotations.get(REPLICAS).trim())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
