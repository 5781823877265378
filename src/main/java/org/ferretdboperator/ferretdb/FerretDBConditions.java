package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Condition types (KubeDB's names) and a builder that keeps lastTransitionTime while a condition's status holds. */
public final class FerretDBConditions {

    private FerretDBConditions() {
    }

    public static final String PROVISIONING_STARTED = "ProvisioningStarted";
    public static final String REPLICA_READY = "ReplicaReady";
    public static final String ACCEPTING_CONNECTION = "AcceptingConnection";
    public static final String READY = "Ready";
    public static final String PROVISIONED = "Provisioned";
    public static final String DELETION_BLOCKED = "DeletionBlocked";

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    public static Condition make(List<Condition> previous, String type, boolean status, String reason,
            String message, Long generation, Instant now) {
        String value = status ? "True" : "False";
        String since = find(previous, type)
                .filter(c -> value.equals(c.getStatus()) && c.getLastTransitionTime() != null)
                .map(Condition::getLastTransitionTime)
                .orElse(now.toString());
        return new ConditionBuilder()
                .withType(type)
                .withStatus(value)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build();
    }
}
