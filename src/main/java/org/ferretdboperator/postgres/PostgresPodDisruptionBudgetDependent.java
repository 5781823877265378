package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * At most one member voluntarily evicted at a time (node drains), so a drain never takes the primary and its only
 * synchronous standby together. Only with more than one running member: a PDB over a single pod would block drains
 * forever; when the precondition stops holding the workflow deletes it.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class PostgresPodDisruptionBudgetDependent extends CRUDKubernetesDependentResource<PodDisruptionBudget, Postgres> {

    public PostgresPodDisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(Postgres pg, Context<Postgres> context) {
        String name = PostgresObjects.name(pg);
        return new PodDisruptionBudgetBuilder()
                .withMetadata(PostgresObjects.metadata(pg, Names.primaryService(name)))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(Labels.postgresSelector(name)).endSelector()
                .endSpec()
                .build();
    }

    /** Reconcile precondition: more than one member runs. */
    public static class SeveralMembers implements Condition<PodDisruptionBudget, Postgres> {
        @Override
        public boolean isMet(DependentResource<PodDisruptionBudget, Postgres> dependent, Postgres pg,
                Context<Postgres> context) {
            return PostgresSpecs.runningReplicas(pg) > 1;
        }
    }
}
