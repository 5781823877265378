package org.ferretdboperator.contract;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.ferretdboperator.api.common.StandbyMode;
import org.ferretdboperator.api.common.StreamingMode;

/**
 * The pg-coordinator's environment: the one definition of what the operator's pod template sets
 * ({@link #toEnvVars()}), what the HA harness sets for a coordinator it starts as a local process
 * ({@link #toEnvironment()}), and what the coordinator reads ({@link #fromEnvironment(Map)}). No other class names
 * these variables.
 *
 * @param podName              {@code POD_NAME}; null in a pod template, where the kubelet fills it from
 *                             {@code metadata.name} (likewise {@code namespace}, {@code podIp} and {@code podUid})
 * @param podUid               {@code POD_UID}: the uid of this incarnation of the pod, a precondition of every patch
 *                             the coordinator makes to its pod, so that the coordinator of a pod that is still
 *                             terminating (after a forced delete) cannot label the new pod of the same name; null for
 *                             a local process without a pod object of its own (no precondition)
 * @param advertiseAddress     host:port peers use for this member's PostgreSQL; in a pod template it names
 *                             {@code $(POD_NAME)}, which the kubelet expands
 * @param superuserSecretDir   directory (files {@code username}, {@code password}) of the superuser's mounted Secret
 * @param replicationSecretDir the same for the replication user
 * @param appUsers             application users the primary ensures, each a mounted Secret directory and a database
 * @param distribution         the PostgreSQL the postgres container's image provides, as the coordinator must
 *                             configure it (DocumentDB: its libraries preloaded, the extension created)
 * @param local                settings a pod leaves at their defaults (the {@link PodContract} paths), set by the
 *                             harness for a coordinator that runs PostgreSQL as local processes
 */
