package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresStatus;
import org.ferretdboperator.status.Conditions;
import org.ferretdboperator.status.EventRecorder;
import org.ferretdboperator.status.Problem;
import org.ferretdboperator.status.StatusWriter;
import org.ferretdboperator.support.Labels;

/**
 * Reconciles Postgres objects: checks what only it can check (the user's Secrets), then runs the workflow of
 * dependents (one class per owned object) and reports the status the pods show. With an invalid spec it creates and
 * changes nothing and says why in a condition and an event. Deletion follows spec.deletionPolicy
 * ({@link PostgresDeletion}).
 */
@ControllerConfiguration(name = "postgres")
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = "auth-secret", type = PostgresAuthSecretDependent.class,
                reconcilePrecondition = PostgresAuthSecretDependent.Generated.class),
        @Dependent(name = "replication-secret", type = PostgresReplicationSecretDependent.class),
        @Dependent(name = "ca-secret", type = PostgresCaSecretDependent.class,
                reconcilePrecondition = PostgresCaSecretDependent.TlsManaged.class),
        @Dependent(name = "server-cert-secret", type = PostgresServerCertSecretDependent.class,
                reconcilePrecondition = PostgresCaSecretDependent.TlsManaged.class, dependsOn = "ca-secret"),
        @Dependent(name = "coordinator-service-account", type = CoordinatorServiceAccountDependent.class),
        @Dependent(name = "coordinator-role", type = CoordinatorRoleDependent.class),
        @Dependent(name = "coordinator-role-binding", type = CoordinatorRoleBindingDependent.class,
                dependsOn = { "coordinator-service-account", "coordinator-role" }),
        @Dependent(name = "lease", type = LeaseDependent.class),
        @Dependent(name = "runner-config-map", type = RunnerConfigMapDependent.class),
        @Dependent(name = "statefulset", type = PostgresStatefulSetDependent.class,
                dependsOn = { "replication-secret", "coordinator-role-binding", "lease", "runner-config-map" }),
        @Dependent(name = "primary-service", type = PostgresPrimaryServiceDependent.class),
        @Dependent(name = "standby-service", type = PostgresStandbyServiceDependent.class),
        @Dependent(name = "governing-service", type = PostgresGoverningServiceDependent.class),
        @Dependent(name = "pod-disruption-budget", type = PostgresPodDisruptionBudgetDependent.class,
                reconcilePrecondition = PostgresPodDisruptionBudgetDependent.SeveralMembers.class),
})
// Beyond what the dependents need: the pod and user-Secret informers, the Cleaner's deletions, events, and the
// permissions the coordinators' Role grants (RBAC lets the operator grant only what it holds itself).
@RBACRule(apiGroups = "", resources = "pods", verbs = { "get", "list", "watch", "patch" })
// patch: with Server-Side Apply, JOSDK creates the create-only dependents (Secrets, Lease) by an apply PATCH.
@RBACRule(apiGroups = "", resources = "secrets", verbs = { "get", "list", "watch", "create", "patch", "delete" })
@RBACRule(apiGroups = "", resources = "persistentvolumeclaims", verbs = { "get", "list", "delete" })
@RBACRule(apiGroups = "", resources = "events", verbs = { "get", "create", "patch" })
@RBACRule(apiGroups = "coordination.k8s.io", resources = "leases",
        verbs = { "get", "list", "watch", "create", "update", "patch", "delete" })
@RBACRule(apiGroups = { "", "apps", "policy", "rbac.authorization.k8s.io" },
        resources = { "services", "configmaps", "serviceaccounts", "statefulsets", "poddisruptionbudgets", "roles",
                "rolebindings" },
        verbs = "delete")
public class PostgresReconciler implements Reconciler<Postgres>, Cleaner<Postgres> {

    static final String PODS_EVENT_SOURCE = "postgres-pods";
    private static final int MAX_MESSAGE = 1024;

