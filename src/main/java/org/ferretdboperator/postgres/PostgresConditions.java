package org.ferretdboperator.postgres;

/** Condition types and reasons of Postgres status, named as KubeDB names them where KubeDB has them. */
public final class PostgresConditions {

    private PostgresConditions() {
    }

    public static final String TRUE = "True";
    public static final String FALSE = "False";

    public static final String PROVISIONING_STARTED = "ProvisioningStarted";
    public static final String REPLICA_READY = "ReplicaReady";
    public static final String ACCEPTING_CONNECTION = "AcceptingConnection";
    public static final String READY = "Ready";
    public static final String PROVISIONED = "Provisioned";
    public static final String HALTED = "Halted";
    /** Whether exactly one member is labelled primary. */
    public static final String SINGLE_PRIMARY = "SinglePrimary";
    /** Whether the spec can be acted on (referenced Secrets exist, ...); False blocks every change. */
    public static final String VALID = "Valid";
    /** Whether the StatefulSet's storage matches spec.storage (its claim templates cannot change after creation). */
    public static final String STORAGE_UP_TO_DATE = "StorageUpToDate";
    /** Whether the last reconciliation brought every owned object to its desired state. */
    public static final String SYNCED = "Synced";
    /** Set while deletion is refused because spec.deletionPolicy is DoNotTerminate. */
    public static final String DELETION_BLOCKED = "DeletionBlocked";

    public static final String REASON_PROVISIONING_STARTED = "DatabaseProvisioningStartedSuccessfully";
    public static final String REASON_WAITING_FOR_VALID_SPEC = "WaitingForValidSpec";
    public static final String REASON_ALL_REPLICAS_READY = "AllReplicasReady";
    public static final String REASON_SOME_REPLICAS_NOT_READY = "SomeReplicasNotReady";
    public static final String REASON_ACCEPTING = "DatabaseAcceptingConnectionRequest";
    public static final String REASON_NOT_ACCEPTING = "DatabaseNotAcceptingConnectionRequest";
    public static final String REASON_READINESS_SUCCEEDED = "ReadinessCheckSucceeded";
    public static final String REASON_READINESS_FAILED = "ReadinessCheckFailed";
    public static final String REASON_PROVISIONED = "DatabaseSuccessfullyProvisioned";
    public static final String REASON_HALTED = "HaltedBySpec";
    public static final String REASON_RUNNING = "NotHalted";
    public static final String REASON_ONE_PRIMARY = "OnePrimary";
    public static final String REASON_NO_PRIMARY = "NoPrimary";
    public static final String REASON_MULTIPLE_PRIMARIES = "MultiplePrimaries";
    public static final String REASON_SPEC_VALID = "SpecValid";
    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    public static final String REASON_STORAGE_MATCHES = "StorageMatchesSpec";
    public static final String REASON_STORAGE_IMMUTABLE = "StorageChangeNotApplied";
    public static final String REASON_DO_NOT_TERMINATE = "DoNotTerminate";
    public static final String REASON_RECONCILE_SUCCEEDED = "ReconcileSucceeded";
    public static final String REASON_RECONCILE_FAILED = "ReconcileFailed";
}
