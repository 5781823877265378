package org.ferretdboperator.ops;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.support.Labels;

/** Reads the pods a rolling restart judges ({@link RollingRestart.PodView}). */
final class RestartPods {

    private RestartPods() {
    }

    static List<RollingRestart.PodView> observe(KubernetesClient client, String namespace, List<String> names) {
        List<RollingRestart.PodView> views = new ArrayList<>();
        for (String name : names) {
            Pod pod = client.pods().inNamespace(namespace).withName(name).get();
            if (pod == null) {
                continue;
            }
            boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
                    && pod.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            String role = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(Labels.ROLE);
            views.add(new RollingRestart.PodView(name, pod.getMetadata().getCreationTimestamp(), ready, role,
                    pod.getMetadata().getDeletionTimestamp() != null));
        }
        return views;
    }
}
