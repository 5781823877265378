package org.ferretdboperator.ferretdb;

import java.util.Optional;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.common.StreamingMode;
import org.ferretdboperator.api.ferretdb.BackendSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;

/**
 * The CRD's defaults, applied in code as well: the API server fills them in only for blocks that are present, and
 * the mock API server used in tests not at all.
 */
public final class FerretDBDefaults {

    private FerretDBDefaults() {
    }

    public static final int BACKEND_REPLICAS = 3;
    /** FerretDB's own login role in the backend; a non-superuser that owns {@link #DATABASE}. */
    public static final String USERNAME = "ferretdb";
    /** Database FerretDB 1.x keeps its data in (KubeDB's {@code FerretDBLinkedDBName}). */
    public static final String DATABASE = "ferretdb";
    /** DocumentDB can be installed in one database only, and its images install it in {@code postgres}. */
    public static final String DOCUMENTDB_DATABASE = "postgres";
    public static final long RUN_AS_USER = 1000L;

    public static boolean halted(FerretDB ferretdb) {
        return Boolean.TRUE.equals(ferretdb.getSpec().getHalted());
    }

    public static DeletionPolicy deletionPolicy(FerretDB ferretdb) {
        DeletionPolicy policy = ferretdb.getSpec().getDeletionPolicy();
        return policy != null ? policy : DeletionPolicy.WIPE_OUT;
    }

    private static Optional<BackendSpec> backend(FerretDB ferretdb) {
        return Optional.ofNullable(ferretdb.getSpec().getBackend());
    }

    public static int backendReplicas(FerretDB ferretdb) {
        return backend(ferretdb).map(BackendSpec::getReplicas).orElse(BACKEND_REPLICAS);
    }

    public static StorageType backendStorageType(FerretDB ferretdb) {
        return backend(ferretdb).map(BackendSpec::getStorageType).orElse(StorageType.DURABLE);
    }

    /** Synchronous by default: an acknowledged write survives the loss of the primary. */
    public static StreamingMode backendStreamingMode(FerretDB ferretdb) {
        return backend(ferretdb).map(BackendSpec::getStreamingMode).orElse(StreamingMode.SYNCHRONOUS);
    }

    /** The user's Secret name, or empty when the operator generates {@code <name>-auth}. */
    public static Optional<String> userAuthSecretName(FerretDB ferretdb) {
        return Optional.ofNullable(ferretdb.getSpec().getAuthSecret()).map(ref -> ref.getName());
    }
}
