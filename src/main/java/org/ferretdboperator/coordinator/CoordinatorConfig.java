package org.ferretdboperator.coordinator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.coordinator.decision.ClusterConfig;
import org.ferretdboperator.coordinator.postgres.AppUser;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.contract.PodContract;

/**
 * The coordinator's configuration, read from its environment (names in {@link PodContract}, plus the local-process
 * knobs below that a pod leaves at their defaults). Every problem is reported with the variable's name.
 *
 * <p>Beyond PodContract: {@code PGDATA}, {@code PGPORT}, {@code PG_SOCKET_DIR}, {@code PG_LISTEN_ADDRESSES},
 * {@code PG_BIN_DIR} (set: run PostgreSQL programs locally; unset: through the control directory),
 * {@code PG_CONTROL_DIR}, {@code PG_OS_USER}, {@code PG_LOG_FILE}, {@code PGPASSFILE_PATH},
 * {@code SUPERUSER_SECRET_DIR}, {@code REPLICATION_SECRET_DIR}, {@code SLOT_WAL_KEEP_SIZE}, {@code RECLONE_AFTER_MS}.
 */
public record CoordinatorConfig(String podName, String namespace, String postgresName, int replicas, boolean synchronous,
        long leaseDurationMillis, long renewDeadlineMillis, long retryPeriodMillis, long maxLagBytes, long recloneAfterMillis,
        String advertiseAddress, Path pgdata, int pgPort, Path socketDir, String listenAddresses, Optional<Path> pgBinDir,
        Path controlDir, String pgOsUser, Path serverLog, Path passfile, Path superuserSecretDir, Path replicationSecretDir,
        String slotWalKeepSize, List<AppUser> appUsers) {

    public static final long DEFAULT_LEASE_DURATION_MS = 2000;
    public static final long DEFAULT_RENEW_DEADLINE_MS = 1200;
    public static final long DEFAULT_RETRY_PERIOD_MS = 200;

    public static CoordinatorConfig fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Reader r = new Reader(env, problems);
        String pod = r.required(PodContract.ENV_POD_NAME);
        String namespace = r.required(PodContract.ENV_POD_NAMESPACE);
        String postgres = r.required(PodContract.ENV_POSTGRES_NAME);
        int replicas = (int) r.number(PodContract.ENV_REPLICAS, 1, 1, 1000);
        String mode = env.getOrDefault(PodContract.ENV_STREAMING_MODE, "Synchronous");
        if (!mode.equals("Synchronous") && !mode.equals("Asynchronous")) {
            problems.add(PodContract.ENV_STREAMING_MODE + " must be Synchronous or Asynchronous, got '" + mode + "'");
        }
        long lease = r.number(PodContract.ENV_LEASE_DURATION_MS, DEFAULT_LEASE_DURATION_MS, 500, 120_000);
        long renew = r.number(PodContract.ENV_RENEW_DEADLINE_MS, DEFAULT_RENEW_DEADLINE_MS, 200, 60_000);
        long retry = r.number(PodContract.ENV_RETRY_PERIOD_MS, DEFAULT_RETRY_PERIOD_MS, 50, 10_000);
        if (renew >= lease) {
            problems.add(PodContract.ENV_RENEW_DEADLINE_MS + " (" + renew + ") must be below " + PodContract.ENV_LEASE_DURATION_MS
                    + " (" + lease + ")");
        }
        if (retry * 2 > renew) {
            problems.add(PodContract.ENV_RETRY_PERIOD_MS + " (" + retry + ") must be at most half of "
                    + PodContract.ENV_RENEW_DEADLINE_MS + " (" + renew + ")");
        }
        long maxLag = r.number(PodContract.ENV_MAX_LAG_BYTES, 64L << 20, 0, Long.MAX_VALUE);
        long reclone = r.number("RECLONE_AFTER_MS", 60_000, 1_000, Long.MAX_VALUE);
        int port = (int) r.number("PGPORT", PodContract.POSTGRES_PORT, 1, 65535);
        Path pgdata = Path.of(env.getOrDefault("PGDATA", PodContract.PGDATA));
        Path controlDir = Path.of(env.getOrDefault("PG_CONTROL_DIR", PodContract.CONTROL_DIR));
        Optional<Path> bin = Optional.ofNullable(env.get("PG_BIN_DIR")).filter(s -> !s.isBlank()).map(Path::of);
        String advertise = env.get(PodContract.ENV_ADVERTISE_ADDRESS);
        if (advertise == null || advertise.isBlank()) {
            String governing = env.get(PodContract.ENV_GOVERNING_SERVICE);
            if (governing != null && pod != null) {
                advertise = pod + "." + governing + "." + namespace + ".svc:" + port;
            } else if (env.get(PodContract.ENV_POD_IP) != null) {
                advertise = env.get(PodContract.ENV_POD_IP) + ":" + port;
            } else {
                problems.add(PodContract.ENV_ADVERTISE_ADDRESS + " (or " + PodContract.ENV_GOVERNING_SERVICE + " or "
                        + PodContract.ENV_POD_IP + ") is required");
            }
        } else if (advertise.lastIndexOf(':') <= 0) {
            problems.add(PodContract.ENV_ADVERTISE_ADDRESS + " must be host:port, got '" + advertise + "'");
        }
        List<AppUser> users = List.of();
        try {
            users = AppUser.parseList(env.get(PodContract.ENV_APP_USERS));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("pg-coordinator configuration: " + String.join("; ", problems));
        }
        Path dataParent = pgdata.toAbsolutePath().getParent();
        Path defaultLog = bin.isPresent() ? dataParent.resolve("postgresql.log") : controlDir.resolve("postgresql.log");
        Path defaultPassfile = bin.isPresent() ? dataParent.resolve(".pgpass-coordinator") : controlDir.resolve("pgpass");
        Path secrets = Path.of(PodContract.SECRETS_DIR);
        return new CoordinatorConfig(pod, namespace, postgres, replicas, mode.equals("Synchronous"), lease, renew, retry, maxLag,
                reclone, advertise, pgdata, port, Path.of(env.getOrDefault("PG_SOCKET_DIR", PodContract.SOCKET_DIR)),
                env.getOrDefault("PG_LISTEN_ADDRESSES", "*"), bin, controlDir, env.getOrDefault("PG_OS_USER", "postgres"),
                Path.of(env.getOrDefault("PG_LOG_FILE", defaultLog.toString())),
                Path.of(env.getOrDefault("PGPASSFILE_PATH", defaultPassfile.toString())),
                Path.of(env.getOrDefault("SUPERUSER_SECRET_DIR", secrets.resolve("superuser").toString())),
                Path.of(env.getOrDefault("REPLICATION_SECRET_DIR", secrets.resolve("replication").toString())),
                env.getOrDefault("SLOT_WAL_KEEP_SIZE", "1GB"), users);
    }

    /** The primary heartbeat for runner.sh: on in pods (control-dir channel), off for local processes unless asked. */
    public Optional<Path> heartbeatFile() {
        return pgBinDir.isPresent() ? Optional.empty() : Optional.of(controlDir.resolve(PodContract.PRIMARY_HEARTBEAT_FILE));
    }

    /** Member names: the StatefulSet's pods, in ordinal order. */
    public List<String> members() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            out.add(Names.pod(Names.primaryService(postgresName), i));
        }
        return out;
    }

    public String leaseName() {
        return Names.lease(postgresName);
    }

    public ClusterConfig cluster() {
        return new ClusterConfig(members(), synchronous, maxLagBytes, leaseDurationMillis, renewDeadlineMillis, retryPeriodMillis,
                recloneAfterMillis);
    }

    private record Reader(Map<String, String> env, List<String> problems) {

        String required(String name) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                problems.add(name + " is required");
                return null;
            }
            return v.trim();
        }

        long number(String name, long dflt, long min, long max) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                return dflt;
            }
            try {
                long n = Long.parseLong(v.trim());
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
