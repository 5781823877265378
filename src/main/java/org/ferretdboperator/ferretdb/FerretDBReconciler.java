package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.ferretdboperator.api.catalog.FerretDBVersion;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.FerretDBStatus;
import org.ferretdboperator.status.Conditions;
import org.ferretdboperator.status.EventRecorder;
import org.ferretdboperator.status.Problem;
import org.ferretdboperator.status.StatusWriter;

/**
 * Reconciles a FerretDB: checks what only the operator can know (the catalog entry, the user's auth Secret), then
 * runs the workflow of dependents, then reports status from the children. With a blocking problem nothing is created
 * or changed; the problem becomes the Ready condition and a Warning event, and existing children are left running.
 */
@ControllerConfiguration(name = "ferretdb")
@RBACRule(apiGroups = "", resources = "events", verbs = { "get", "create", "patch" })
// WipeOut deletes the generated auth Secret; the dependent itself only ever creates it.
@RBACRule(apiGroups = "", resources = "secrets", verbs = "delete")
// The catalog entries named by spec.version; the FerretDBVersion controller's own role must not be relied upon.
@RBACRule(apiGroups = "catalog.kubedb.com", resources = "ferretdbversions", verbs = {"get", "list", "watch"})
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = FerretDBReconciler.AUTH_SECRET, type = FerretDBAuthSecretDependent.class,
                reconcilePrecondition = FerretDBAuthSecretDependent.Generated.class),
        @Dependent(name = FerretDBReconciler.BACKEND, type = FerretDBBackendDependent.class),
        @Dependent(name = "ca-secret", type = FerretDBCaSecretDependent.class,
                reconcilePrecondition = FerretDBCaSecretDependent.TlsManaged.class),
        @Dependent(name = "server-cert-secret", type = FerretDBServerCertSecretDependent.class,
                reconcilePrecondition = FerretDBCaSecretDependent.TlsManaged.class, dependsOn = "ca-secret"),
        @Dependent(name = "primary-statefulset", type = FerretDBPrimaryStatefulSetDependent.class,
                useEventSourceWithName = FerretDBReconciler.STATEFULSETS),
        @Dependent(name = "secondary-statefulset", type = FerretDBSecondaryStatefulSetDependent.class,
                useEventSourceWithName = FerretDBReconciler.STATEFULSETS,
                reconcilePrecondition = SecondaryServersEnabled.class),
        @Dependent(name = "primary-service", type = FerretDBPrimaryServiceDependent.class,
                useEventSourceWithName = FerretDBReconciler.SERVICES),
        @Dependent(name = "primary-governing-service", type = FerretDBPrimaryGoverningServiceDependent.class,
                useEventSourceWithName = FerretDBReconciler.SERVICES),
        @Dependent(name = "secondary-service", type = FerretDBSecondaryServiceDependent.class,
                useEventSourceWithName = FerretDBReconciler.SERVICES,
                reconcilePrecondition = SecondaryServersEnabled.class),
        @Dependent(name = "secondary-governing-service", type = FerretDBSecondaryGoverningServiceDependent.class,
                useEventSourceWithName = FerretDBReconciler.SERVICES,
                reconcilePrecondition = SecondaryServersEnabled.class),
})
public class FerretDBReconciler implements Reconciler<FerretDB>, Cleaner<FerretDB> {

    static final String AUTH_SECRET = "auth-secret";
    static final String BACKEND = "backend";
    static final String STATEFULSETS = "ferretdb-statefulsets";
    static final String SERVICES = "ferretdb-services";
    static final String VERSIONS = "ferretdb-versions";
    private static final String BY_VERSION = "byVersion";
    /** A user's Secret is read on demand, not watched (that would cache every Secret); look again this often. */
    static final Duration SECRET_RECHECK = Duration.ofSeconds(30);

