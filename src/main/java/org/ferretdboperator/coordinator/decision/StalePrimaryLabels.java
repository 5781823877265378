package org.ferretdboperator.coordinator.decision;

import java.util.List;
import org.ferretdboperator.support.Labels;

/**
 * Which other member pods still carry the primary role label when this member is about to label itself primary.
 *
 * <p>A primary whose node is lost keeps its label: its coordinator is dead, and the pod object stays (Running in the
 * API until the node lifecycle controller marks it NotReady, Terminating for ever once it is evicted), so the primary
 * Service would keep an endpoint on an unreachable pod and two pods would be labelled primary. Only the Lease holder
 * may take that label away, and only before it labels itself: the holder is the one member the Lease makes primary,
 * so no other pod's primary label can be right while it holds it. Each removal names the pod's uid and
 * resourceVersion as observed, so the API server refuses it when the pod changed since (a newer incarnation, or its
 * own coordinator writing its label): then the next tick looks again. A returning old primary is not the holder; it
 * fences itself and relabels its own pod.
 */
public final class StalePrimaryLabels {

    private StalePrimaryLabels() {
    }

    /** A member pod's role label as observed, with what a conditional write of it must name. */
    public record LabelledPod(String name, String uid, String resourceVersion, String roleLabel) {
    }

    /**
     * The pods other than {@code self} labelled primary, when {@code holdsLease}; none otherwise. {@code holdsLease}
     * is this member's own last Lease write (an acquisition earlier in the same tick counts: the tick's observation
     * still shows the old holder then), not the observation. Pods without a uid or resourceVersion are left alone: no
     * precondition could be put on their write.
     */
    public static List<LabelledPod> toClear(String self, boolean holdsLease, List<LabelledPod> pods) {
        if (!holdsLease) {
            return List.of();
        }
        return pods.stream()
                .filter(p -> !p.name().equals(self))
                .filter(p -> Labels.ROLE_PRIMARY.equals(p.roleLabel()))
                .filter(p -> p.uid() != null && p.resourceVersion() != null)
                .toList();
    }
}
