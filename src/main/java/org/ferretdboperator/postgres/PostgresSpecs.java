package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.common.StandbyMode;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.common.StreamingMode;
import org.ferretdboperator.api.postgres.ArchiverSpec;
import org.ferretdboperator.api.postgres.DatabaseUser;
import org.ferretdboperator.api.postgres.LeaderElectionSpec;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresSpec;
import org.ferretdboperator.contract.PostgresDistribution;
import org.ferretdboperator.support.Names;

/**
 * The effective value of each Postgres spec field: the CRD's defaults apply only to fields that are present, so an
 * object without e.g. {@code spec.leaderElection} gets the same values here as the schema would give.
 */
public final class PostgresSpecs {

    public static final int DEFAULT_REPLICAS = 3;
    public static final int DEFAULT_LEASE_DURATION_MS = 2000;
    public static final int DEFAULT_RENEW_DEADLINE_MS = 1200;
    public static final int DEFAULT_RETRY_PERIOD_MS = 200;
    public static final long DEFAULT_MAXIMUM_LAG_BYTES = 64L * 1024 * 1024;
    public static final Quantity DEFAULT_STORAGE = new Quantity("1Gi");
    public static final String SUPERUSER = "postgres";
    public static final String REPLICATION_USER = "replicator";

    private PostgresSpecs() {
    }

    private static PostgresSpec spec(Postgres pg) {
        return pg.getSpec() == null ? new PostgresSpec() : pg.getSpec();
    }

    public static int replicas(Postgres pg) {
        Integer r = spec(pg).getReplicas();
        return r == null ? DEFAULT_REPLICAS : r;
    }

    public static boolean halted(Postgres pg) {
        return Boolean.TRUE.equals(spec(pg).getHalted());
    }

    /** Replicas the StatefulSet should run: none while halted. */
    public static int runningReplicas(Postgres pg) {
        return halted(pg) ? 0 : replicas(pg);
    }

    public static DeletionPolicy deletionPolicy(Postgres pg) {
        DeletionPolicy p = spec(pg).getDeletionPolicy();
        return p == null ? DeletionPolicy.DELETE : p;
    }

    public static StorageType storageType(Postgres pg) {
        StorageType t = spec(pg).getStorageType();
        return t == null ? StorageType.DURABLE : t;
    }

    public static StreamingMode streamingMode(Postgres pg) {
        StreamingMode m = spec(pg).getStreamingMode();
        return m == null ? StreamingMode.SYNCHRONOUS : m;
    }

    public static StandbyMode standbyMode(Postgres pg) {
        StandbyMode m = spec(pg).getStandbyMode();
        return m == null ? StandbyMode.HOT : m;
    }

    private static LeaderElectionSpec leaderElection(Postgres pg) {
        LeaderElectionSpec le = spec(pg).getLeaderElection();
        return le == null ? new LeaderElectionSpec() : le;
    }

    public static int leaseDurationMs(Postgres pg) {
        Integer v = leaderElection(pg).getLeaseDurationMillis();
        return v == null ? DEFAULT_LEASE_DURATION_MS : v;
    }

    public static int renewDeadlineMs(Postgres pg) {
        Integer v = leaderElection(pg).getRenewDeadlineMillis();
        return v == null ? DEFAULT_RENEW_DEADLINE_MS : v;
    }

    public static int retryPeriodMs(Postgres pg) {
        Integer v = leaderElection(pg).getRetryPeriodMillis();
        return v == null ? DEFAULT_RETRY_PERIOD_MS : v;
    }

    public static long maximumLagBytes(Postgres pg) {
        Long v = leaderElection(pg).getMaximumLagBeforeFailover();
        return v == null ? DEFAULT_MAXIMUM_LAG_BYTES : v;
    }

    /** The distribution spec.version names ({@code 17.4-documentdb}: DocumentDB), as KubeDB's PostgresVersions do. */
    public static PostgresDistribution distribution(Postgres pg) {
        return PostgresDistribution.ofVersion(spec(pg).getVersion());
    }

    /** spec.image, else the official image of spec.version. */
    public static String image(Postgres pg) {
        String image = spec(pg).getImage();
        return image != null && !image.isBlank() ? image : "postgres:" + spec(pg).getVersion();
    }

