package org.ferretdboperator.ops;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ops.ApplyOption;
import org.ferretdboperator.api.ops.OpsRequestPhase;
import org.ferretdboperator.api.ops.PostgresOpsRequest;
import org.ferretdboperator.api.ops.PostgresOpsRequestSpec;
import org.ferretdboperator.api.ops.PostgresOpsRequestType;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.postgres.PostgresSpecs;
import org.ferretdboperator.status.Conditions;
import org.ferretdboperator.status.EventRecorder;
import org.ferretdboperator.status.StatusWriter;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * Carries out PostgresOpsRequests one at a time per Postgres object, admitted by {@link OpsAdmission}.
 * {@code Switchover} asks the Lease holder to hand over ({@link LeaseSwitchover}, judged by {@link SwitchoverStep});
 * {@code Restart} deletes the members' pods one at a time, standbys first, the primary after it handed over
 * ({@link RollingRestart}); {@code HorizontalScaling} changes the member count with the synchronous set kept valid
 * ({@link BackendScaling}, judged by {@link HorizontalScale}); {@code ForceFailOver} asks the coordinators for a forced
 * failover while the election is blocked ({@link ForceFailOver}); every other type fails at once with a condition
 * saying it is not supported yet, and changes nothing.
 */
@ControllerConfiguration(name = "postgresopsrequest")
public class PostgresOpsRequestReconciler implements Reconciler<PostgresOpsRequest> {

    static final Duration PENDING_RECHECK = Duration.ofSeconds(5);
    static final Duration STEP_RECHECK = Duration.ofSeconds(1);

    /** The types carried out here, as KubeDB spells them; every other type is refused by {@link OpsAdmission}. */
    static final List<String> SUPPORTED = List.of(PostgresOpsRequestType.SWITCHOVER.displayName(),
            PostgresOpsRequestType.RESTART.displayName(), PostgresOpsRequestType.HORIZONTAL_SCALING.displayName(),
            PostgresOpsRequestType.FORCE_FAIL_OVER.displayName());

    @Override
    public UpdateControl<PostgresOpsRequest> reconcile(PostgresOpsRequest request, Context<PostgresOpsRequest> context) {
        KubernetesClient client = context.getClient();
        String namespace = request.getMetadata().getNamespace();
        PostgresOpsRequestSpec spec = request.getSpec();
        String postgresName = spec.getDatabaseRef().getName();
        LeaseSwitchover lease = new LeaseSwitchover(client);
        OpsRequestPhase phase = request.getStatus() == null ? null : request.getStatus().getPhase();
        if (phase != null && phase.finished()) {
            clearOwnRequest(lease, namespace, postgresName, request);
            if (spec.getType() == PostgresOpsRequestType.FORCE_FAIL_OVER) {
                ForceFailOver.clear(client, namespace, postgresName, request.getMetadata().getUid());
            }
            return UpdateControl.noUpdate();
        }
        OpsStatus status = new OpsStatus(request.getStatus(), request.getMetadata().getGeneration(), Instant.now());
        Postgres postgres = client.resources(Postgres.class).inNamespace(namespace).withName(postgresName).get();
        Duration recheck = step(request, context, lease, postgres, status);
        write(request, status, context, postgres);
        return recheck == null ? UpdateControl.noUpdate() : UpdateControl.<PostgresOpsRequest>noUpdate().rescheduleAfter(recheck);
    }