    @Override
    public List<EventSource<?, Postgres>> prepareEventSources(EventSourceContext<Postgres> context) {
        // Pods belong to the StatefulSet, not to us: map them by their instance label. Their readiness and role label
        // changes drive the status.
        InformerEventSource<Pod, Postgres> pods = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, Postgres.class)
                        .withName(PODS_EVENT_SOURCE)
                        .withLabelSelector(Labels.POSTGRES_OWNED_SELECTOR)
                        .withSecondaryToPrimaryMapper(pod -> Optional.ofNullable(pod.getMetadata().getLabels().get(Labels.INSTANCE))
                                .map(instance -> Set.of(new ResourceID(instance, pod.getMetadata().getNamespace())))
                                .orElse(Set.of()))
                        .build(),
                context);
        return List.of(pods, ReferencedSecrets.eventSource(context));
    }

    @Override
    public UpdateControl<Postgres> reconcile(Postgres pg, Context<Postgres> context) {
        org.ferretdboperator.support.FirstReconcile.mark(pg);
        String namespace = pg.getMetadata().getNamespace();
        List<Problem> problems = PostgresSpecValidator.validate(pg,
                secret -> ReferencedSecrets.lookup(context, namespace, secret));
        if (problems.isEmpty()) {
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        }
        Optional<StatefulSet> statefulSet = context.getSecondaryResource(StatefulSet.class);
        Set<Pod> pods = context.getSecondaryResources(Pod.class);
        PostgresStatus status = PostgresStatusBuilder.build(pg, statefulSet, pods, problems, Instant.now());
        announce(pg, status, new EventRecorder(context.getClient()));
        UpdateControl<Postgres> control = UpdateControl.noUpdate();
        return StatusWriter.writeIfChanged(pg, status, context, Postgres::new) == StatusWriter.Outcome.WRITTEN_SPEC_CHANGED
                ? control.reschedule() : control;
    }

    /**
     * A failed reconciliation (e.g. the API server rejected a field of spec.podTemplate) is reported as
     * {@code Synced=False} with the API server's message, which names the field; retries continue with back-off.
     */
    @Override
    public ErrorStatusUpdateControl<Postgres> updateErrorStatus(Postgres pg, Context<Postgres> context, Exception e) {
        String message = failureMessage(e);
        new EventRecorder(context.getClient()).warning(pg, Conditions.REASON_RECONCILE_FAILED, message);
        StatusWriter.writeIfChanged(pg, PostgresStatusBuilder.failed(pg, message, Instant.now()), context, Postgres::new);
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    static String failureMessage(Exception e) {
        String message;
        if (e instanceof AggregatedOperatorException aggregated && !aggregated.getAggregatedExceptions().isEmpty()) {
            message = aggregated.getAggregatedExceptions().entrySet().stream()
                    .map(entry -> entry.getKey() + ": " + rootMessage(entry.getValue()))
                    .collect(Collectors.joining("; "));
        } else {
            message = rootMessage(e);
        }
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
    }

    private static String rootMessage(Throwable e) {
        // The API server's own message names the object and field; fabric8's wraps it in the request and the full Status.
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException kce && kce.getStatus() != null && kce.getStatus().getMessage() != null) {
                return kce.getStatus().getMessage();
            }
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public DeleteControl cleanup(Postgres pg, Context<Postgres> context) {
        return new PostgresDeletion(context).cleanup(pg);
    }

    /** Events on transitions only: a spec problem that is new or changed, and each phase change. */
    private static void announce(Postgres pg, PostgresStatus status, EventRecorder events) {
        PostgresStatus previous = pg.getStatus();
        Optional<String> oldInvalid = previous == null ? Optional.empty()
                : Conditions.messageWhen(previous.getConditions(), Conditions.VALID, Conditions.FALSE);
        Conditions.messageWhen(status.getConditions(), Conditions.VALID, Conditions.FALSE)
                .filter(newInvalid -> !oldInvalid.equals(Optional.of(newInvalid)))
                .ifPresent(newInvalid -> events.warning(pg, Conditions.REASON_INVALID_SPEC, newInvalid));
        Phase oldPhase = previous == null ? null : previous.getPhase();
        if (status.getPhase() != oldPhase && status.getPhase() != Phase.PROVISIONING) {
            boolean bad = status.getPhase() == Phase.CRITICAL || status.getPhase() == Phase.NOT_READY;
            String reason = status.getPhase().displayName();
            String primary = status.getPrimary() == null ? "no primary" : "primary " + status.getPrimary();
            events.record(pg, bad ? EventRecorder.WARNING : EventRecorder.NORMAL, reason,
                    "Postgres is " + reason + " (" + primary + ")");
        }
    }
}
