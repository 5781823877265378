package org.ferretdboperator.support;

/**
 * The contract between the Postgres reconciler, which writes the backend pod spec, and the pg-coordinator, which runs
 * in it. Both sides read these constants, so a change here changes both.
 *
 * <p>Channel between the two containers: the {@code postgres} container (a stock PostgreSQL image) runs only
 * {@link #RUNNER_SCRIPT_KEY}, a small loop that executes PostgreSQL programs (initdb, pg_ctl, pg_basebackup,
 * pg_rewind) which the coordinator requests by writing request files into the shared {@link #CONTROL_DIR} volume, and
 * writes back their exit status and output. PostgreSQL's data and its unix socket live on volumes both containers
 * mount, so the coordinator reads state over JDBC and never parses program output to decide anything.
 */
public final class PodContract {

    private PodContract() {
    }

    public static final String POSTGRES_CONTAINER = "postgres";
    public static final String COORDINATOR_CONTAINER = "pg-coordinator";

    public static final int POSTGRES_PORT = 5432;
    public static final String POSTGRES_PORT_NAME = "postgres";
    public static final int COORDINATOR_METRICS_PORT = 9187;
    public static final String COORDINATOR_METRICS_PORT_NAME = "coordinator";
    public static final int FERRETDB_PORT = 27017;
    public static final String FERRETDB_PORT_NAME = "mongodb";
    public static final int FERRETDB_DEBUG_PORT = 8088;
    public static final String FERRETDB_DEBUG_PORT_NAME = "metrics";

    /** PVC (or emptyDir when Ephemeral) holding PGDATA. */
    public static final String DATA_VOLUME = "data";
    public static final String DATA_MOUNT = "/var/pv";
    public static final String PGDATA = DATA_MOUNT + "/data";
    /** emptyDir shared by both containers: runner requests/responses. */
    public static final String CONTROL_VOLUME = "control";
    public static final String CONTROL_DIR = "/var/run/pg-control";
    /** emptyDir shared by both containers: PostgreSQL's unix socket. */
    public static final String SOCKET_VOLUME = "socket";
    public static final String SOCKET_DIR = "/var/run/postgresql";
    /** Secrets mounted read-only into the coordinator: superuser, replication, application users. */
    public static final String SECRETS_DIR = "/etc/pg-coordinator/secrets";
    /** Coordinator HTTP endpoints on {@link #COORDINATOR_METRICS_PORT}: readiness means its PostgreSQL serves its role. */
    public static final String COORDINATOR_READY_PATH = "/q/health/ready";
    public static final String COORDINATOR_LIVE_PATH = "/q/health/live";
    public static final String COORDINATOR_METRICS_PATH = "/q/metrics";
    /** Annotation on its own pod where each coordinator publishes its member state (JSON) for its peers and the operator. */
    public static final String MEMBER_STATE_ANNOTATION = "kubedb.com/member-state";
    /**
     * File in {@link #CONTROL_DIR} whose modification time the coordinator refreshes after every successful Lease renew
     * while its PostgreSQL is (or is becoming) primary. Dead-man's switch for a coordinator that dies while its
     * PostgreSQL runs on: the runner stops PostgreSQL immediately ({@code pg_ctl stop -m immediate}) when the file exists
     * and is older than RENEW_DEADLINE_MS while PGDATA has no standby.signal. The coordinator deletes it when it stops
     * being primary.
     */
    public static final String PRIMARY_HEARTBEAT_FILE = "primary-heartbeat";
    /** ConfigMap key of the runner script executed by the postgres container. */
    public static final String RUNNER_SCRIPT_KEY = "runner.sh";

    // Environment of the coordinator container.
    public static final String ENV_MODE = "FERRETDB_OPERATOR_MODE";
    public static final String MODE_COORDINATOR = "coordinator";
    public static final String ENV_POD_NAME = "POD_NAME";
    public static final String ENV_POD_NAMESPACE = "POD_NAMESPACE";
    public static final String ENV_POD_IP = "POD_IP";
    public static final String ENV_POSTGRES_NAME = "POSTGRES_NAME";
    public static final String ENV_GOVERNING_SERVICE = "GOVERNING_SERVICE";
    public static final String ENV_REPLICAS = "REPLICAS";
    public static final String ENV_STREAMING_MODE = "STREAMING_MODE";
    public static final String ENV_STANDBY_MODE = "STANDBY_MODE";
    public static final String ENV_LEASE_DURATION_MS = "LEASE_DURATION_MS";
    public static final String ENV_RENEW_DEADLINE_MS = "RENEW_DEADLINE_MS";
    public static final String ENV_RETRY_PERIOD_MS = "RETRY_PERIOD_MS";
    public static final String ENV_MAX_LAG_BYTES = "MAXIMUM_LAG_BEFORE_FAILOVER";
    /** Comma-separated {@code secretDir:database} pairs of application users the primary must ensure. */
    public static final String ENV_APP_USERS = "APP_USERS";
    /** host:port peers use to reach this member's PostgreSQL (in a pod: {@code <pod>.<governing>.<ns>.svc:5432}). */
    public static final String ENV_ADVERTISE_ADDRESS = "ADVERTISE_ADDRESS";
}
