package org.ferretdboperator.ferretdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.api.common.ServiceAlias;
import org.ferretdboperator.api.common.ServiceTemplateOverrides;
import org.ferretdboperator.api.common.ServiceTemplateSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.junit.jupiter.api.Test;

class ServerServiceBuilderTest {

    @Test
    void clientServicesListenOn27017AndSelectTheirGroup() {
        FerretDB ferret = Fixtures.seedLike();
        Service primary = ServerServiceBuilder.client(ferret, ServerGroup.PRIMARY);
        Service secondary = ServerServiceBuilder.client(ferret, ServerGroup.SECONDARY);

        assertThat(primary.getMetadata().getName()).isEqualTo("ferret");
        assertThat(secondary.getMetadata().getName()).isEqualTo("ferret-secondary");
        assertThat(primary.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(primary.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(27017);
            assertThat(port.getTargetPort().getStrVal()).isEqualTo("mongodb");
        });
        assertThat(primary.getSpec().getSelector()).containsEntry("ferretdb.kubedb.com/server", "primary");
        assertThat(secondary.getSpec().getSelector()).containsEntry("ferretdb.kubedb.com/server", "secondary");
    }

    @Test
    void governingServicesAreHeadlessAndPublishNotReadyPods() {
        Service governing = ServerServiceBuilder.governing(Fixtures.seedLike(), ServerGroup.SECONDARY);
        assertThat(governing.getMetadata().getName()).isEqualTo("ferret-secondary-pods");
        assertThat(governing.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(governing.getSpec().getPublishNotReadyAddresses()).isTrue();
    }

    @Test
    void serviceTemplatesApplyToTheirAliasOnly() {
        FerretDB ferret = Fixtures.seedLike();
        ServerServiceBuilderTest.template(ferret, ServiceAlias.PRIMARY, "LoadBalancer", "Local",
                List.of("10.0.0.0/8"));
        Service primary = ServerServiceBuilder.client(ferret, ServerGroup.PRIMARY);
        Service secondary = ServerServiceBuilder.client(ferret, ServerGroup.SECONDARY);

        assertThat(primary.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(primary.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        assertThat(primary.getSpec().getLoadBalancerSourceRanges()).containsExactly("10.0.0.0/8");
        assertThat(primary.getMetadata().getAnnotations()).containsEntry("lb.example.org/internal", "true");
        assertThat(primary.getMetadata().getLabels()).containsEntry("exposure", "internal")
                .containsEntry("app.kubernetes.io/instance", "ferret");
        assertThat(secondary.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(secondary.getMetadata().getAnnotations()).isEmpty();
    }

    @Test
    void aTemplateCannotMoveTheSelector() {
        FerretDB ferret = Fixtures.seedLike();
        template(ferret, ServiceAlias.SECONDARY, "NodePort", null, null);
        ferret.getSpec().getServiceTemplates().get(0).setLabels(Map.of("ferretdb.kubedb.com/server", "primary"));
        Service secondary = ServerServiceBuilder.client(ferret, ServerGroup.SECONDARY);
        assertThat(secondary.getSpec().getType()).isEqualTo("NodePort");
        assertThat(secondary.getMetadata().getLabels()).containsEntry("ferretdb.kubedb.com/server", "secondary");
        assertThat(secondary.getSpec().getSelector()).containsEntry("ferretdb.kubedb.com/server", "secondary");
    }

    static void template(FerretDB ferret, ServiceAlias alias, String type, String trafficPolicy, List<String> ranges) {
        ServiceTemplateSpec template = new ServiceTemplateSpec();
        template.setAlias(alias);
        template.setLabels(Map.of("exposure", "internal"));
        template.setAnnotations(Map.of("lb.example.org/internal", "true"));
        template.setSpec(new ServiceTemplateOverrides());
        template.getSpec().setType(type);
        template.getSpec().setExternalTrafficPolicy(trafficPolicy);
        template.getSpec().setLoadBalancerSourceRanges(ranges);
        ferret.getSpec().setServiceTemplates(new java.util.ArrayList<>(List.of(template)));
    }
}
