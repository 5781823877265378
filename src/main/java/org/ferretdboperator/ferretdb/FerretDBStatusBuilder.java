package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.FerretDBStatus;
import org.ferretdboperator.status.Conditions;
import org.ferretdboperator.status.Problem;

/**
 * Computes the FerretDB's status from its children. Pure: the same inputs give the same status.
 *
 * <ul>
 * <li>Halted while {@code spec.halted} is true.</li>
 * <li>Provisioning until everything has been ready once (then the Provisioned condition is set for good).</li>
 * <li>Ready: the backend Postgres is Ready (its coordinators' real SQL checks) and every server pod is ready.</li>
 * <li>Critical: clients can still work (a primary server is ready and the backend has a serving primary, i.e. is
 * Ready or Critical), but something is degraded.</li>
 * <li>NotReady: clients cannot work.</li>
 * </ul>
 * A blocking problem (bad version, missing Secret) gives NotReady when nothing has been built yet; when the servers
 * already run, they keep serving and the phase is at best Critical: the database works but the operator cannot
 * manage it until the problem is fixed.
 */
public final class FerretDBStatusBuilder {

    private FerretDBStatusBuilder() {
    }

    public static FerretDBStatus build(FerretDB ferretdb, ObservedChildren children, List<Problem> problems,
            Instant now) {
        return build(ferretdb, null, children, problems, now);
    }

    /** {@code version}: the resolved catalog entry, or null when there is none (yet). */
    public static FerretDBStatus build(FerretDB ferretdb, FerretDBVersionSpec version, ObservedChildren children,
            List<Problem> problems, Instant now) {
        List<Condition> previous = ferretdb.getStatus() == null ? List.of() : ferretdb.getStatus().getConditions();
        Long generation = ferretdb.getMetadata().getGeneration();
        boolean halted = FerretDBDefaults.halted(ferretdb);
        boolean blocked = !problems.isEmpty();

        int wantPrimary = ServerGroup.PRIMARY.desiredReplicas(ferretdb, version);
        int wantSecondary = ServerGroup.SECONDARY.enabled(ferretdb) ? ServerGroup.SECONDARY.desiredReplicas(ferretdb) : 0;
        int readyPrimary = children.readyReplicas(ServerGroup.PRIMARY);
        int readySecondary = children.readyReplicas(ServerGroup.SECONDARY);
        Phase backendPhase = children.backendPhase().orElse(null);
        boolean backendReady = backendPhase == Phase.READY;
        boolean backendServing = backendReady || backendPhase == Phase.CRITICAL;
        boolean serversReady = children.primaryServers().isPresent() && wantPrimary > 0 && readyPrimary >= wantPrimary
                && (wantSecondary == 0 || children.secondaryServers().isPresent() && readySecondary >= wantSecondary);
        boolean accepting = readyPrimary >= 1 && backendServing;
        Phase health = backendReady && serversReady ? Phase.READY : accepting ? Phase.CRITICAL : Phase.NOT_READY;
        boolean provisioned = Conditions.isTrue(previous, Conditions.PROVISIONED)
                || health == Phase.READY && !blocked && !halted;

        Phase phase;
        if (halted) {
            phase = Phase.HALTED;
        } else if (blocked) {
            phase = children.primaryServers().isEmpty() ? Phase.NOT_READY
                    : health == Phase.READY ? Phase.CRITICAL : health;
        } else if (!provisioned) {
            phase = Phase.PROVISIONING;
        } else {
            phase = health;
        }

        String replicas = "primary servers " + readyPrimary + "/" + wantPrimary + " ready"
                + (ServerGroup.PRIMARY.capped(ferretdb, version) ? " (spec.server.primary.replicas is "
                        + ServerGroup.PRIMARY.configuredReplicas(ferretdb) + "; FerretDB 1.x runs one primary server, "
                        + "as each 1.x server caches the collection catalogue for its whole life)" : "")
                + (wantSecondary > 0 ? ", secondary servers " + readySecondary + "/" + wantSecondary + " ready" : "")
                + ", backend Postgres " + (backendPhase == null ? "has no status yet" : "is " + backendPhase.displayName());

        Conditions conditions = new Conditions(previous, generation, now);
        boolean started = !blocked || children.hasWorkloads();
        conditions.set(Conditions.PROVISIONING_STARTED, started,
                started ? Conditions.REASON_PROVISIONING_STARTED : problems.get(0).reason(),
                started ? "The operator started provisioning the FerretDB" : "Provisioning has not started: "
                        + messages(problems));
        boolean replicasReady = serversReady && backendReady;
        Optional<String> backendCannotRun = children.backendMemberCannotRun();
        if (!replicasReady && backendCannotRun.isPresent()) {
            conditions.set(Conditions.REPLICA_READY, false, Conditions.REASON_MEMBER_CANNOT_RUN,
                    "backend Postgres: " + backendCannotRun.get());
        } else {
            conditions.set(Conditions.REPLICA_READY, replicasReady,
                    replicasReady ? Conditions.REASON_ALL_REPLICAS_READY : Conditions.REASON_SOME_REPLICAS_NOT_READY,
                    replicas);
        }
        conditions.set(Conditions.ACCEPTING_CONNECTION, accepting,
                accepting ? Conditions.REASON_ACCEPTING : Conditions.REASON_NOT_ACCEPTING,
                accepting ? "A primary server is ready and the backend has a serving primary"
                        : "No ready primary server with a serving backend: " + replicas);
        ready(conditions, phase, problems, replicas);
        conditions.set(Conditions.PROVISIONED, provisioned,
                provisioned ? Conditions.REASON_PROVISIONED : Conditions.REASON_NOT_YET_PROVISIONED,
                provisioned ? "The FerretDB has been ready at least once" : "The FerretDB has not been ready yet");

        // the backend judges WAL archiving; the FerretDB shows its judgement under the same type
        children.backendCondition(org.ferretdboperator.postgres.WalArchivingCondition.TYPE).ifPresentOrElse(
                c -> conditions.set(c.getType(), c.getStatus(), c.getReason(), "backend Postgres: " + c.getMessage()),
                () -> conditions.remove(org.ferretdboperator.postgres.WalArchivingCondition.TYPE));

        FerretDBStatus status = new FerretDBStatus();
        status.setPhase(phase);
        status.setObservedGeneration(generation);
        status.setConditions(conditions.list());
        return status;
    }

    private static void ready(Conditions conditions, Phase phase, List<Problem> problems, String replicas) {
        if (!problems.isEmpty()) {
            conditions.set(Conditions.READY, false, problems.get(0).reason(), messages(problems));
        } else if (phase == Phase.HALTED) {
            conditions.set(Conditions.READY, false, Conditions.REASON_HALTED,
                    "spec.halted is true: the servers and the backend are stopped and all data is kept");
        } else {
            boolean ready = phase == Phase.READY;
            conditions.set(Conditions.READY, ready,
                    ready ? Conditions.REASON_READINESS_SUCCEEDED : Conditions.REASON_READINESS_FAILED, replicas);
        }
    }

    static String messages(List<Problem> problems) {
        return problems.stream().map(Problem::message).collect(Collectors.joining("; "));
    }
}
