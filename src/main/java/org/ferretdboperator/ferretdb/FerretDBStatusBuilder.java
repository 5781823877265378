package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.FerretDBStatus;

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
        List<Condition> previous = ferretdb.getStatus() == null ? List.of() : ferretdb.getStatus().getConditions();
        Long generation = ferretdb.getMetadata().getGeneration();
        boolean halted = FerretDBDefaults.halted(ferretdb);
        boolean blocked = !problems.isEmpty();

        int wantPrimary = ServerGroup.PRIMARY.desiredReplicas(ferretdb);
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
        boolean provisioned = FerretDBConditions.isTrue(previous, FerretDBConditions.PROVISIONED)
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
                + (wantSecondary > 0 ? ", secondary servers " + readySecondary + "/" + wantSecondary + " ready" : "")
                + ", backend Postgres " + (backendPhase == null ? "has no status yet" : "is " + phaseName(backendPhase));

        List<Condition> conditions = new ArrayList<>();
        boolean started = !blocked || children.hasWorkloads();
        conditions.add(FerretDBConditions.make(previous, FerretDBConditions.PROVISIONING_STARTED, started,
                started ? "DatabaseProvisioningStartedSuccessfully" : problems.get(0).reason(),
                started ? "The operator started provisioning the FerretDB" : "Provisioning has not started: "
                        + messages(problems), generation, now));
        conditions.add(FerretDBConditions.make(previous, FerretDBConditions.REPLICA_READY,
                serversReady && backendReady, serversReady && backendReady ? "AllReplicasReady" : "SomeReplicasNotReady",
                replicas, generation, now));
        conditions.add(FerretDBConditions.make(previous, FerretDBConditions.ACCEPTING_CONNECTION, accepting,
                accepting ? "DatabaseAcceptingConnectionRequest" : "DatabaseNotAcceptingConnectionRequest",
                accepting ? "A primary server is ready and the backend has a serving primary"
                        : "No ready primary server with a serving backend: " + replicas, generation, now));
        conditions.add(ready(previous, phase, problems, replicas, generation, now));
        conditions.add(FerretDBConditions.make(previous, FerretDBConditions.PROVISIONED, provisioned,
                provisioned ? "DatabaseSuccessfullyProvisioned" : "NotYetProvisioned",
                provisioned ? "The FerretDB has been ready at least once" : "The FerretDB has not been ready yet",
                generation, now));

        FerretDBStatus status = new FerretDBStatus();
        status.setPhase(phase);
        status.setObservedGeneration(generation);
        status.setConditions(conditions);
        return status;
    }

    private static Condition ready(List<Condition> previous, Phase phase, List<Problem> problems, String replicas,
            Long generation, Instant now) {
        if (!problems.isEmpty()) {
            return FerretDBConditions.make(previous, FerretDBConditions.READY, false, problems.get(0).reason(),
                    messages(problems), generation, now);
        }
        if (phase == Phase.HALTED) {
            return FerretDBConditions.make(previous, FerretDBConditions.READY, false, "Halted",
                    "spec.halted is true: the servers and the backend are stopped and all data is kept",
                    generation, now);
        }
        boolean ready = phase == Phase.READY;
        return FerretDBConditions.make(previous, FerretDBConditions.READY, ready,
                ready ? "ReadinessCheckSucceeded" : "ReadinessCheckFailed", replicas, generation, now);
    }

    static String messages(List<Problem> problems) {
        return problems.stream().map(Problem::message).collect(Collectors.joining("; "));
    }

    private static String phaseName(Phase phase) {
        return switch (phase) {
            case PROVISIONING -> "Provisioning";
            case READY -> "Ready";
            case CRITICAL -> "Critical";
            case NOT_READY -> "NotReady";
            case HALTED -> "Halted";
        };
    }
}