    /** Name of the superuser's Secret: the user's, or the generated {@code <name>-auth}. */
    /** TLS on every connection, with certificates the operator keeps ({@code spec.tls} without issuerRef). */
    public static boolean tlsManaged(Postgres pg) {
        return pg.getSpec() != null && pg.getSpec().getTls() != null && pg.getSpec().getTls().getIssuerRef() == null;
    }

    /**
     * The names clients reach a member by, each as the server certificate must name it: the primary and standby
     * Services and every member under the governing Service (the coordinators' advertised addresses), each short,
     * namespaced and with {@code .svc}; then the user's extra names.
     */
    public static List<String> serverDnsNames(Postgres pg) {
        String name = pg.getMetadata().getName();
        String ns = pg.getMetadata().getNamespace();
        String governing = Names.governing(Names.primaryService(name));
        List<String> hosts = new ArrayList<>(List.of(Names.primaryService(name), Names.standbyService(name)));
        for (int i = 0; i < replicas(pg); i++) {
            hosts.add(Names.pod(Names.primaryService(name), i) + "." + governing);
        }
        Set<String> names = new LinkedHashSet<>();
        for (String host : hosts) {
            names.add(host);
            names.add(host + "." + ns);
            names.add(host + "." + ns + ".svc");
        }
        names.addAll(org.ferretdboperator.tls.ManagedCertificates.extraDnsNames(pg.getSpec().getTls()));
        return new ArrayList<>(names);
    }

    public static String authSecretName(Postgres pg) {
        SecretReference ref = spec(pg).getAuthSecret();
        if (ref != null && ref.getName() != null && !ref.getName().isBlank()) {
            return ref.getName();
        }
        return Names.postgresAuthSecret(pg.getMetadata().getName());
    }

    /**
     * The operator generates the superuser's Secret unless the user named another one or declared it externally
     * managed; a user's Secret is only read, never created, changed or deleted.
     */
    public static boolean authSecretGenerated(Postgres pg) {
        SecretReference ref = spec(pg).getAuthSecret();
        if (ref == null) {
            return true;
        }
        boolean defaultName = authSecretName(pg).equals(Names.postgresAuthSecret(pg.getMetadata().getName()));
        return defaultName && !Boolean.TRUE.equals(ref.getExternallyManaged());
    }

    public static List<DatabaseUser> users(Postgres pg) {
        List<DatabaseUser> users = spec(pg).getUsers();
        return users == null ? List.of() : users;
    }

    /** Every Secret the pods mount, each once: superuser, replication, then application users in spec order. */
    public static List<String> mountedSecrets(Postgres pg) {
        Set<String> names = new LinkedHashSet<>();
        names.add(authSecretName(pg));
        names.add(Names.replicationSecret(pg.getMetadata().getName()));
        users(pg).forEach(u -> names.add(u.getSecretName()));
        return new ArrayList<>(names);
    }

    /** spec.archiver with its store, when WAL archiving is configured. */
    public static Optional<ArchiverSpec> archiver(Postgres pg) {
        return Optional.ofNullable(pg.getSpec()).map(PostgresSpec::getArchiver).filter(a -> a.getS3() != null);
    }

    public static Optional<String> archiverSecret(Postgres pg) {
        return archiver(pg).map(a -> a.getS3().getSecretName()).filter(n -> n != null && !n.isBlank());
    }

    /** Secrets the user provides and the operator only reads. */
    public static List<String> userSecrets(Postgres pg) {
        Set<String> names = new LinkedHashSet<>();
        if (!authSecretGenerated(pg)) {
            names.add(authSecretName(pg));
        }
        users(pg).forEach(u -> names.add(u.getSecretName()));
        archiverSecret(pg).ifPresent(names::add);
        return new ArrayList<>(names);
    }

    /** The storage request of the data volume when Durable. */
    public static Optional<Quantity> storageRequest(Postgres pg) {
        var storage = spec(pg).getStorage();
        if (storage == null || storage.getResources() == null || storage.getResources().getRequests() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(storage.getResources().getRequests().get("storage"));
    }
}
