package org.ferretdboperator.harness;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ferretdboperator.support.Labels;

/**
 * The {@code kubedb.com/role} labels of the cluster's pods as the API server serves them, watched like an endpoints
 * controller watches them: the current primaries (what the primary Service selects) and the history of changes, to
 * find moments when two pods were labelled primary ({@link PrimaryTimeline}).
 */
public final class RoleLabels extends PrimaryTimeline implements AutoCloseable {

    /** The labels at one moment (member -> role label, absent when unlabelled or the pod is gone). */
    public record Snapshot(long nanos, Map<String, String> roles) {
        public List<String> primaries() {
            return roles.entrySet().stream().filter(e -> Labels.ROLE_PRIMARY.equals(e.getValue())).map(Map.Entry::getKey).toList();
        }
    }

    private final SharedIndexInformer<Pod> informer;
    private final List<Snapshot> history = new CopyOnWriteArrayList<>();
    private final Map<String, String> current = new TreeMap<>();

    public RoleLabels(KubernetesClient client, String namespace, String postgres) {
        informer = client.pods().inNamespace(namespace).withLabels(Labels.postgresSelector(postgres))
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        update(pod, false);
                    }

                    @Override
                    public void onUpdate(Pod oldPod, Pod pod) {
                        update(pod, false);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                        update(pod, true);
                    }
                }, 0);
    }

    private synchronized void update(Pod pod, boolean deleted) {
        String name = pod.getMetadata().getName();
        String role = deleted ? null : pod.getMetadata().getLabels().get(Labels.ROLE);
        if (role == null) {
            current.remove(name);
        } else {
            current.put(name, role);
        }
        mark(name, Labels.ROLE_PRIMARY.equals(role));
        history.add(new Snapshot(System.nanoTime(), Map.copyOf(current)));
    }

    public synchronized Snapshot now() {
        return new Snapshot(System.nanoTime(), Map.copyOf(current));
    }

    public List<Snapshot> history() {
        return List.copyOf(history);
    }

    @Override
    public void close() {
        informer.close();
    }
}
