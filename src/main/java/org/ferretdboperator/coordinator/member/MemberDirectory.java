package org.ferretdboperator.coordinator.member;

import java.util.Map;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.Role;

/** The members' pods: this member publishes its state and role label; it reads its peers' states. */
public interface MemberDirectory {

    /** Published member states by pod name (pods without a readable state are absent). */
    Map<String, MemberState> states();

    /** This pod's current role label, null when absent. */
    String ownRoleLabel();

    /** Writes this member's state annotation on its own pod. */
    void publish(MemberState state);

    /** Sets (or, for NONE, removes) this pod's kubedb.com/role label. */
    void setRole(Role role);
}
