package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.common.ServiceTemplateOverrides;
import org.ferretdboperator.api.common.ServiceTemplateSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.contract.PodContract;

/**
 * Desired Services of one server group: the client Service ({@code <name>} / {@code <name>-secondary}, port 27017,
 * customisable through {@code spec.serviceTemplates}) and the headless governing Service of its StatefulSet
 * ({@code <name>-pods} / {@code <name>-secondary-pods}).
 */
public final class ServerServiceBuilder {

    private ServerServiceBuilder() {
    }

    public static Service client(FerretDB ferretdb, ServerGroup group) {
        Optional<ServiceTemplateSpec> template = template(ferretdb, group);
        Map<String, String> labels = new LinkedHashMap<>();
        template.map(ServiceTemplateSpec::getLabels).ifPresent(labels::putAll);
        labels.putAll(FerretDBLabels.of(ferretdb, group));
        ServiceTemplateOverrides overrides = template.map(ServiceTemplateSpec::getSpec).orElse(null);
        String type = overrides != null && overrides.getType() != null ? overrides.getType() : "ClusterIP";
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(group.clientServiceName(ferretdb))
                    .withNamespace(ferretdb.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withAnnotations(new LinkedHashMap<>(template.map(ServiceTemplateSpec::getAnnotations).orElse(Map.of())))
                .endMetadata()
                .withNewSpec()
                    .withType(type)
                    .withSelector(group.selector(ferretdb))
                    .addNewPort()
                        .withName(PodContract.FERRETDB_PORT_NAME)
                        .withPort(PodContract.FERRETDB_PORT)
                        .withTargetPort(new IntOrString(PodContract.FERRETDB_PORT_NAME))
                        .withProtocol("TCP")
                    .endPort()
                    .withLoadBalancerSourceRanges(overrides != null && "LoadBalancer".equals(type)
                            ? overrides.getLoadBalancerSourceRanges() : null)
                    .withExternalTrafficPolicy(overrides != null && !"ClusterIP".equals(type)
                            ? overrides.getExternalTrafficPolicy() : null)
                .endSpec()
                .build();
    }

    /** Headless, and publishing not-ready pods so that every server keeps a stable DNS name while it starts. */
    public static Service governing(FerretDB ferretdb, ServerGroup group) {
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(group.governingServiceName(ferretdb))
                    .withNamespace(ferretdb.getMetadata().getNamespace())
                    .withLabels(FerretDBLabels.of(ferretdb, group))
                .endMetadata()
                .withNewSpec()
                    .withClusterIP("None")
                    .withPublishNotReadyAddresses(true)
                    .withSelector(group.selector(ferretdb))
                    .addNewPort()
                        .withName(PodContract.FERRETDB_PORT_NAME)
                        .withPort(PodContract.FERRETDB_PORT)
                        .withTargetPort(new IntOrString(PodContract.FERRETDB_PORT_NAME))
                        .withProtocol("TCP")
                    .endPort()
                .endSpec()
                .build();
    }

    private static Optional<ServiceTemplateSpec> template(FerretDB ferretdb, ServerGroup group) {
        List<ServiceTemplateSpec> templates = ferretdb.getSpec().getServiceTemplates();
        if (templates == null) {
            return Optional.empty();
        }
        return templates.stream().filter(t -> t.getAlias() == group.serviceAlias()).findFirst();
    }
}
