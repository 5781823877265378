/**
 * The pg-coordinator: the sidecar of every backend pod that decides and carries out its own PostgreSQL's role.
 *
 * <h2>Shape</h2>
 * <ul>
 * <li>{@code decision}: the pure function {@link org.ferretdboperator.coordinator.decision.HaDecision#decide} from an
 * {@link org.ferretdboperator.coordinator.decision.Observation} to an ordered list of
 * {@link org.ferretdboperator.coordinator.decision.Action}s (no clocks, no I/O; unit-tested state by state). The loop's other
 * judgements are pure functions beside it: {@code Readiness}, {@code FinalPositionClaim}, {@code LeaderProbeCondition},
 * {@code ReleasePosition}.</li>
 * <li>{@code lease}: the coordination.k8s.io/v1 Lease, compare-and-swap on resourceVersion; expiry judged only by how
 * long this process has seen one resourceVersion unchanged on its monotonic clock.</li>
 * <li>{@code member}: each coordinator publishes its member state (JSON annotation) and role label on its own pod only.</li>
 * <li>{@code postgres}: observation over JDBC and PGDATA (pg_control), control through PostgreSQL's own programs.</li>
 * <li>{@code process}: how programs run: locally ({@code PG_BIN_DIR} set) or through the control directory the postgres
 * container's runner serves (the pod's channel, see {@link org.ferretdboperator.contract.PodContract}).</li>
 * <li>{@link org.ferretdboperator.coordinator.CoordinatorLoop}: observe, publish, decide, act every retryPeriod or on a
 * Lease/pod event; a lease renewer and a fencing watchdog run beside it so slow actions neither starve renewal nor delay
 * fencing. {@link org.ferretdboperator.coordinator.LeaseHolder} makes every Lease write, under one lock;
 * {@link org.ferretdboperator.coordinator.ActionExecutor} runs each other action through its handler.</li>
 * </ul>
 *
 * <h2>Running one outside Kubernetes pods (harness, development)</h2>
 * <pre>
 * KUBECONFIG=/path/kubeconfig POD_NAME=pg-0 POD_NAMESPACE=default POSTGRES_NAME=pg REPLICAS=3 \
 * STREAMING_MODE=Synchronous PGDATA=/tmp/m0/data PGPORT=55430 PG_SOCKET_DIR=/tmp/m0/sock \
 * PG_LISTEN_ADDRESSES=127.0.0.1 ADVERTISE_ADDRESS=127.0.0.1:55430 PG_BIN_DIR=/usr/lib/postgresql/15/bin \
 * SUPERUSER_SECRET_DIR=/tmp/secrets/superuser REPLICATION_SECRET_DIR=/tmp/secrets/replication QUARKUS_HTTP_PORT=9190 \
 * java -jar target/quarkus-app/quarkus-run.jar coordinator
 * </pre>
 * The pods {@code <POSTGRES_NAME>-<ordinal>} must exist with the labels of
 * {@link org.ferretdboperator.support.Labels#postgresSelector}; PGDATA's parent must be writable by PostgreSQL's OS
 * user ({@code PG_OS_USER}, default postgres, used through runuser when the coordinator runs as root).
 */
package org.ferretdboperator.coordinator;
