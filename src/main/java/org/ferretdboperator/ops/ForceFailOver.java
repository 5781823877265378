package org.ferretdboperator.ops;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.api.ops.ApplyOption;
import org.ferretdboperator.api.ops.ForceFailOverStatus;
import org.ferretdboperator.api.ops.OpsRequestPhase;
import org.ferretdboperator.api.ops.PostgresOpsRequest;
import org.ferretdboperator.api.ops.PostgresOpsRequestSpec;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.ForceFailoverRequest;
import org.ferretdboperator.contract.ForcedFailoverRecord;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.postgres.PostgresSpecs;
import org.ferretdboperator.status.Conditions;
import org.ferretdboperator.status.EventRecorder;
import org.ferretdboperator.support.Names;

/**
 * Carries out a {@code ForceFailOver} PostgresOpsRequest (KubeDB's type and field names): judged by
 * {@link ForceFailoverStep}, written and read through {@link LeaseForceFailover}. It is audited three ways: the promoted
 * member's record in the Lease, the request's status ({@code status.forceFailOver}) and a Warning Event on the request
 * and on the Postgres object.
 */
final class ForceFailOver {

    static final String REQUESTED = "ForceFailoverRequested";
    static final String REASON_REFUSED = "ForceFailOverRefused";
    static final Duration RECHECK = Duration.ofSeconds(1);

    private ForceFailOver() {
    }

    /** One step; returns when to look again, null when the request has finished. */
    static Duration step(PostgresOpsRequest request, KubernetesClient client, Postgres postgres, OpsStatus status,
            Duration timeout) {
        String namespace = request.getMetadata().getNamespace();
        String postgresName = postgres.getMetadata().getName();
        String uid = request.getMetadata().getUid();
        PostgresOpsRequestSpec spec = request.getSpec();
        LeaseForceFailover lease = new LeaseForceFailover(client);
        List<String> members = new ArrayList<>();
        for (int i = 0; i < PostgresSpecs.replicas(postgres); i++) {
            members.add(Names.pod(postgresName, i));
        }
        List<String> candidates = spec.getForceFailOver() == null || spec.getForceFailOver().getCandidates() == null
                ? List.of() : spec.getForceFailOver().getCandidates();
        boolean requestedBefore = Conditions.find(status.previousConditions(), REQUESTED).isPresent();
        boolean pastDeadline = status.phase() == OpsRequestPhase.PROGRESSING
                && OpsStatus.deadline(request.getStatus(), timeout).map(Instant.now()::isAfter).orElse(false);
        ForceFailoverStep.Facts facts = new ForceFailoverStep.Facts(postgresName, uid, spec.getApply() == ApplyOption.ALWAYS,
                candidates, members, ForceFailoverStep.LeaseFacts.of(lease.lease(namespace, postgresName)),
                lease.memberStates(namespace, members), requestedBefore, pastDeadline);
        EventRecorder events = new EventRecorder(client);
        String name = request.getMetadata().getName();
        return switch (ForceFailoverStep.next(facts)) {
            case ForceFailoverStep.Request r -> {
                if (status.phase() != OpsRequestPhase.PROGRESSING) {
                    status.progressing("ForceFailOver of Postgres " + postgresName + " started");
                    events.warning(postgres, "OpsRequestStarted", "PostgresOpsRequest " + name + ": ForceFailOver started "
                            + "(may lose the last acknowledged transactions)");
                }
                try {
                    ForceFailoverRequest written = lease.request(namespace, postgresName, uid, r, Instant.now());
                    status.step(REQUESTED, "RequestedOnLease", "asked the coordinators to promote the most advanced "
                            + "reachable " + (written.candidates().isEmpty() ? "member" : "member of " + written.candidates())
                            + " without proof that it holds every acknowledged commit (Lease term " + written.term() + ")");
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    // the Lease changed since it was judged blocked: judge again
                }
                yield RECHECK;
            }
            case ForceFailoverStep.Wait w -> {
                status.progressing(w.why());
                yield RECHECK;
            }
            case ForceFailoverStep.Succeed s -> {
                lease.clearIfOwn(namespace, postgresName, uid);
                status.forceFailOver(outcome(s.record()));
                status.successful(s.message());
                events.warning(request, "ForceFailOver", s.message());
                events.warning(postgres, "ForceFailOver", "PostgresOpsRequest " + name + ": " + s.message());
                yield null;
            }
            case ForceFailoverStep.Fail f -> {
                // removed before the status says Failed: a request left on the Lease could still promote a member
                lease.clearIfOwn(namespace, postgresName, uid);
                status.failed(requestedBefore ? OpsStatus.REASON_TIMEOUT_OR_FAILED : REASON_REFUSED, f.message());
                events.warning(request, "ForceFailOverFailed", f.message());
                yield null;
            }
        };
    }

    /** Leaves no request of a finished OpsRequest on the Lease. */
    static void clear(KubernetesClient client, String namespace, String postgres, String uid) {
        new LeaseForceFailover(client).clearIfOwn(namespace, postgres, uid);
    }

    static ForceFailOverStatus outcome(ForcedFailoverRecord r) {
        ForceFailOverStatus s = new ForceFailOverStatus();
        s.setPromoted(r.promoted());
        s.setPromotedLsn(Lsn.format(r.promotedLsn()));
        s.setTerm(r.term());
        s.setPreviousLeader(r.previousLeader());
        s.setPreviousLeaderLsn(Lsn.known(r.previousLeaderLsn()) ? Lsn.format(r.previousLeaderLsn()) : null);
        s.setLostBytesAtLeast(r.lostBytesAtLeast().isPresent() ? r.lostBytesAtLeast().getAsLong() : null);
        return s;
    }
}