    /** Fills {@code status}; returns when to look again, null when the request has finished. */
    private Duration step(PostgresOpsRequest request, Context<PostgresOpsRequest> context, LeaseSwitchover lease,
            Postgres postgres, OpsStatus status) {
        PostgresOpsRequestSpec spec = request.getSpec();
        String postgresName = spec.getDatabaseRef().getName();
        String namespace = request.getMetadata().getNamespace();
        if (postgres != null && spec.getType() == PostgresOpsRequestType.FORCE_FAIL_OVER
                && spec.getApply() != ApplyOption.ALWAYS) {
            // needs apply: Always whatever state the database is in (it is never Ready when this is needed): its own
            // refusal names spec.apply and says why, before the generic readiness rule of apply: IfReady
            return ForceFailOver.step(request, context.getClient(), postgres, status, Duration.ZERO);
        }
        Phase dbPhase = postgres == null || postgres.getStatus() == null ? null : postgres.getStatus().getPhase();
        Optional<String> typeProblem = postgres != null && spec.getType() == PostgresOpsRequestType.HORIZONTAL_SCALING
                ? BackendScaling.problem(request, postgres) : Optional.empty();
        OpsAdmission.Verdict verdict = OpsAdmission.judge(new OpsAdmission.Facts("PostgresOpsRequest", "Postgres",
                request.getMetadata().getName(), namespace, spec, spec.getType().displayName(), SUPPORTED, typeProblem,
                postgres != null, dbPhase, status.phase(), OpsQueue.entries(context.getPrimaryCache()
                        .list(namespace).filter(r -> OpsQueue.sameDatabase(r.getSpec(), postgresName)))));
        Optional<Duration> admitted = OpsAdmission.record(verdict, status);
        if (admitted.isEmpty()) {
            return status.phase() == OpsRequestPhase.PENDING ? PENDING_RECHECK : null;
        }
        Duration timeout = admitted.get();
        if (spec.getType() == PostgresOpsRequestType.FORCE_FAIL_OVER) {
            // its own admission besides: apply: Always only, and only while the election is blocked
            return ForceFailOver.step(request, context.getClient(), postgres, status, timeout);
        }
        if (status.phase() != OpsRequestPhase.PROGRESSING) {
            status.progressing(spec.getType().displayName() + " of Postgres " + postgresName + " started");
            new EventRecorder(context.getClient()).normal(postgres, "OpsRequestStarted", "PostgresOpsRequest "
                    + request.getMetadata().getName() + ": " + spec.getType().displayName() + " started");
        }
        boolean pastDeadline = OpsStatus.deadline(request.getStatus(), timeout).map(Instant.now()::isAfter).orElse(false);
        return switch (spec.getType()) {
            case RESTART -> restart(request, context, lease, postgres, status, pastDeadline);
            case SWITCHOVER -> switchover(request, context, lease, postgres, status, pastDeadline);
            case HORIZONTAL_SCALING -> new BackendScaling(context.getClient()).step(request, postgres, status, pastDeadline);
            default -> throw new IllegalStateException("OpsAdmission admitted " + spec.getType().displayName());
        };
    }

    private Duration restart(PostgresOpsRequest request, Context<PostgresOpsRequest> context, LeaseSwitchover lease,
            Postgres postgres, OpsStatus status, boolean pastDeadline) {
        String namespace = request.getMetadata().getNamespace();
        String postgresName = postgres.getMetadata().getName();
        String uid = request.getMetadata().getUid();
        List<String> members = members(postgres);
        List<RollingRestart.PodView> pods = RestartPods.observe(context.getClient(), namespace, members);
        RollingRestart.Next next = RollingRestart.backend(request.getMetadata().getCreationTimestamp(), members, pods);
        EventRecorder events = new EventRecorder(context.getClient());
        if (pastDeadline && !(next instanceof RollingRestart.Done)) {
            lease.clearIfOwn(namespace, postgresName, uid);
            String message = "the rolling restart did not finish before the timeout: " + describe(next);
            status.failed(OpsStatus.REASON_TIMEOUT_OR_FAILED, message);
            events.warning(postgres, "RestartFailed", "PostgresOpsRequest " + request.getMetadata().getName() + ": " + message);
            return null;
        }
        return switch (next) {
            case RollingRestart.Evict d -> {
                // an eviction honours the PodDisruptionBudget: refused (false) while it allows no disruption
                if (!context.getClient().pods().inNamespace(namespace).withName(d.pod()).evict()) {
                    status.progressing("waiting for the PodDisruptionBudget to allow evicting " + d.pod());
                    yield STEP_RECHECK;
                }
                status.step("RestartPod--" + d.pod(), "PodEvicted", "evicted " + d.pod() + "; waiting for it to be back in its role");
                status.progressing("restarting " + d.pod());
                yield STEP_RECHECK;
            }
            case RollingRestart.HandOver h -> {
                LeaseSwitchover.Reading now = lease.read(namespace, postgresName);
                if (now.own(uid).isEmpty() && now.holder().filter(h.primary()::equals).isPresent()) {
                    lease.request(namespace, postgresName, uid, null).ifPresent(r -> status.step(OpsStatus.SWITCHOVER_REQUESTED,
                            "RequestedOnLease", "asked " + r.from() + " (Lease term " + r.term()
                                    + ") to hand over before its restart"));
                }
                status.progressing("waiting for " + h.primary() + " to hand over to a standby before its restart");
                yield STEP_RECHECK;
            }
            case RollingRestart.Wait w -> {
                status.progressing(w.why());
                yield STEP_RECHECK;
            }
            case RollingRestart.Done d -> {
                lease.clearIfOwn(namespace, postgresName, uid);
                status.successful(d.message());
                events.normal(postgres, "Restart", "PostgresOpsRequest " + request.getMetadata().getName() + ": " + d.message());
                yield null;
            }
        };
    }

