package org.ferretdboperator.coordinator.member;

import java.util.List;
import java.util.Map;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.coordinator.decision.StalePrimaryLabels.LabelledPod;

/**
 * The members' pods: this member publishes its state and role label; it reads its peers' states and role labels, and,
 * as Lease holder, removes a primary label left on another pod (see StalePrimaryLabels).
 */
public interface MemberDirectory {

    /** Published member states by pod name (pods without a readable state are absent). */
    Map<String, MemberState> states();

    /** This pod's current role label, null when absent. */
    String ownRoleLabel();

    /** Writes this member's state annotation on its own pod. */
    void publish(MemberState state);

    /** Sets (or, for NONE, removes) this pod's kubedb.com/role label. */
    void setRole(Role role);

    /** Every member pod's role label as observed, with its uid and resourceVersion. */
    List<LabelledPod> roleLabels();

    /**
     * Removes the role label of another member's pod, on condition that the pod still has the uid and resourceVersion
     * observed; throws when the API server refuses (the pod changed meanwhile).
     */
    void clearRoleLabel(LabelledPod pod);

    /**
     * True once this member's own pod (this incarnation) is marked for deletion or gone from the API: the kubelet will
     * stop it, and its SIGTERM comes only after the kubelet has noticed (measured on real nodes: 1.4-1.6 s after the
     * mark), so the member can start leaving that much earlier. Never true for a member without a known pod uid.
     */
    boolean ownPodLeaving();
}
