package org.ferretdboperator.contract;

/**
 * The contract between the Postgres reconciler, which writes the backend pod spec, and the pg-coordinator, which runs
 * in it. Both sides read these constants, so a change here changes both.
 *
 * <p>Channel between the two containers: the {@code postgres} container (a stock PostgreSQL image) runs only
 * {@link #RUNNER_SCRIPT_KEY}, a small loop that executes PostgreSQL programs (initdb, pg_ctl, pg_basebackup,
 * pg_rewind) which the coordinator requests by writing request files into the shared {@link #CONTROL_DIR} volume, and
 * writes back their exit status and output. PostgreSQL's data and its unix socket live on volumes both containers
 * mount, so the coordinator reads state over JDBC and never parses program output to decide anything.
 *
 * <p>Runner protocol (both sides must follow it exactly):
 * <ol>
 * <li>The coordinator writes one program invocation as NUL-separated argv (program name first, no path, no trailing
 * NUL needed) to {@code CONTROL_DIR/requests/<id>.cmd.tmp} and renames it to {@code <id>.cmd}, so the runner never
 * sees a half-written request. {@code <id>} matches {@link #RUNNER_REQUEST_ID_PATTERN}; requests run one at a time in
 * lexical order of their file names, so ids should sort in submission order (e.g. a zero-padded sequence).</li>
 * <li>The program must be one of {@link #RUNNER_ALLOWED_PROGRAMS}; anything else is refused with exit code
 * {@link #RUNNER_RC_REFUSED}. It runs with the PostgreSQL bin dir first on PATH, stdin from /dev/null, working
 * directory {@code CONTROL_DIR}.</li>
 * <li>The runner claims a request by renaming it to {@code <id>.running} before starting it, writes the combined
 * stdout/stderr (the last {@link #RUNNER_OUTPUT_LIMIT_BYTES} bytes) to {@code CONTROL_DIR/responses/<id>.out}, then the
 * decimal exit code to {@code responses/<id>.rc}, each by atomic rename, and only then deletes the claim. The
 * coordinator waits for {@code .rc}, then reads {@code .out}, then deletes both.</li>
 * <li>At-most-once: a runner that restarts finds leftover {@code .running} claims and answers them with
 * {@link #RUNNER_RC_INTERRUPTED} without running them again.</li>
 * <li>Cancellation (the coordinator's timeout, or its thread interrupted): a request not yet claimed is withdrawn by
 * the coordinator deleting {@code <id>.cmd} (whoever renames or deletes it first wins); a claimed one by creating
 * {@code requests/<id>.cancel}: the runner sends the program SIGTERM, SIGKILL after a grace of 5 s, answers it as
 * usual and removes the cancel file.</li>
 * <li>No per-request environment: programs run with the postgres container's environment, so every setting travels
 * in argv (libpq's {@code passfile=} in a conninfo, {@code --pwfile=} for initdb). Arguments never carry a password:
 * the runner logs only the program name, the coordinator never logs argv.</li>
 * <li>A program that leaves a process behind ({@code pg_ctl start|restart}) must be given {@code -l}
 * ({@link #RUNNER_LOG_LINK} sends the server log to the container's log); without it the runner refuses it, because
 * the postmaster would otherwise write into the response file forever.</li>
 * <li>The runner polls every 50 ms, refreshes {@link #RUNNER_HEARTBEAT} (epoch seconds) at least once a second, also
 * while a program runs, and never exits because a program failed. On SIGTERM it keeps serving requests until no
 * postmaster runs in PGDATA, so the coordinator can stop PostgreSQL cleanly within the grace period.</li>
 * </ol>
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
    /**
     * The coordinator container's liveness probe: the kubelet restarts it after this many failed checks in a row. Its
     * liveness is that the loop ticks (clones and rewinds run beside the loop) and no clone or rewind has stalled.
     */
    public static final int COORDINATOR_LIVENESS_PERIOD_SECONDS = 10;
    public static final int COORDINATOR_LIVENESS_TIMEOUT_SECONDS = 3;
    public static final int COORDINATOR_LIVENESS_FAILURE_THRESHOLD = 3;
    /**
     * The coordinator container's readiness probe, which gates the Services: checked every second so a new primary is
     * routed to quickly. The answer is read from the loop's last judgement, so a slow answer means a starved process,
     * not a slow check; a timeout of one second (the Kubernetes default) took every member out of the Services on a
     * busy node while each was serving its role.
     */
    public static final int COORDINATOR_READINESS_PERIOD_SECONDS = 1;
    public static final int COORDINATOR_READINESS_TIMEOUT_SECONDS = 3;
    public static final int COORDINATOR_READINESS_FAILURE_THRESHOLD = 2;
    /** Annotation on its own pod where each coordinator publishes its member state (JSON) for its peers and the operator. */
    public static final String MEMBER_STATE_ANNOTATION = "kubedb.com/member-state";
    /**
     * File in {@link #CONTROL_DIR} that the coordinator rewrites with new content (by atomic rename) after every
     * successful Lease renew while its PostgreSQL is (or is becoming) primary. Dead-man's switch for a coordinator that
     * freezes or dies while its PostgreSQL runs on: the runner stops PostgreSQL immediately (SIGQUIT to the postmaster)
     * when the file exists and its content has not changed for {@link #ENV_RENEW_DEADLINE_MS} on the runner's own clock
     * while PGDATA has no standby.signal. The coordinator deletes it when it stops being primary.
     */
    public static final String PRIMARY_HEARTBEAT_FILE = "primary-heartbeat";
    /** ConfigMap key of the runner script executed by the postgres container. */
    public static final String RUNNER_SCRIPT_KEY = "runner.sh";
    /** ConfigMap volume holding the runner script, mounted read-only into the postgres container. */
    public static final String RUNNER_VOLUME = "runner";
    public static final String RUNNER_DIR = "/etc/pg-runner";
    /** Environment variable of the postgres container naming the control directory. */
    public static final String ENV_CONTROL_DIR = "PG_CONTROL_DIR";
    /** Environment variable of the postgres container: the coordinators' renew deadline, for the dead-man's switch. */
    public static final String ENV_RENEW_DEADLINE_MS = CoordinatorEnvironment.RENEW_DEADLINE_MS;
    /** Subdirectories and files of the control directory, relative to it. */
    public static final String RUNNER_REQUESTS = "requests";
    public static final String RUNNER_RESPONSES = "responses";
    public static final String RUNNER_HEARTBEAT_NAME = "runner.heartbeat";
    public static final String RUNNER_LOG_LINK_NAME = "server.log";
    /**
     * Written once by the runner at start (atomic rename): the file names in the image's {@code pg_config --pkglibdir},
     * one per line, so the coordinator can tell which server libraries (DocumentDB's, say) the image provides before
     * it asks PostgreSQL to preload them.
     */
    public static final String RUNNER_SERVER_LIBRARIES_NAME = "server-libraries";
    public static final String RUNNER_REQUESTS_DIR = CONTROL_DIR + "/" + RUNNER_REQUESTS;
    public static final String RUNNER_RESPONSES_DIR = CONTROL_DIR + "/" + RUNNER_RESPONSES;
    public static final String RUNNER_REQUEST_SUFFIX = ".cmd";
    /** Written first, then renamed to {@link #RUNNER_REQUEST_SUFFIX}. */
    public static final String RUNNER_REQUEST_TMP_SUFFIX = ".cmd.tmp";
    public static final String RUNNER_CANCEL_SUFFIX = ".cancel";
    public static final String RUNNER_CLAIM_SUFFIX = ".running";
    public static final String RUNNER_OUTPUT_SUFFIX = ".out";
    public static final String RUNNER_EXIT_CODE_SUFFIX = ".rc";
    public static final String RUNNER_REQUEST_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]*";
    public static final java.util.List<String> RUNNER_ALLOWED_PROGRAMS =
            java.util.List.of("initdb", "pg_ctl", "pg_basebackup", "pg_rewind", "pg_controldata", "postgres");
    public static final int RUNNER_OUTPUT_LIMIT_BYTES = 65536;
    /** Exit code for a request the runner refused (unknown program, malformed request, pg_ctl start without -l). */
    public static final int RUNNER_RC_REFUSED = 126;
    /** Exit code for a request that was running when the runner died; it is never run twice. */
    public static final int RUNNER_RC_INTERRUPTED = 137;
    /** File holding the epoch second of the runner loop's last turn; the postgres container's liveness probe reads it. */
    public static final String RUNNER_HEARTBEAT = CONTROL_DIR + "/" + RUNNER_HEARTBEAT_NAME;
    /** Symlink to the runner's stdout: pass it to {@code pg_ctl start -l} so the server log reaches the container log. */
    public static final String RUNNER_LOG_LINK = CONTROL_DIR + "/" + RUNNER_LOG_LINK_NAME;

    /** emptyDir at /tmp for both containers: their root filesystems are read-only. */
    public static final String TMP_VOLUME = "tmp";
    public static final String TMP_DIR = "/tmp";
    /** Memory-backed emptyDir at /dev/shm: PostgreSQL's dynamic shared memory needs more than the runtime's 64 MiB. */
    public static final String SHM_VOLUME = "shm";
    public static final String SHM_DIR = "/dev/shm";
    /** Projected volume with the username/password of every Secret the coordinator needs, under {@link #SECRETS_DIR}. */
    public static final String SECRETS_VOLUME = "secrets";

    /** UID and GID of the postgres user in the official PostgreSQL images; both containers run as it. */
    public static final long POSTGRES_UID = 999L;

    /** Directory of one mounted Secret (files {@code username} and {@code password}). */
    public static String secretDir(String secretName) {
        return SECRETS_DIR + "/" + secretName;
    }

    /** Environment of the coordinator container (the rest is {@link CoordinatorEnvironment}): which mode the binary runs. */
    public static final String ENV_MODE = "FERRETDB_OPERATOR_MODE";
    public static final String MODE_COORDINATOR = "coordinator";
}
