package org.ferretdboperator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The condition types and reasons of FerretDB and Postgres status (KubeDB's names where KubeDB has them), and the
 * builder of a new condition list from the previous one: a condition whose status holds keeps its
 * lastTransitionTime, so an unchanged world produces an identical status and no write. Times are whole seconds, as
 * Kubernetes' own timestamps are.
 */
public final class Conditions {

    public static final String TRUE = "True";
    public static final String FALSE = "False";

    public static final String PROVISIONING_STARTED = "ProvisioningStarted";
    public static final String REPLICA_READY = "ReplicaReady";
    public static final String ACCEPTING_CONNECTION = "AcceptingConnection";
    public static final String READY = "Ready";
    public static final String PROVISIONED = "Provisioned";
    /** Set while deletion is refused because spec.deletionPolicy is DoNotTerminate. */
    public static final String DELETION_BLOCKED = "DeletionBlocked";
    /** Postgres: whether spec.halted is set. */
    public static final String HALTED = "Halted";
    /** Postgres: whether exactly one member is labelled primary. */
    public static final String SINGLE_PRIMARY = "SinglePrimary";
    /** Postgres: whether the spec can be acted on (referenced Secrets exist, ...); False blocks every change. */
    public static final String VALID = "Valid";
    /** Postgres: whether the StatefulSet's storage matches spec.storage (claim templates cannot change). */
    public static final String STORAGE_UP_TO_DATE = "StorageUpToDate";
    /** Postgres: whether the last reconciliation brought every owned object to its desired state. */
    public static final String SYNCED = "Synced";

    public static final String REASON_PROVISIONING_STARTED = "DatabaseProvisioningStartedSuccessfully";
    public static final String REASON_WAITING_FOR_VALID_SPEC = "WaitingForValidSpec";
    public static final String REASON_ALL_REPLICAS_READY = "AllReplicasReady";
    public static final String REASON_SOME_REPLICAS_NOT_READY = "SomeReplicasNotReady";
    /** A member's coordinator reports that it cannot run PostgreSQL at all until a person acts (an unusable image). */
    public static final String REASON_MEMBER_CANNOT_RUN = "MemberCannotRun";
    public static final String REASON_ACCEPTING = "DatabaseAcceptingConnectionRequest";
    public static final String REASON_NOT_ACCEPTING = "DatabaseNotAcceptingConnectionRequest";
    public static final String REASON_READINESS_SUCCEEDED = "ReadinessCheckSucceeded";
    public static final String REASON_READINESS_FAILED = "ReadinessCheckFailed";
    public static final String REASON_PROVISIONED = "DatabaseSuccessfullyProvisioned";
    public static final String REASON_NOT_YET_PROVISIONED = "NotYetProvisioned";
    public static final String REASON_HALTED = "HaltedBySpec";
    public static final String REASON_RUNNING = "NotHalted";
    public static final String REASON_ONE_PRIMARY = "OnePrimary";
    public static final String REASON_NO_PRIMARY = "NoPrimary";
    public static final String REASON_MULTIPLE_PRIMARIES = "MultiplePrimaries";
    public static final String REASON_SPEC_VALID = "SpecValid";
    public static final String REASON_INVALID_SPEC = Problem.INVALID_SPEC;
    public static final String REASON_STORAGE_MATCHES = "StorageMatchesSpec";
    public static final String REASON_STORAGE_IMMUTABLE = "StorageChangeNotApplied";
    public static final String REASON_DO_NOT_TERMINATE = "DoNotTerminate";
    public static final String REASON_RECONCILE_SUCCEEDED = "ReconcileSucceeded";
    public static final String REASON_RECONCILE_FAILED = "ReconcileFailed";

    private final List<Condition> previous;
    private final List<Condition> current = new ArrayList<>();
    private final Long generation;
    private final String now;

    /**
     * @param previous   the conditions of the status being replaced (null when there is none)
     * @param generation the observedGeneration the new conditions carry
     * @param now        lastTransitionTime of a condition that is new or changed status
     */
    public Conditions(List<Condition> previous, Long generation, Instant now) {
        this.previous = previous == null ? List.of() : previous;
        this.generation = generation;
        this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
    }

    /** The message of the condition of this type when its status is {@code status}. */
    public static Optional<String> messageWhen(List<Condition> conditions, String type, String status) {
        return find(conditions, type).filter(c -> status.equals(c.getStatus())).map(Condition::getMessage);
    }

    public boolean wasTrue(String type) {
        return isTrue(previous, type);
    }

    public Conditions set(String type, boolean status, String reason, String message) {
        return set(type, status ? TRUE : FALSE, reason, message);
    }

    /** Adds or replaces the condition of this type; it keeps the previous lastTransitionTime if its status held. */
    public Conditions set(String type, String status, String reason, String message) {
        remove(type);
        String since = find(previous, type)
                .filter(c -> status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .orElse(now);
        current.add(new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build());
        return this;
    }

    /** Carries a condition over as it is. */
    public Conditions keep(Condition condition) {
        remove(condition.getType());
        current.add(condition);
        return this;
    }

    /** Carries every previous condition over; {@link #set} then replaces the ones that change. */
    public Conditions keepAll() {
        previous.forEach(this::keep);
        return this;
    }

    public Conditions remove(String type) {
        current.removeIf(c -> type.equals(c.getType()));
        return this;
    }

    public List<Condition> list() {
        return new ArrayList<>(current);
    }
}
