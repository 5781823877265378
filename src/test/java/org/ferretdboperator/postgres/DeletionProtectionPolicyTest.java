package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written admission manifest parses into the typed admissionregistration.k8s.io/v1 model without unknown
 * fields, matches DELETE of both kinds, and its binding denies. (Its CEL runs only in a real API server.)
 */
class DeletionProtectionPolicyTest {

    private static final Path MANIFEST = Path.of("kubernetes/admission/deletion-protection.yaml");

    @Test
    void policyMatchesDeletesOfBothKindsAndItsBindingDenies() throws IOException {
        List<HasMetadata> objects;
        try (InputStream in = Files.newInputStream(MANIFEST)) {
            objects = Serialization.unmarshal(in);
        }
        assertThat(objects).hasSize(2);
        ValidatingAdmissionPolicy policy = (ValidatingAdmissionPolicy) objects.get(0);
        ValidatingAdmissionPolicyBinding binding = (ValidatingAdmissionPolicyBinding) objects.get(1);

        assertThat(policy.getAdditionalProperties()).isEmpty();
        assertThat(policy.getSpec().getAdditionalProperties()).isEmpty();
        assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
        assertThat(policy.getSpec().getMatchConstraints().getResourceRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getAdditionalProperties()).isEmpty();
            assertThat(rule.getApiGroups()).containsExactly("kubedb.com");
            assertThat(rule.getOperations()).containsExactly("DELETE");
            assertThat(rule.getResources()).containsExactlyInAnyOrder("postgreses", "ferretdbs");
        });
        assertThat(policy.getSpec().getValidations()).singleElement().satisfies(v -> {
            assertThat(v.getAdditionalProperties()).isEmpty();
            assertThat(v.getExpression()).contains("oldObject.spec.deletionPolicy != 'DoNotTerminate'");
            assertThat(v.getMessageExpression()).contains("spec.deletionPolicy is DoNotTerminate");
        });

        assertThat(binding.getSpec().getAdditionalProperties()).isEmpty();
        assertThat(binding.getSpec().getPolicyName()).isEqualTo(policy.getMetadata().getName());
        assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
    }
}
