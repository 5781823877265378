package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.common.StandbyMode;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.ferretdb.BackendSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.DatabaseUser;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresSpec;
import org.ferretdboperator.catalog.FerretDBVersionValidator;
import org.ferretdboperator.support.Names;

/**
 * Desired backend Postgres object {@code <name>-pg-backend}. Its reconciler runs the highly available PostgreSQL;
 * this builder only decides what to ask for.
 */
public final class BackendPostgresBuilder {

    private BackendPostgresBuilder() {
    }

    /**
     * The name of the FerretDB whose backend {@code postgres} is, from the owner reference its reconciler sets (it does
     * not set controller, so the kind and group identify it); empty for a Postgres of its own.
     */
    public static java.util.Optional<String> owningFerretDB(Postgres postgres) {
        return postgres.getMetadata().getOwnerReferences().stream()
                .filter(o -> "FerretDB".equals(o.getKind()) && o.getApiVersion() != null
                        && o.getApiVersion().startsWith("kubedb.com/"))
                .map(io.fabric8.kubernetes.api.model.OwnerReference::getName).findFirst();
    }

    public static Postgres build(FerretDB ferretdb, FerretDBVersionSpec version) {
        String authSecret = FerretDBDefaults.userAuthSecretName(ferretdb)
                .orElse(Names.ferretdbAuthSecret(ferretdb.getMetadata().getName()));
        BackendSpec backend = ferretdb.getSpec().getBackend();

        PostgresSpec spec = new PostgresSpec();
        spec.setReplicas(FerretDBDefaults.backendReplicas(ferretdb));
        spec.setVersion(version.getPostgres().getVersion());
        spec.setImage(version.getPostgres().getImage());
        StorageType storageType = FerretDBDefaults.backendStorageType(ferretdb);
        spec.setStorageType(storageType);
        if (storageType == StorageType.DURABLE && backend != null) {
            spec.setStorage(backend.getStorage());
        }
        spec.setPodTemplate(backend != null ? backend.getPodTemplate() : null);
        spec.setStreamingMode(FerretDBDefaults.backendStreamingMode(ferretdb));
        // Secondary FerretDB servers read from the standbys, which therefore must serve queries.
        spec.setStandbyMode(StandbyMode.HOT);
        // Deleting the FerretDB deletes the backend with the same meaning (Halt keeps PVCs, WipeOut removes them).
        spec.setDeletionPolicy(FerretDBDefaults.deletionPolicy(ferretdb));
        spec.setHalted(FerretDBDefaults.halted(ferretdb));
        spec.setArchiver(backend != null ? backend.getArchiver() : null);
        spec.setUsers(List.of(ferretdbUser(authSecret, FerretDBVersionValidator.major(version))));
        if (ServerTls.required(ferretdb)) {
            // FerretDB's clients asked for TLS: its own connections to PostgreSQL and replication get it too
            spec.setTls(new org.ferretdboperator.api.common.TlsSpec());
        }

        Postgres postgres = new Postgres();
        postgres.setMetadata(new ObjectMetaBuilder()
                .withName(Names.backend(ferretdb.getMetadata().getName()))
                .withNamespace(ferretdb.getMetadata().getNamespace())
                .withLabels(FerretDBLabels.of(ferretdb))
                .build());
        postgres.setSpec(spec);
        return postgres;
    }

    /**
     * FerretDB's own login role, created NOSUPERUSER from the auth Secret by the backend's primary coordinator. FerretDB
     * 1.x keeps its data in database {@code ferretdb}, which the role owns. FerretDB 2.x works in database
     * {@code postgres} through the DocumentDB extension (the backend's version names the DocumentDB distribution); there
     * the coordinator makes the role a member of DocumentDB's admin role instead of the database's owner.
     */
    private static DatabaseUser ferretdbUser(String authSecret, int ferretdbMajor) {
        DatabaseUser user = new DatabaseUser();
        user.setSecretName(authSecret);
        user.setDatabase(ferretdbMajor == 1 ? FerretDBDefaults.DATABASE : FerretDBDefaults.DOCUMENTDB_DATABASE);
        return user;
    }
}
