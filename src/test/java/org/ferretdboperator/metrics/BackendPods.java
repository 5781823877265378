package org.ferretdboperator.metrics;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.support.Labels;

/** Member pods of backend Postgres {@code db}, as the coordinators label and annotate them, for the metrics tests. */
final class BackendPods {

    private BackendPods() {
    }

    static Pod member(String namespace, String name, boolean primary, String state) {
        Map<String, String> labels = new HashMap<>(Labels.postgresOwned("db"));
        labels.put(Labels.COMPONENT, Labels.COMPONENT_DATABASE);
        labels.put(Labels.ROLE, primary ? Labels.ROLE_PRIMARY : Labels.ROLE_SECONDARY);
        return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
                .withAnnotations(Map.of(PodContract.MEMBER_STATE_ANNOTATION, state)).endMetadata()
                .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16.4").endContainer().endSpec().build();
    }

    /** A member's coordinator changing its role label and member state. */
    static void relabel(KubernetesClient client, String namespace, String name, boolean primary, String state) {
        client.pods().inNamespace(namespace).withName(name).edit(p -> {
            p.getMetadata().getLabels().put(Labels.ROLE, primary ? Labels.ROLE_PRIMARY : Labels.ROLE_SECONDARY);
            p.getMetadata().getAnnotations().put(PodContract.MEMBER_STATE_ANNOTATION, state);
            return p;
        });
    }
}
