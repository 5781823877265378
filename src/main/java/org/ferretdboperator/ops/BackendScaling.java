package org.ferretdboperator.ops;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ops.PostgresOpsRequest;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.contract.MemberCount;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.ferretdb.BackendPostgresBuilder;
import org.ferretdboperator.postgres.PostgresSpecs;
import org.ferretdboperator.status.EventRecorder;
import org.ferretdboperator.support.Names;

/**
 * Carries out a PostgresOpsRequest {@code HorizontalScaling}: observes the Lease, the StatefulSet and the member pods,
 * asks {@link HorizontalScale} for the next step and takes it, with an Event on the Postgres for each step.
 */
final class BackendScaling {

    private final KubernetesClient client;
    private final EventRecorder events;

    BackendScaling(KubernetesClient client) {
        this.client = client;
        this.events = new EventRecorder(client);
    }

    /** What the fields ask that cannot be honoured, starting with the field. */
    static Optional<String> problem(PostgresOpsRequest request, Postgres postgres) {
        var spec = request.getSpec().getHorizontalScaling();
        return HorizontalScale.problem(spec == null ? null : spec.getReplicas(), spec == null ? null : spec.getStandbyMode(),
                spec == null ? null : spec.getStreamingMode(), postgres.getMetadata().getName(), PostgresSpecs.halted(postgres));
    }

    Duration step(PostgresOpsRequest request, Postgres postgres, OpsStatus status, boolean pastDeadline) {
        String namespace = postgres.getMetadata().getNamespace();
        String name = postgres.getMetadata().getName();
        String uid = request.getMetadata().getUid();
        String requestName = "PostgresOpsRequest " + request.getMetadata().getName() + ": ";
        int target = request.getSpec().getHorizontalScaling().getReplicas();
        int specReplicas = PostgresSpecs.replicas(postgres);
        LeaseSwitchover switchover = new LeaseSwitchover(client);
        LeaseMemberCount memberCount = new LeaseMemberCount(client);
        // one reading of the Lease for every fact taken from it (see LeaseSwitchover.Reading)
        Lease lease = LeaseSwitchover.lease(client, namespace, name);
        Map<String, String> annotations = lease == null ? Map.of() : lease.getMetadata().getAnnotations();
        LeaseSwitchover.Reading reading = LeaseSwitchover.Reading.of(lease);
        Optional<String> holder = reading.holder();
        Optional<SwitchoverRequest> ownSwitchover = reading.own(uid);
        boolean switchoverPending = ownSwitchover.map(r -> reading.progress(r) == LeaseSwitchover.Progress.WAITING)
                .orElse(false);
        Set<String> recordedSync = LeaseAnnotations.decode(annotations).syncMembers();
        List<String> memberNames = new ArrayList<>();
        for (int i = 0; i < Math.max(target, specReplicas); i++) {
            memberNames.add(Names.pod(name, i));
        }
        Phase phase = postgres.getStatus() == null ? null : postgres.getStatus().getPhase();
        HorizontalScale.Next next = HorizontalScale.next(new HorizontalScale.Facts(name, uid, target, specReplicas,
                MemberCount.decode(annotations), holder, recordedSync, ownSwitchover, switchoverPending,
                RestartPods.observe(client, namespace, memberNames), memberNames, rolledOut(namespace, name, specReplicas),
                phase == Phase.READY, pastDeadline));
        if (!(next instanceof HorizontalScale.HandOver) && ownSwitchover.isPresent() && !switchoverPending) {
            // a handover that happened (or went stale): its request must not move the primary later
            switchover.clearIfOwn(namespace, name, uid);
        }
        return switch (next) {
            case HorizontalScale.Announce a -> {
                memberCount.announce(namespace, name, a.count());
                status.step("MemberCountAnnounced", "AnnouncedOnLease", "announced " + a.count().replicas()
                        + " members on the Lease for the coordinators");
                events.normal(postgres, "MemberCountAnnounced", requestName + "announced " + a.count().replicas()
                        + " members on the Lease");
                status.progressing("announced " + a.count().replicas() + " members to the coordinators");
                yield PostgresOpsRequestReconciler.STEP_RECHECK;
            }
            case HorizontalScale.HandOver h -> {
                switchover.request(namespace, name, uid, h.target()).ifPresent(r -> {
                    status.step(OpsStatus.SWITCHOVER_REQUESTED, "RequestedOnLease", "asked " + r.from() + " (Lease term "
                            + r.term() + ") to hand over to " + h.target() + " before it is removed");
                    events.normal(postgres, "SwitchoverRequested", requestName + "asked " + r.from() + " to hand over to "
                            + h.target() + " before it is removed");
                });
                status.progressing("the primary hands over to " + h.target() + " before it is removed");
                yield PostgresOpsRequestReconciler.STEP_RECHECK;
            }
            case HorizontalScale.SetReplicas s -> {
                String where = setReplicas(postgres, s.replicas());
                status.step("ReplicasSet", "ReplicasSet", "set " + where + " to " + s.replicas());
                events.normal(postgres, "ReplicasSet", requestName + "set " + where + " to " + s.replicas());
                status.progressing("set " + where + " to " + s.replicas() + "; waiting for the StatefulSet");
                yield PostgresOpsRequestReconciler.STEP_RECHECK;
            }
            case HorizontalScale.Wait w -> {
                status.progressing(w.why());
                yield PostgresOpsRequestReconciler.STEP_RECHECK;
            }
            case HorizontalScale.Done d -> {
                memberCount.withdrawIfOwn(namespace, name, uid);
                switchover.clearIfOwn(namespace, name, uid);
                status.successful(d.message());
                events.normal(postgres, "HorizontalScaling", requestName + d.message());
                yield null;
            }
            case HorizontalScale.Fail f -> {
                // withdrawn before the status says Failed; the StatefulSet keeps whatever replicas were set
                memberCount.withdrawIfOwn(namespace, name, uid);
                switchover.clearIfOwn(namespace, name, uid);
                status.failed(OpsStatus.REASON_TIMEOUT_OR_FAILED, f.message());
                events.warning(postgres, "HorizontalScalingFailed", requestName + f.message());
                yield null;
            }
        };
    }

