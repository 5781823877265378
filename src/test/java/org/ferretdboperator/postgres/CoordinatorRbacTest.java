package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.postgres.Postgres;
import org.junit.jupiter.api.Test;

class CoordinatorRbacTest {

    private final Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);

    private static List<PolicyRule> rulesFor(List<PolicyRule> rules, String resource) {
        return rules.stream().filter(r -> r.getResources().contains(resource)).toList();
    }

    @Test
    void leaseAccessIsLimitedToItsOwnLeaseAndCannotCreate() {
        Role role = new CoordinatorRoleDependent().desired(pg, null);
        assertThat(role.getMetadata().getName()).isEqualTo("pg-coordinator");
        assertThat(rulesFor(role.getRules(), "leases")).singleElement().satisfies(r -> {
            assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
            assertThat(r.getResourceNames()).containsExactly("pg-leader");
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch", "update", "patch");
        });
    }

    @Test
    void podsAreReadableButPatchableOnlyByTheStatefulSetsPodNames() {
        List<PolicyRule> pods = rulesFor(new CoordinatorRoleDependent().desired(pg, null).getRules(), "pods");
        assertThat(pods).filteredOn(r -> r.getVerbs().contains("patch")).singleElement().satisfies(r -> {
            assertThat(r.getVerbs()).containsExactly("patch");
            assertThat(r.getResourceNames()).containsExactly("pg-0", "pg-1", "pg-2");
        });
        assertThat(pods).filteredOn(r -> !r.getVerbs().contains("patch")).singleElement().satisfies(r -> {
            assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
            assertThat(r.getResourceNames()).isNullOrEmpty();
        });
    }

    @Test
    void patchableNamesFollowReplicas() {
        pg.getSpec().setReplicas(5);
        assertThat(rulesFor(new CoordinatorRoleDependent().desired(pg, null).getRules(), "pods").stream()
                .filter(r -> r.getVerbs().contains("patch")).findFirst().orElseThrow().getResourceNames())
                .containsExactly("pg-0", "pg-1", "pg-2", "pg-3", "pg-4");
    }

    @Test
    void nothingElseIsGranted() {
        List<PolicyRule> rules = new CoordinatorRoleDependent().desired(pg, null).getRules();
        assertThat(rules).flatExtracting(PolicyRule::getResources).containsOnly("leases", "pods", "events");
        assertThat(rulesFor(rules, "events")).singleElement().satisfies(r -> assertThat(r.getVerbs()).containsExactly("create"));
        assertThat(rules).filteredOn(r -> r.getVerbs().contains("create")).flatExtracting(PolicyRule::getResources)
                .containsExactly("events");
        assertThat(rules).flatExtracting(PolicyRule::getVerbs).doesNotContain("*", "delete", "deletecollection", "escalate", "bind");
    }

    @Test
    void bindingTiesTheAccountToTheRoleInItsNamespace() {
        RoleBinding binding = new CoordinatorRoleBindingDependent().desired(pg, null);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo("pg-coordinator");
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("pg-coordinator");
            assertThat(s.getNamespace()).isEqualTo("ns");
        });
        assertThat(new CoordinatorServiceAccountDependent().desired(pg, null).getMetadata().getName()).isEqualTo("pg-coordinator");
    }
}
