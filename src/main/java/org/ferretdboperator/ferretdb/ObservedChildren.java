package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.status.Conditions;

/** The children whose state the FerretDB's status is computed from, as the informers last saw them. */
public record ObservedChildren(Optional<Postgres> backend, Optional<StatefulSet> primaryServers,
        Optional<StatefulSet> secondaryServers) {

    public static ObservedChildren from(FerretDB ferretdb, Context<FerretDB> context) {
        Set<StatefulSet> statefulSets = context.getSecondaryResources(StatefulSet.class);
        return new ObservedChildren(
                context.getSecondaryResource(Postgres.class),
                named(statefulSets, ServerGroup.PRIMARY.statefulSetName(ferretdb)),
                named(statefulSets, ServerGroup.SECONDARY.statefulSetName(ferretdb)));
    }

    private static Optional<StatefulSet> named(Set<StatefulSet> statefulSets, String name) {
        return statefulSets.stream().filter(s -> name.equals(s.getMetadata().getName())).findFirst();
    }

    /** The backend's own ReplicaReady condition when a member cannot run at all (an image without DocumentDB, say). */
    public Optional<String> backendMemberCannotRun() {
        return backend.map(Postgres::getStatus).map(status -> status.getConditions()).stream()
                .flatMap(java.util.List::stream)
                .filter(c -> Conditions.REPLICA_READY.equals(c.getType())
                        && Conditions.REASON_MEMBER_CANNOT_RUN.equals(c.getReason()))
                .map(c -> c.getMessage()).findFirst();
    }

    /** One of the backend Postgres's conditions, as it is. */
    public Optional<io.fabric8.kubernetes.api.model.Condition> backendCondition(String type) {
        return backend.map(Postgres::getStatus).map(status -> status.getConditions()).stream()
                .flatMap(java.util.List::stream)
                .filter(c -> type.equals(c.getType()))
                .findFirst();
    }

    public Optional<Phase> backendPhase() {
        return backend.map(Postgres::getStatus).map(status -> status.getPhase());
    }

    public int readyReplicas(ServerGroup group) {
        Optional<StatefulSet> statefulSet = group == ServerGroup.PRIMARY ? primaryServers : secondaryServers;
        return statefulSet.map(StatefulSet::getStatus).map(status -> status.getReadyReplicas()).orElse(0);
    }

    public boolean hasWorkloads() {
        return primaryServers.isPresent() || backend.isPresent();
    }
}