    @Override
    public UpdateControl<FerretDB> reconcile(FerretDB ferretdb, Context<FerretDB> context) {
        org.ferretdboperator.support.FirstReconcile.mark(ferretdb);
        List<Condition> previous = ferretdb.getStatus() == null ? List.of() : ferretdb.getStatus().getConditions();
        FerretDBPrerequisites.Result prerequisites = FerretDBPrerequisites.check(ferretdb,
                context.getSecondaryResource(FerretDBVersion.class),
                name -> Optional.ofNullable(context.getClient().secrets()
                        .inNamespace(ferretdb.getMetadata().getNamespace()).withName(name).get()),
                Conditions.isTrue(previous, Conditions.PROVISIONED));

        if (prerequisites.satisfied()) {
            WorkflowInputs.putVersion(context, prerequisites.version().orElseThrow());
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        } else {
            announce(ferretdb, previous, prerequisites.problems(), context);
        }

        ObservedChildren children = ObservedChildren.from(ferretdb, context);
        FerretDBStatus status = FerretDBStatusBuilder.build(ferretdb, prerequisites.version().orElse(null), children,
                prerequisites.problems(), Instant.now());
        UpdateControl<FerretDB> control = UpdateControl.noUpdate();
        if (StatusWriter.writeIfChanged(ferretdb, status, context, FerretDB::new)
                == StatusWriter.Outcome.WRITTEN_SPEC_CHANGED) {
            return control.reschedule();
        }
        return prerequisites.waitingForSecret() ? control.rescheduleAfter(SECRET_RECHECK) : control;
    }

    @Override
    public DeleteControl cleanup(FerretDB ferretdb, Context<FerretDB> context) {
        return FerretDBDeletion.cleanup(ferretdb, context);
    }

    @Override
    public List<EventSource<?, FerretDB>> prepareEventSources(EventSourceContext<FerretDB> context) {
        context.getPrimaryCache().addIndexer(BY_VERSION, ferretdb -> ferretdb.getSpec() == null
                || ferretdb.getSpec().getVersion() == null ? List.of() : List.of(ferretdb.getSpec().getVersion()));
        // Cluster-scoped catalog entries, each mapped to every FerretDB naming it: editing, deprecating, creating or
        // deleting an entry re-reconciles exactly those objects.
        InformerEventSource<FerretDBVersion, FerretDB> versions = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(FerretDBVersion.class, FerretDB.class)
                        .withName(VERSIONS)
                        .withSecondaryToPrimaryMapper(version -> context.getPrimaryCache()
                                .byIndex(BY_VERSION, version.getMetadata().getName()).stream()
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((FerretDB ferretdb) -> ferretdb.getSpec().getVersion() == null
                                ? Set.of() : Set.of(new ResourceID(ferretdb.getSpec().getVersion())))
                        .build(),
                context);
        InformerEventSource<StatefulSet, FerretDB> statefulSets = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(StatefulSet.class, FerretDB.class)
                        .withName(STATEFULSETS)
                        .withLabelSelector(FerretDBLabels.MANAGED_SELECTOR)
                        .build(),
                context);
        InformerEventSource<Service, FerretDB> services = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Service.class, FerretDB.class)
                        .withName(SERVICES)
                        .withLabelSelector(FerretDBLabels.MANAGED_SELECTOR)
                        .build(),
                context);
        return List.of(versions, statefulSets, services);
    }

    /** A Warning event per problem, only when the Ready condition is about to change: no event storm on resyncs. */
    private static void announce(FerretDB ferretdb, List<Condition> previous, List<Problem> problems,
            Context<FerretDB> context) {
        String message = FerretDBStatusBuilder.messages(problems);
        boolean known = Conditions.messageWhen(previous, Conditions.READY, Conditions.FALSE)
                .map(message::equals)
                .orElse(false);
        if (!known) {
            EventRecorder events = new EventRecorder(context.getClient());
            problems.forEach(p -> events.warning(ferretdb, p.reason(), p.message()));
        }
    }
}
