package org.ferretdboperator.ops;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ops.FerretDBOpsRequest;
import org.ferretdboperator.api.ops.FerretDBOpsRequestSpec;
import org.ferretdboperator.api.ops.FerretDBOpsRequestType;
import org.ferretdboperator.api.ops.OpsRequestPhase;
import org.ferretdboperator.status.EventRecorder;
import org.ferretdboperator.status.StatusWriter;
import org.ferretdboperator.support.Names;

/**
 * Carries out FerretDBOpsRequests one at a time per FerretDB object, admitted by {@link OpsAdmission}.
 * {@code Restart} restarts the FerretDB server pods (primary servers, then secondary servers) one at a time, each
 * Ready before the next ({@link RollingRestart}); the backend is restarted by a PostgresOpsRequest. Every other type
 * fails at once with a condition saying it is not supported yet.
 */
@ControllerConfiguration(name = "ferretdbopsrequest")
public class FerretDBOpsRequestReconciler implements Reconciler<FerretDBOpsRequest> {

    static final List<String> SUPPORTED = List.of(FerretDBOpsRequestType.RESTART.displayName());

    @Override
    public UpdateControl<FerretDBOpsRequest> reconcile(FerretDBOpsRequest request, Context<FerretDBOpsRequest> context) {
        OpsRequestPhase phase = request.getStatus() == null ? null : request.getStatus().getPhase();
        if (phase != null && phase.finished()) {
            return UpdateControl.noUpdate();
        }
        OpsStatus status = new OpsStatus(request.getStatus(), request.getMetadata().getGeneration(), Instant.now());
        Duration recheck = step(request, context, status);
        StatusWriter.writeIfChanged(request, status.build(), context, FerretDBOpsRequest::new);
        return recheck == null ? UpdateControl.noUpdate() : UpdateControl.<FerretDBOpsRequest>noUpdate().rescheduleAfter(recheck);
    }

    private Duration step(FerretDBOpsRequest request, Context<FerretDBOpsRequest> context, OpsStatus status) {
        FerretDBOpsRequestSpec spec = request.getSpec();
        String namespace = request.getMetadata().getNamespace();
        String name = spec.getDatabaseRef().getName();
        KubernetesClient client = context.getClient();
        FerretDB ferretdb = client.resources(FerretDB.class).inNamespace(namespace).withName(name).get();
        Phase dbPhase = ferretdb == null || ferretdb.getStatus() == null ? null : ferretdb.getStatus().getPhase();
        OpsAdmission.Verdict verdict = OpsAdmission.judge(new OpsAdmission.Facts("FerretDBOpsRequest", "FerretDB",
                request.getMetadata().getName(), namespace, spec, spec.getType().displayName(), SUPPORTED, Optional.empty(),
                ferretdb != null, dbPhase, status.phase(), OpsQueue.entries(context.getPrimaryCache()
                        .list(namespace).filter(r -> OpsQueue.sameDatabase(r.getSpec(), name)))));
        Optional<Duration> admitted = OpsAdmission.record(verdict, status);
        if (admitted.isEmpty()) {
            return status.phase() == OpsRequestPhase.PENDING ? PostgresOpsRequestReconciler.PENDING_RECHECK : null;
        }
        Duration timeout = admitted.get();
        EventRecorder events = new EventRecorder(client);
        if (status.phase() != OpsRequestPhase.PROGRESSING) {
            status.progressing("Restart of FerretDB " + name + " started");
            events.normal(ferretdb, "OpsRequestStarted", "FerretDBOpsRequest " + request.getMetadata().getName()
                    + ": Restart started");
        }
        boolean pastDeadline = OpsStatus.deadline(request.getStatus(), timeout).map(Instant.now()::isAfter).orElse(false);
        List<String> servers = servers(client, namespace, name);
        RollingRestart.Next next = RollingRestart.servers(request.getMetadata().getCreationTimestamp(), servers,
                RestartPods.observe(client, namespace, servers));
        if (pastDeadline && !(next instanceof RollingRestart.Done)) {
            String message = "the rolling restart did not finish before the timeout (" + next + ")";
            status.failed(OpsStatus.REASON_TIMEOUT_OR_FAILED, message);
            events.warning(ferretdb, "RestartFailed", "FerretDBOpsRequest " + request.getMetadata().getName() + ": " + message);
            return null;
        }
        return switch (next) {
            case RollingRestart.Evict d -> {
                // an eviction honours the PodDisruptionBudget: refused (false) while it allows no disruption
                if (!client.pods().inNamespace(namespace).withName(d.pod()).evict()) {
                    status.progressing("waiting for the PodDisruptionBudget to allow evicting " + d.pod());
                    yield PostgresOpsRequestReconciler.STEP_RECHECK;
                }
                status.step("RestartPod--" + d.pod(), "PodEvicted", "evicted " + d.pod() + "; waiting for it to be Ready");
                status.progressing("restarting " + d.pod());
                yield PostgresOpsRequestReconciler.STEP_RECHECK;
            }
            case RollingRestart.Wait w -> {
                status.progressing(w.why());
                yield PostgresOpsRequestReconciler.STEP_RECHECK;
            }
            case RollingRestart.HandOver h -> throw new IllegalStateException("FerretDB servers have no primary to hand over");
            case RollingRestart.Done d -> {
                status.successful(d.message());
                events.normal(ferretdb, "Restart", "FerretDBOpsRequest " + request.getMetadata().getName() + ": " + d.message());
                yield null;
            }
        };
    }

    /** The server pods as their StatefulSets ask for them: primary servers first, then secondary servers. */
    private static List<String> servers(KubernetesClient client, String namespace, String ferretdb) {
        List<String> pods = new ArrayList<>();
        for (String sts : List.of(Names.primaryServers(ferretdb), Names.secondaryServers(ferretdb))) {
            StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(sts).get();
            int replicas = set == null || set.getSpec().getReplicas() == null ? 0 : set.getSpec().getReplicas();
            for (int i = 0; i < replicas; i++) {
                pods.add(Names.pod(sts, i));
            }
        }
        return pods;
    }
}
