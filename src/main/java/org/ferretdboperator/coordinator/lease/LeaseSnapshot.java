package org.ferretdboperator.coordinator.lease;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.util.Map;

/** The Lease as read: its holder, version, term and annotations, plus the raw object (kept so writes preserve it). */
public record LeaseSnapshot(String holder, String resourceVersion, int transitions, Map<String, String> annotations, Lease raw) {

    public LeaseSnapshot {
        holder = holder == null ? "" : holder;
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static LeaseSnapshot of(Lease lease) {
        String holder = lease.getSpec() == null ? "" : lease.getSpec().getHolderIdentity();
        Integer transitions = lease.getSpec() == null ? null : lease.getSpec().getLeaseTransitions();
        return new LeaseSnapshot(holder, lease.getMetadata().getResourceVersion(), transitions == null ? 0 : transitions,
                lease.getMetadata().getAnnotations(), lease);
    }
}