public record CoordinatorEnvironment(String podName, String namespace, String podIp, String podUid, String postgresName,
        String governingService, int replicas, StreamingMode streamingMode, StandbyMode standbyMode,
        long leaseDurationMillis, long renewDeadlineMillis, long retryPeriodMillis, long maxLagBytes,
        String advertiseAddress, String superuserSecretDir, String replicationSecretDir, List<AppUser> appUsers,
        PostgresDistribution distribution, Local local) {

    public static final String POD_NAME = "POD_NAME";
    public static final String POD_NAMESPACE = "POD_NAMESPACE";
    public static final String POD_IP = "POD_IP";
    public static final String POD_UID = "POD_UID";
    public static final String POSTGRES_NAME = "POSTGRES_NAME";
    public static final String GOVERNING_SERVICE = "GOVERNING_SERVICE";
    public static final String REPLICAS = "REPLICAS";
    public static final String STREAMING_MODE = "STREAMING_MODE";
    public static final String STANDBY_MODE = "STANDBY_MODE";
    public static final String LEASE_DURATION_MS = "LEASE_DURATION_MS";
    public static final String RENEW_DEADLINE_MS = "RENEW_DEADLINE_MS";
    public static final String RETRY_PERIOD_MS = "RETRY_PERIOD_MS";
    public static final String MAX_LAG_BYTES = "MAXIMUM_LAG_BEFORE_FAILOVER";
    public static final String ADVERTISE_ADDRESS = "ADVERTISE_ADDRESS";
    public static final String SUPERUSER_SECRET_DIR = "SUPERUSER_SECRET_DIR";
    public static final String REPLICATION_SECRET_DIR = "REPLICATION_SECRET_DIR";
    /** Comma-separated {@code secretDir:database} pairs. */
    public static final String APP_USERS = "APP_USERS";
    /** {@link PostgresDistribution#value()}; PostgreSQL when unset. */
    public static final String POSTGRES_DISTRIBUTION = "POSTGRES_DISTRIBUTION";

    public static final long DEFAULT_LEASE_DURATION_MS = 2000;
    public static final long DEFAULT_RENEW_DEADLINE_MS = 1200;
    public static final long DEFAULT_RETRY_PERIOD_MS = 200;
    public static final long DEFAULT_MAX_LAG_BYTES = 64L << 20;

    /**
     * What a pod does not set: the PostgreSQL data and socket directories, port and listen addresses, where the
     * programs are ({@code pgBinDir} set: the coordinator runs them itself, as {@code pgOsUser} when it is root; unset:
     * through the postgres container's runner in {@code controlDir}), the server log, the coordinator's passfile, the
     * slots' {@code max_slot_wal_keep_size}, how long a member waits before it re-clones, and how long a Lease holder
     * waits for its PostgreSQL to run as primary before it releases the Lease. Null: the pod's default.
     */
    public record Local(String pgdata, Integer pgPort, String socketDir, String listenAddresses, String pgBinDir,
            String controlDir, String pgOsUser, String logFile, String passfile, String slotWalKeepSize,
            Long recloneAfterMillis, Long primaryStartTimeoutMillis) {

        public static final Local POD = new Local(null, null, null, null, null, null, null, null, null, null, null, null);

        public static final String PGDATA = "PGDATA";
        public static final String PGPORT = "PGPORT";
        public static final String PG_SOCKET_DIR = "PG_SOCKET_DIR";
        public static final String PG_LISTEN_ADDRESSES = "PG_LISTEN_ADDRESSES";
        public static final String PG_BIN_DIR = "PG_BIN_DIR";
        public static final String PG_CONTROL_DIR = PodContract.ENV_CONTROL_DIR;
        public static final String PG_OS_USER = "PG_OS_USER";
        public static final String PG_LOG_FILE = "PG_LOG_FILE";
        public static final String PGPASSFILE_PATH = "PGPASSFILE_PATH";
        public static final String SLOT_WAL_KEEP_SIZE = "SLOT_WAL_KEEP_SIZE";
        public static final String RECLONE_AFTER_MS = "RECLONE_AFTER_MS";
        public static final String PRIMARY_START_TIMEOUT_MS = "PRIMARY_START_TIMEOUT_MS";

        void forEach(BiConsumer<String, String> out) {
            put(out, PGDATA, pgdata);
            put(out, PGPORT, pgPort);
            put(out, PG_SOCKET_DIR, socketDir);
            put(out, PG_LISTEN_ADDRESSES, listenAddresses);
            put(out, PG_BIN_DIR, pgBinDir);
            put(out, PG_CONTROL_DIR, controlDir);
            put(out, PG_OS_USER, pgOsUser);
            put(out, PG_LOG_FILE, logFile);
            put(out, PGPASSFILE_PATH, passfile);
            put(out, SLOT_WAL_KEEP_SIZE, slotWalKeepSize);
            put(out, RECLONE_AFTER_MS, recloneAfterMillis);
            put(out, PRIMARY_START_TIMEOUT_MS, primaryStartTimeoutMillis);
        }

        private static void put(BiConsumer<String, String> out, String name, Object value) {
            if (value != null) {
                out.accept(name, value.toString());
            }
        }
    }

    public CoordinatorEnvironment {
        appUsers = appUsers == null ? List.of() : List.copyOf(appUsers);
        distribution = distribution == null ? PostgresDistribution.POSTGRESQL : distribution;
        local = local == null ? Local.POD : local;
    }

    /** A plain-PostgreSQL backend. */
    public CoordinatorEnvironment(String podName, String namespace, String podIp, String podUid, String postgresName,
            String governingService, int replicas, StreamingMode streamingMode, StandbyMode standbyMode,
            long leaseDurationMillis, long renewDeadlineMillis, long retryPeriodMillis, long maxLagBytes,
            String advertiseAddress, String superuserSecretDir, String replicationSecretDir, List<AppUser> appUsers,
            Local local) {
        this(podName, namespace, podIp, podUid, postgresName, governingService, replicas, streamingMode, standbyMode,
                leaseDurationMillis, renewDeadlineMillis, retryPeriodMillis, maxLagBytes, advertiseAddress,
                superuserSecretDir, replicationSecretDir, appUsers, PostgresDistribution.POSTGRESQL, local);
    }

    /**
     * The coordinator container's env in a pod template: identity from the downward API, the rest as values. The
     * kubelet expands {@code $(POD_NAME)} in {@link #advertiseAddress} because POD_NAME comes first.
     */
    public List<EnvVar> toEnvVars() {
        if (podName != null || namespace != null || podIp != null || podUid != null) {
            throw new IllegalStateException("in a pod template the pod's name, namespace, IP and uid come from the "
                    + "downward API; leave them null");
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName(PodContract.ENV_MODE).withValue(PodContract.MODE_COORDINATOR).build());
        env.add(fieldRef(POD_NAME, "metadata.name"));
        env.add(fieldRef(POD_NAMESPACE, "metadata.namespace"));
        env.add(fieldRef(POD_IP, "status.podIP"));
        env.add(fieldRef(POD_UID, "metadata.uid"));
        values((name, value) -> env.add(new EnvVarBuilder().withName(name).withValue(value).build()));
        return env;
    }

    /** Plain variables for a coordinator started as a local process (every value given, identity included). */
    public Map<String, String> toEnvironment() {
        List<String> missing = new ArrayList<>();
        if (podName == null) {
            missing.add(POD_NAME);
        }
        if (namespace == null) {
            missing.add(POD_NAMESPACE);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("a local coordinator needs " + String.join(" and ", missing));
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(PodContract.ENV_MODE, PodContract.MODE_COORDINATOR);
        env.put(POD_NAME, podName);
        env.put(POD_NAMESPACE, namespace);
        if (podIp != null) {
            env.put(POD_IP, podIp);
        }
        if (podUid != null) {
            env.put(POD_UID, podUid);
        }
        values(env::put);
        return env;
    }

    private void values(BiConsumer<String, String> out) {
        out.accept(POSTGRES_NAME, postgresName);
        if (governingService != null) {
            out.accept(GOVERNING_SERVICE, governingService);
        }
        out.accept(REPLICAS, Integer.toString(replicas));
        out.accept(STREAMING_MODE, streamingMode == StreamingMode.ASYNCHRONOUS ? "Asynchronous" : "Synchronous");
        out.accept(STANDBY_MODE, standbyMode == StandbyMode.WARM ? "Warm" : "Hot");
        out.accept(LEASE_DURATION_MS, Long.toString(leaseDurationMillis));
        out.accept(RENEW_DEADLINE_MS, Long.toString(renewDeadlineMillis));
        out.accept(RETRY_PERIOD_MS, Long.toString(retryPeriodMillis));
        out.accept(MAX_LAG_BYTES, Long.toString(maxLagBytes));
        if (advertiseAddress != null) {
            out.accept(ADVERTISE_ADDRESS, advertiseAddress);
        }
        out.accept(SUPERUSER_SECRET_DIR, superuserSecretDir);
        out.accept(REPLICATION_SECRET_DIR, replicationSecretDir);
        out.accept(APP_USERS, appUsers.stream().map(u -> u.secretDir() + ":" + u.database()).collect(Collectors.joining(",")));
        out.accept(POSTGRES_DISTRIBUTION, distribution.value());
        local.forEach(out);
    }

    /**
     * Reads and checks the coordinator's environment (as the kubelet hands it over: downward-API values filled in,
     * {@code $(VAR)} references expanded). Every problem names its variable; all are reported at once.
     */
    public static CoordinatorEnvironment fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Reader r = new Reader(env, problems);
        String pod = r.required(POD_NAME);
        String namespace = r.required(POD_NAMESPACE);
        String postgres = r.required(POSTGRES_NAME);
        int replicas = (int) r.number(REPLICAS, 1, 1, 1000);
        StreamingMode streaming = StreamingMode.SYNCHRONOUS;
        String mode = r.optional(STREAMING_MODE);
        if ("Asynchronous".equals(mode)) {
            streaming = StreamingMode.ASYNCHRONOUS;
        } else if (mode != null && !mode.equals("Synchronous")) {
            problems.add(STREAMING_MODE + " must be Synchronous or Asynchronous, got '" + mode + "'");
        }
        String standby = r.optional(STANDBY_MODE);
        if ("Warm".equals(standby)) {
            problems.add(STANDBY_MODE + " is Warm, which the coordinator does not support: it observes every member over "
                    + "SQL, and a warm standby (hot_standby = off) accepts no connections; use Hot");
        } else if (standby != null && !standby.equals("Hot")) {
            problems.add(STANDBY_MODE + " must be Hot, got '" + standby + "'");
        }
        long lease = r.number(LEASE_DURATION_MS, DEFAULT_LEASE_DURATION_MS, 500, 120_000);
        long renew = r.number(RENEW_DEADLINE_MS, DEFAULT_RENEW_DEADLINE_MS, 200, 60_000);
        long retry = r.number(RETRY_PERIOD_MS, DEFAULT_RETRY_PERIOD_MS, 50, 10_000);
        if (renew >= lease) {
            problems.add(RENEW_DEADLINE_MS + " (" + renew + ") must be below " + LEASE_DURATION_MS + " (" + lease + ")");
        }
        if (retry * 2 > renew) {
            problems.add(RETRY_PERIOD_MS + " (" + retry + ") must be at most half of " + RENEW_DEADLINE_MS + " (" + renew + ")");
        }
        long maxLag = r.number(MAX_LAG_BYTES, DEFAULT_MAX_LAG_BYTES, 0, Long.MAX_VALUE);
        String governing = r.optional(GOVERNING_SERVICE);
        String podIp = r.optional(POD_IP);
        String podUid = r.optional(POD_UID);
        String advertise = r.optional(ADVERTISE_ADDRESS);
        int port = (int) r.number(Local.PGPORT, PodContract.POSTGRES_PORT, 1, 65535);
        if (advertise == null) {
            if (governing != null && pod != null && namespace != null) {
                advertise = pod + "." + governing + "." + namespace + ".svc:" + port;
            } else if (podIp != null) {
                advertise = podIp + ":" + port;
            } else {
                problems.add(ADVERTISE_ADDRESS + " (or " + GOVERNING_SERVICE + " or " + POD_IP + ") is required");
            }
        } else if (advertise.contains("$(")) {
            problems.add(ADVERTISE_ADDRESS + " still holds an unexpanded reference: '" + advertise + "'");
        } else if (advertise.lastIndexOf(':') <= 0) {
            problems.add(ADVERTISE_ADDRESS + " must be host:port, got '" + advertise + "'");
        }
        String superuser = r.absolutePath(SUPERUSER_SECRET_DIR, true);
        String replication = r.absolutePath(REPLICATION_SECRET_DIR, true);
        List<AppUser> users = List.of();
        try {
            users = AppUser.parseList(env.get(APP_USERS));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        PostgresDistribution distribution = PostgresDistribution.POSTGRESQL;
        String distributionValue = r.optional(POSTGRES_DISTRIBUTION);
        if (distributionValue != null) {
            distribution = PostgresDistribution.parse(distributionValue);
            if (distribution == null) {
                problems.add(POSTGRES_DISTRIBUTION + " must be PostgreSQL or DocumentDB, got '" + distributionValue + "'");
            }
        }
        Local local = new Local(r.absolutePath(Local.PGDATA, false), env.containsKey(Local.PGPORT) ? port : null,
                r.absolutePath(Local.PG_SOCKET_DIR, false), r.optional(Local.PG_LISTEN_ADDRESSES),
                r.absolutePath(Local.PG_BIN_DIR, false), r.absolutePath(Local.PG_CONTROL_DIR, false),
                r.optional(Local.PG_OS_USER), r.absolutePath(Local.PG_LOG_FILE, false),
                r.absolutePath(Local.PGPASSFILE_PATH, false), r.optional(Local.SLOT_WAL_KEEP_SIZE),
                r.optional(Local.RECLONE_AFTER_MS) == null ? null : r.number(Local.RECLONE_AFTER_MS, 60_000, 1_000, Long.MAX_VALUE),
                r.optional(Local.PRIMARY_START_TIMEOUT_MS) == null ? null
                        : r.number(Local.PRIMARY_START_TIMEOUT_MS, 300_000, 1_000, Long.MAX_VALUE));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("pg-coordinator configuration: " + String.join("; ", problems));
        }
        return new CoordinatorEnvironment(pod, namespace, podIp, podUid, postgres, governing, replicas, streaming,
                StandbyMode.HOT, lease, renew, retry, maxLag, advertise, superuser, replication, users, distribution, local);
    }

    private static EnvVar fieldRef(String name, String fieldPath) {
        return new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewFieldRef().withFieldPath(fieldPath).endFieldRef().endValueFrom()
                .build();
    }

    private record Reader(Map<String, String> env, List<String> problems) {

        /** Trimmed value, or null when unset or blank. */
        String optional(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? null : v.trim();
        }

        String required(String name) {
            String v = optional(name);
            if (v == null) {
                problems.add(name + " is required");
            }
            return v;
        }

        String absolutePath(String name, boolean required) {
            String v = required ? required(name) : optional(name);
            if (v != null && !v.startsWith("/")) {
                problems.add(name + " must be an absolute path, got '" + v + "'");
            }
            return v;
        }

        long number(String name, long dflt, long min, long max) {
            String v = optional(name);
            if (v == null) {
                return dflt;
            }
            try {
                long n = Long.parseLong(v);
                if (n < min || n > max) {
                    problems.add(name + " must be between " + min + " and " + max + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                problems.add(name + " must be a whole number, got '" + v + "'");
                return dflt;
            }
        }
    }
}
