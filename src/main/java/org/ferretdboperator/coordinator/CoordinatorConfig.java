package org.ferretdboperator.coordinator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.common.StreamingMode;
import org.ferretdboperator.contract.AppUser;
import org.ferretdboperator.contract.CoordinatorEnvironment;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.contract.PostgresDistribution;
import org.ferretdboperator.contract.PostgresTls;
import org.ferretdboperator.coordinator.decision.ClusterConfig;
import org.ferretdboperator.support.Names;

/**
 * The coordinator's configuration: its environment as {@link CoordinatorEnvironment} defines and checks it (every
 * problem named by its variable), with the pod's defaults ({@link PodContract} paths) filled in for what a pod leaves
 * unset. {@code STANDBY_MODE} accepts only Hot, which is what {@code PostgresFiles} configures (hot_standby = on).
 */
public record CoordinatorConfig(String podName, String namespace, String postgresName, int replicas, boolean synchronous,
        long leaseDurationMillis, long renewDeadlineMillis, long retryPeriodMillis, long maxLagBytes, long recloneAfterMillis,
        String advertiseAddress, Path pgdata, int pgPort, Path socketDir, String listenAddresses, Optional<Path> pgBinDir,
        Path controlDir, String pgOsUser, Path serverLog, Path passfile, Path superuserSecretDir, Path replicationSecretDir,
        String slotWalKeepSize, List<AppUser> appUsers, long primaryStartTimeoutMillis, Optional<String> podUid,
        PostgresDistribution distribution, Optional<Path> tlsDir) {

    /** Without TLS ({@link PostgresTls#ENV_DIR} unset). */
    public CoordinatorConfig(String podName, String namespace, String postgresName, int replicas, boolean synchronous,
            long leaseDurationMillis, long renewDeadlineMillis, long retryPeriodMillis, long maxLagBytes,
            long recloneAfterMillis, String advertiseAddress, Path pgdata, int pgPort, Path socketDir,
            String listenAddresses, Optional<Path> pgBinDir, Path controlDir, String pgOsUser, Path serverLog,
            Path passfile, Path superuserSecretDir, Path replicationSecretDir, String slotWalKeepSize,
            List<AppUser> appUsers, long primaryStartTimeoutMillis, Optional<String> podUid,
            PostgresDistribution distribution) {
        this(podName, namespace, postgresName, replicas, synchronous, leaseDurationMillis, renewDeadlineMillis,
                retryPeriodMillis, maxLagBytes, recloneAfterMillis, advertiseAddress, pgdata, pgPort, socketDir,
                listenAddresses, pgBinDir, controlDir, pgOsUser, serverLog, passfile, superuserSecretDir,
                replicationSecretDir, slotWalKeepSize, appUsers, primaryStartTimeoutMillis, podUid, distribution,
                Optional.empty());
    }

    /** A plain-PostgreSQL backend, not bound to a pod object (no uid precondition on its patches). */
    public CoordinatorConfig(String podName, String namespace, String postgresName, int replicas, boolean synchronous,
            long leaseDurationMillis, long renewDeadlineMillis, long retryPeriodMillis, long maxLagBytes,
            long recloneAfterMillis, String advertiseAddress, Path pgdata, int pgPort, Path socketDir,
            String listenAddresses, Optional<Path> pgBinDir, Path controlDir, String pgOsUser, Path serverLog,
            Path passfile, Path superuserSecretDir, Path replicationSecretDir, String slotWalKeepSize,
            List<AppUser> appUsers, long primaryStartTimeoutMillis) {
        this(podName, namespace, postgresName, replicas, synchronous, leaseDurationMillis, renewDeadlineMillis,
                retryPeriodMillis, maxLagBytes, recloneAfterMillis, advertiseAddress, pgdata, pgPort, socketDir,
                listenAddresses, pgBinDir, controlDir, pgOsUser, serverLog, passfile, superuserSecretDir,
                replicationSecretDir, slotWalKeepSize, appUsers, primaryStartTimeoutMillis, Optional.empty(),
                PostgresDistribution.POSTGRESQL);
    }

    public static final long DEFAULT_LEASE_DURATION_MS = CoordinatorEnvironment.DEFAULT_LEASE_DURATION_MS;
    public static final long DEFAULT_RENEW_DEADLINE_MS = CoordinatorEnvironment.DEFAULT_RENEW_DEADLINE_MS;
    public static final long DEFAULT_RETRY_PERIOD_MS = CoordinatorEnvironment.DEFAULT_RETRY_PERIOD_MS;

    public static CoordinatorConfig fromEnvironment(Map<String, String> env) {
        return from(CoordinatorEnvironment.fromEnvironment(env)).withTls(PostgresTls.dir(env));
    }

    /** The same with PostgreSQL's certificate directory ({@link PostgresTls}); empty: plaintext. */
    public CoordinatorConfig withTls(Optional<Path> dir) {
        return new CoordinatorConfig(podName, namespace, postgresName, replicas, synchronous, leaseDurationMillis,
                renewDeadlineMillis, retryPeriodMillis, maxLagBytes, recloneAfterMillis, advertiseAddress, pgdata, pgPort,
                socketDir, listenAddresses, pgBinDir, controlDir, pgOsUser, serverLog, passfile, superuserSecretDir,
                replicationSecretDir, slotWalKeepSize, appUsers, primaryStartTimeoutMillis, podUid, distribution, dir);
    }

    public static CoordinatorConfig from(CoordinatorEnvironment e) {
        CoordinatorEnvironment.Local l = e.local();
        Path pgdata = Path.of(or(l.pgdata(), PodContract.PGDATA));
        Path controlDir = Path.of(or(l.controlDir(), PodContract.CONTROL_DIR));
        Optional<Path> bin = Optional.ofNullable(l.pgBinDir()).map(Path::of);
        Path dataParent = pgdata.toAbsolutePath().getParent();
        // through the runner, pg_ctl's log is the runner's link to the postgres container's log
        Path defaultLog = bin.isPresent() ? dataParent.resolve("postgresql.log") : controlDir.resolve(PodContract.RUNNER_LOG_LINK_NAME);
        Path defaultPassfile = bin.isPresent() ? dataParent.resolve(".pgpass-coordinator") : controlDir.resolve("pgpass");
        return new CoordinatorConfig(e.podName(), e.namespace(), e.postgresName(), e.replicas(),
                e.streamingMode() != StreamingMode.ASYNCHRONOUS, e.leaseDurationMillis(), e.renewDeadlineMillis(),
                e.retryPeriodMillis(), e.maxLagBytes(), l.recloneAfterMillis() == null ? 60_000 : l.recloneAfterMillis(),
                e.advertiseAddress(), pgdata, l.pgPort() == null ? PodContract.POSTGRES_PORT : l.pgPort(),
                Path.of(or(l.socketDir(), PodContract.SOCKET_DIR)), or(l.listenAddresses(), "*"), bin, controlDir,
                or(l.pgOsUser(), "postgres"), Path.of(or(l.logFile(), defaultLog.toString())),
                Path.of(or(l.passfile(), defaultPassfile.toString())), Path.of(e.superuserSecretDir()),
                Path.of(e.replicationSecretDir()), or(l.slotWalKeepSize(), "1GB"), e.appUsers(),
                l.primaryStartTimeoutMillis() == null ? ClusterConfig.DEFAULT_PRIMARY_START_TIMEOUT_MS
                        : l.primaryStartTimeoutMillis(), Optional.ofNullable(e.podUid()), e.distribution());
    }

    private static String or(String value, String dflt) {
        return value == null ? dflt : value;
    }

    /** The primary heartbeat for runner.sh: on in pods (control-dir channel), off for local processes unless asked. */
    public Optional<Path> heartbeatFile() {
        return pgBinDir.isPresent() ? Optional.empty() : Optional.of(controlDir.resolve(PodContract.PRIMARY_HEARTBEAT_FILE));
    }

    /** Member names: the StatefulSet's pods, in ordinal order. */
    public List<String> members() {
        return members(replicas);
    }

    /** The first {@code count} pod names, for a member count announced on the Lease ({@code contract.MemberCount}). */
    public List<String> members(int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Names.pod(Names.primaryService(postgresName), i));
        }
        return out;
    }

    public String leaseName() {
        return Names.lease(postgresName);
    }

    public ClusterConfig cluster() {
        return cluster(replicas);
    }

    /** The cluster with {@code count} members (see {@link #members(int)}). */
    public ClusterConfig cluster(int count) {
        return new ClusterConfig(members(count), synchronous, maxLagBytes, leaseDurationMillis, renewDeadlineMillis, retryPeriodMillis,
                recloneAfterMillis, primaryStartTimeoutMillis);
    }
}
