package org.ferretdboperator.harness;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ferretdboperator.support.Labels;

/**
 * The {@code kubedb.com/role} labels of the cluster's pods as the API server serves them, watched like an endpoints
 * controller watches them: the current primaries (what the primary Service selects) and the history of changes, to
 * find moments when two pods were labelled primary.
 */
public final class RoleLabels implements AutoCloseable {

    /** The labels at one moment (member -> role label, absent when unlabelled or the pod is gone). */
    public record Snapshot(long nanos, Map<String, String> roles) {
        public List<String> primaries() {
            return roles.entrySet().stream().filter(e -> Labels.ROLE_PRIMARY.equals(e.getValue())).map(Map.Entry::getKey).toList();
        }
    }

    /** A stretch of time during which two or more pods carried the primary label. */
    public record DualPrimary(long fromNanos, long toNanos, List<String> members) {
        public double seconds() {
            return Harness.seconds(toNanos - fromNanos);
        }
    }

    private final SharedIndexInformer<Pod> informer;
    private final List<Snapshot> history = new CopyOnWriteArrayList<>();
    private final Map<String, String> current = new TreeMap<>();
    /** When each member's primary label appeared (monotonic). */
    private final Map<String, Long> primarySince = new java.util.HashMap<>();

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
        if (Labels.ROLE_PRIMARY.equals(role)) {
            primarySince.putIfAbsent(name, System.nanoTime());
        } else {
            primarySince.remove(name);
        }
        history.add(new Snapshot(System.nanoTime(), Map.copyOf(current)));
    }

    public synchronized Snapshot now() {
        return new Snapshot(System.nanoTime(), Map.copyOf(current));
    }

    public List<Snapshot> history() {
        return List.copyOf(history);
    }

    /**
     * The members the primary Service selects right now, the most recently labelled first: when two pods carry the
     * label, the older one is normally a stale label of a dead or frozen primary, which a Service would drop once its
     * readiness probe fails.
     */
    public synchronized List<String> primaries() {
        List<String> out = new ArrayList<>(primarySince.keySet());
        out.sort(java.util.Comparator.comparing((String m) -> primarySince.get(m)).reversed());
        return out;
    }

    /** Every stretch with more than one primary label; an open stretch ends now. */
    public List<DualPrimary> dualPrimaries() {
        List<DualPrimary> out = new ArrayList<>();
        Snapshot openedBy = null;
        for (Snapshot s : history) {
            boolean dual = s.primaries().size() > 1;
            if (dual && openedBy == null) {
                openedBy = s;
            } else if (!dual && openedBy != null) {
                out.add(new DualPrimary(openedBy.nanos(), s.nanos(), openedBy.primaries()));
                openedBy = null;
            }
        }
        if (openedBy != null) {
            out.add(new DualPrimary(openedBy.nanos(), System.nanoTime(), openedBy.primaries()));
        }
        return out;
    }

    @Override
    public void close() {
        informer.close();
    }
}
