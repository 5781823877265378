package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/** Service {@code <name>}: the current primary, i.e. the one pod its coordinator labelled {@code kubedb.com/role=primary}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class PostgresPrimaryServiceDependent extends CRUDKubernetesDependentResource<Service, Postgres> {

    public PostgresPrimaryServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(Postgres pg, Context<Postgres> context) {
        return PostgresServices.roleService(pg, Names.primaryService(PostgresObjects.name(pg)), Labels.ROLE_PRIMARY);
    }
}
