package org.ferretdboperator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.api.common.PodTemplate;
import org.ferretdboperator.api.common.PodTemplateOverrides;
import org.junit.jupiter.api.Test;

class PodTemplateApplierTest {

    private static PodTemplateSpec ours() {
        return new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(Map.of("app", "ours")).endMetadata()
                .withNewSpec()
                .addNewContainer().withName("main").addNewEnv().withName("A").withValue("1").endEnv().endContainer()
                .addNewContainer().withName("sidecar").endContainer()
                .withAffinity(new AffinityBuilder().withNewPodAntiAffinity().endPodAntiAffinity().build())
                .endSpec()
                .build();
    }

    @Test
    void withoutOverridesTheRestrictedDefaultsApply() {
        PodTemplateSpec t = ours();
        PodTemplateApplier.apply(null, t, "main", 1000);
        var sc = t.getSpec().getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getRunAsUser()).isEqualTo(1000L);
        assertThat(sc.getFsGroup()).isEqualTo(1000L);
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(t.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(t.getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
    }

    @Test
    void userPlacementReplacesOursAndTheUsersUidIsKeptButNeverRoot() {
        PodTemplate template = new PodTemplate();
        PodTemplateOverrides o = new PodTemplateOverrides();
        o.setAffinity(new AffinityBuilder().withNewNodeAffinity().endNodeAffinity().build());
        o.setTopologySpreadConstraints(List.of(new TopologySpreadConstraintBuilder().withMaxSkew(1).build()));
        o.setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
        o.setSecurityContext(new PodSecurityContextBuilder().withRunAsUser(70L).withRunAsNonRoot(false)
                .withNewSeccompProfile().withType("Unconfined").endSeccompProfile().withSupplementalGroups(5L).build());
        template.setSpec(o);
        PodTemplateSpec t = ours();
        PodTemplateApplier.apply(template, t, "main", 1000);
        assertThat(t.getSpec().getAffinity().getNodeAffinity()).isNotNull();
        assertThat(t.getSpec().getAffinity().getPodAntiAffinity()).isNull();
        assertThat(t.getSpec().getTopologySpreadConstraints()).hasSize(1);
        assertThat(t.getSpec().getImagePullSecrets()).extracting(LocalObjectReference::getName).containsExactly("regcred");
        var sc = t.getSpec().getSecurityContext();
        assertThat(sc.getRunAsUser()).isEqualTo(70L);
        assertThat(sc.getRunAsGroup()).isEqualTo(1000L);
        assertThat(sc.getSupplementalGroups()).containsExactly(5L);
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        // Env goes to the main container only; the sidecar is untouched.
        assertThat(t.getSpec().getContainers().get(1).getEnv()).isEmpty();
    }
}