    /** Every pod of the StatefulSet's current template runs and is ready, {@code replicas} of them. */
    private boolean rolledOut(String namespace, String name, int replicas) {
        StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(Names.primaryService(name)).get();
        if (sts == null || sts.getStatus() == null || sts.getSpec().getReplicas() == null) {
            return false;
        }
        var s = sts.getStatus();
        return sts.getSpec().getReplicas() == replicas
                && s.getObservedGeneration() != null && s.getObservedGeneration() >= sts.getMetadata().getGeneration()
                && Objects.equals(s.getReplicas(), replicas) && Objects.equals(s.getReadyReplicas(), replicas)
                && Objects.equals(s.getUpdatedReplicas(), replicas)
                && Objects.equals(s.getCurrentRevision(), s.getUpdateRevision());
    }

    /**
     * Sets the member count where it is kept: on the FerretDB that owns this Postgres as its backend (its reconciler
     * would set the Postgres back otherwise), else on the Postgres. Returns the field it set.
     */
    private String setReplicas(Postgres postgres, int replicas) {
        String namespace = postgres.getMetadata().getNamespace();
        Optional<String> owner = BackendPostgresBuilder.owningFerretDB(postgres);
        if (owner.isPresent()) {
            client.resources(FerretDB.class).inNamespace(namespace).withName(owner.get())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(
                            Map.of("spec", Map.of("backend", Map.of("replicas", replicas)))));
            return "FerretDB " + owner.get() + " spec.backend.replicas";
        }
        client.resources(Postgres.class).inNamespace(namespace).withName(postgres.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", Map.of("replicas", replicas))));
        return "Postgres " + postgres.getMetadata().getName() + " spec.replicas";
    }
}
