package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.CoordinatorRbac;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/** The pg-coordinators' Role: the rules of {@link CoordinatorRbac}, for this object's name and member count. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class CoordinatorRoleDependent extends CRUDKubernetesDependentResource<Role, Postgres> {

    public CoordinatorRoleDependent() {
        super(Role.class);
    }

    @Override
    protected Role desired(Postgres pg, Context<Postgres> context) {
        return new RoleBuilder()
                .withMetadata(PostgresObjects.metadata(pg, Names.coordinatorAccount(PostgresObjects.name(pg))))
                .withRules(rules(pg))
                .build();
    }

    static List<PolicyRule> rules(Postgres pg) {
        return CoordinatorRbac.rules(PostgresObjects.name(pg), PostgresSpecs.replicas(pg));
    }
}
