package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/** Binds the coordinators' ServiceAccount to their Role, both named {@code <name>-coordinator}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class CoordinatorRoleBindingDependent extends CRUDKubernetesDependentResource<RoleBinding, Postgres> {

    public CoordinatorRoleBindingDependent() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(Postgres pg, Context<Postgres> context) {
        String account = Names.coordinatorAccount(PostgresObjects.name(pg));
        return new RoleBindingBuilder()
                .withMetadata(PostgresObjects.metadata(pg, account))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(account).endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(account)
                .withNamespace(pg.getMetadata().getNamespace())
                .endSubject()
                .build();
    }
}
