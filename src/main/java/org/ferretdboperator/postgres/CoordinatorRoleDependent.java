package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import java.util.stream.IntStream;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * Least privilege for the pg-coordinators of one Postgres object:
 * <ul>
 * <li>its own Lease only (get/list/watch/update/patch; no create: the operator makes it). RBAC honours resourceNames
 * for list and watch only when the request has a {@code metadata.name} field selector, so coordinators must watch the
 * Lease with {@code fieldSelector=metadata.name=<lease>};</li>
 * <li>pods: read in the namespace (peers publish their state in an annotation), patch only the StatefulSet's own pod
 * names (the role label and member-state annotation of its own pod);</li>
 * <li>events: create.</li>
 * </ul>
 * No Secrets: the credentials are mounted.
 */
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
        String name = PostgresObjects.name(pg);
        List<String> podNames = IntStream.range(0, PostgresSpecs.replicas(pg))
                .mapToObj(i -> Names.pod(Names.primaryService(name), i))
                .toList();
        return List.of(
                new PolicyRuleBuilder()
                        .withApiGroups("coordination.k8s.io")
                        .withResources("leases")
                        .withResourceNames(Names.lease(name))
                        .withVerbs("get", "list", "watch", "update", "patch")
                        .build(),
                new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("pods")
                        .withVerbs("get", "list", "watch")
                        .build(),
                new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("pods")
                        .withResourceNames(podNames)
                        .withVerbs("patch")
                        .build(),
                new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("events")
                        .withVerbs("create")
                        .build());
    }
}
