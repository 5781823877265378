package org.ferretdboperator.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.coordinator.decision.StalePrimaryLabels.LabelledPod;
import org.ferretdboperator.coordinator.member.MemberDirectory;

/** The members' pods in memory: the test publishes peers' states, the loop publishes its own and sets its role label. */
final class FakeMembers implements MemberDirectory {

    private final String self;
    private final Map<String, MemberState> states;
    private String ownLabel;
    private volatile boolean ownPodLeaving;

    /** @param states every member's published state, shared by the members of one test cluster */
    FakeMembers(String self, Map<String, MemberState> states) {
        this.self = self;
        this.states = states;
    }

    @Override
    public Map<String, MemberState> states() {
        synchronized (states) {
            return Map.copyOf(states);
        }
    }

    @Override
    public synchronized String ownRoleLabel() {
        return ownLabel;
    }

    @Override
    public void publish(MemberState state) {
        synchronized (states) {
            states.put(self, state);
        }
    }

    @Override
    public synchronized void setRole(Role role) {
        ownLabel = role.label();
    }

    /** Only this member's own pod is known here; other members' labels live in their own FakeMembers. */
    @Override
    public synchronized List<LabelledPod> roleLabels() {
        return new ArrayList<>(List.of(new LabelledPod(self, self, "1", ownLabel)));
    }

    @Override
    public void clearRoleLabel(LabelledPod pod) {
        throw new IllegalStateException("FakeMembers knows no other pod than " + self + ": asked to clear " + pod);
    }

    @Override
    public boolean ownPodLeaving() {
        return ownPodLeaving;
    }

    /** As if this member's pod were marked for deletion in the API. */
    void markOwnPodForDeletion() {
        ownPodLeaving = true;
    }

    MemberState own() {
        synchronized (states) {
            return states.get(self);
        }
    }

    synchronized Role role() {
        return Role.ofLabel(ownLabel);
    }
}
