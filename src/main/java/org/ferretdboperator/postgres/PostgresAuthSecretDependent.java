package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * The superuser's Secret {@code <name>-auth} (user {@code postgres}, generated password), made only when the user
 * provides none. Create-only: an existing Secret is never changed, so its password is never regenerated under a
 * database that already uses it. It carries no owner reference, so Kubernetes' garbage collector keeps it when the
 * Postgres object is deleted with deletionPolicy Halt or Delete; the Cleaner removes it for WipeOut.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class PostgresAuthSecretDependent extends KubernetesDependentResource<Secret, Postgres>
        implements Creator<Secret, Postgres> {

    public PostgresAuthSecretDependent() {
        super(Secret.class);
    }

    @Override
    protected Secret desired(Postgres pg, Context<Postgres> context) {
        return GeneratedCredentials.secret(pg, Names.postgresAuthSecret(PostgresObjects.name(pg)), PostgresSpecs.SUPERUSER);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Postgres pg, Context<Postgres> context) {
        return new ResourceID(Names.postgresAuthSecret(PostgresObjects.name(pg)), pg.getMetadata().getNamespace());
    }

    /** Reconcile precondition: the user has not named a Secret of their own. */
    public static class Generated implements Condition<Secret, Postgres> {
        @Override
        public boolean isMet(DependentResource<Secret, Postgres> dependent, Postgres pg, Context<Postgres> context) {
            return PostgresSpecs.authSecretGenerated(pg);
        }
    }
}
