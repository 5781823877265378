package org.ferretdboperator.contract;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.List;
import java.util.stream.IntStream;
import org.ferretdboperator.support.Names;

/**
 * What the pg-coordinators of one Postgres object may do on the API server (least privilege); the operator's Role
 * for them and the HA harness's Role are both made from these rules:
 * <ul>
 * <li>its own Lease only (get/list/watch/update/patch; no create: the operator makes it). RBAC honours resourceNames
 * for list and watch only when the request has a {@code metadata.name} field selector, so coordinators must watch the
 * Lease with {@code fieldSelector=metadata.name=<lease>};</li>
 * <li>pods: read in the namespace (peers publish their state in an annotation), patch only the StatefulSet's own pod
 * names (the role label and member-state annotation of its own pod; as Lease holder, the removal of a primary
 * label left on another member's pod, see StalePrimaryLabels);</li>
 * <li>events: create.</li>
 * </ul>
 * No Secrets: the credentials are mounted.
 */
public final class CoordinatorRbac {

    private CoordinatorRbac() {
    }

    /** @param postgres the Postgres object's name; @param replicas its member count (the pods a coordinator may patch) */
    public static List<PolicyRule> rules(String postgres, int replicas) {
        List<String> podNames = IntStream.range(0, replicas)
                .mapToObj(i -> Names.pod(Names.primaryService(postgres), i))
                .toList();
        return List.of(
                new PolicyRuleBuilder()
                        .withApiGroups("coordination.k8s.io")
                        .withResources("leases")
                        .withResourceNames(Names.lease(postgres))
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
