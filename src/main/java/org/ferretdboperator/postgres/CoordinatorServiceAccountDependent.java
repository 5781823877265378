package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/** The pg-coordinators' identity: {@code <name>-coordinator}, bound to {@link CoordinatorRoleDependent}'s Role only. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class CoordinatorServiceAccountDependent extends CRUDKubernetesDependentResource<ServiceAccount, Postgres> {

    public CoordinatorServiceAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(Postgres pg, Context<Postgres> context) {
        return new ServiceAccountBuilder()
                .withMetadata(PostgresObjects.metadata(pg, Names.coordinatorAccount(PostgresObjects.name(pg))))
                .build();
    }
}