    private static String describe(RollingRestart.Next next) {
        return switch (next) {
            case RollingRestart.Evict d -> d.pod() + " was still to be restarted";
            case RollingRestart.HandOver h -> h.primary() + " did not hand over (no eligible standby?)";
            case RollingRestart.Wait w -> w.why();
            case RollingRestart.Done d -> d.message();
        };
    }

    private static List<String> members(Postgres postgres) {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < PostgresSpecs.replicas(postgres); i++) {
            members.add(Names.pod(postgres.getMetadata().getName(), i));
        }
        return members;
    }

    private Duration switchover(PostgresOpsRequest request, Context<PostgresOpsRequest> context, LeaseSwitchover lease,
            Postgres postgres, OpsStatus status, boolean pastDeadline) {
        String namespace = request.getMetadata().getNamespace();
        String postgresName = postgres.getMetadata().getName();
        String uid = request.getMetadata().getUid();
        String target = request.getSpec().getSwitchover() == null ? null : request.getSpec().getSwitchover().getTarget();
        List<String> members = members(postgres);
        LeaseSwitchover.Reading now = lease.read(namespace, postgresName);
        Optional<SwitchoverRequest> onLease = now.onLease();
        Optional<String> holder = now.holder();
        LeaseSwitchover.Progress progress = now.own(uid).map(now::progress).orElse(LeaseSwitchover.Progress.GONE);
        boolean requestedBefore = Conditions.find(status.previousConditions(), OpsStatus.SWITCHOVER_REQUESTED).isPresent();
        Map<String, String> roles = new HashMap<>();
        for (String member : members) {
            Pod pod = context.getClient().pods().inNamespace(namespace).withName(member).get();
            if (pod != null && pod.getMetadata().getLabels() != null) {
                roles.put(member, pod.getMetadata().getLabels().get(Labels.ROLE));
            }
        }
        Phase dbPhase = postgres.getStatus() == null ? null : postgres.getStatus().getPhase();
        SwitchoverStep.Next next = SwitchoverStep.next(new SwitchoverStep.Facts(postgresName, uid, target, members, holder,
                onLease, progress, requestedBefore, roles, dbPhase == null ? null : dbPhase.displayName(),
                postgres.getStatus() == null ? null : postgres.getStatus().getPrimary(), pastDeadline));
        EventRecorder events = new EventRecorder(context.getClient());
        return switch (next) {
            case SwitchoverStep.Request r -> {
                SwitchoverRequest written = lease.request(namespace, postgresName, uid, r.target()).orElse(null);
                if (written == null) {
                    yield STEP_RECHECK;
                }
                status.step(OpsStatus.SWITCHOVER_REQUESTED, "RequestedOnLease", "asked " + written.from()
                        + " (Lease term " + written.term() + ") to hand over to "
                        + (r.target() == null ? "the most advanced eligible standby" : r.target()));
                yield STEP_RECHECK;
            }
            case SwitchoverStep.Wait w -> {
                status.progressing(w.why());
                yield STEP_RECHECK;
            }
            case SwitchoverStep.Succeed s -> {
                status.successful(s.message());
                events.normal(postgres, "Switchover", "PostgresOpsRequest " + request.getMetadata().getName() + ": "
                        + s.message());
                yield null;
            }
            case SwitchoverStep.Fail f -> {
                // removed before the status says Failed: a request left on the Lease could still move the primary
                lease.clearIfOwn(namespace, postgresName, uid);
                status.failed(OpsStatus.REASON_TIMEOUT_OR_FAILED, f.message());
                events.warning(postgres, "SwitchoverFailed", "PostgresOpsRequest " + request.getMetadata().getName()
                        + ": " + f.message());
                yield null;
            }
        };
    }

    private static void clearOwnRequest(LeaseSwitchover lease, String namespace, String postgres, PostgresOpsRequest request) {
        PostgresOpsRequestType type = request.getSpec().getType();
        if (type == PostgresOpsRequestType.SWITCHOVER || type == PostgresOpsRequestType.RESTART
                || type == PostgresOpsRequestType.HORIZONTAL_SCALING) {
            lease.clearIfOwn(namespace, postgres, request.getMetadata().getUid());
        }
    }

    private void write(PostgresOpsRequest request, OpsStatus status, Context<PostgresOpsRequest> context, Postgres postgres) {
        StatusWriter.writeIfChanged(request, status.build(), context, PostgresOpsRequest::new);
        if (status.phase() == OpsRequestPhase.SUCCESSFUL) {
            // after the status says Successful; the request is stale by then (the Lease term moved), this is tidying
            clearOwnRequest(new LeaseSwitchover(context.getClient()), request.getMetadata().getNamespace(),
                    request.getSpec().getDatabaseRef().getName(), request);
        }
    }
}
