package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * The replication user's Secret {@code <name>-replication} (user {@code replicator}, generated password); standbys
 * stream as this role, never as the superuser. Create-only and without owner reference, like the auth Secret.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class PostgresReplicationSecretDependent extends KubernetesDependentResource<Secret, Postgres>
        implements Creator<Secret, Postgres> {

    public PostgresReplicationSecretDependent() {
        super(Secret.class);
    }

    @Override
    protected Secret desired(Postgres pg, Context<Postgres> context) {
        return GeneratedCredentials.secret(pg, Names.replicationSecret(PostgresObjects.name(pg)),
                PostgresSpecs.REPLICATION_USER);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Postgres pg, Context<Postgres> context) {
        return new ResourceID(Names.replicationSecret(PostgresObjects.name(pg)), pg.getMetadata().getNamespace());
    }
}
