package org.ferretdboperator.coordinator.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.coordinator.decision.Action.PublishRole;
import org.ferretdboperator.coordinator.decision.Action.ReleaseLease;
import org.ferretdboperator.coordinator.decision.Action.StopFast;

/**
 * A planned switchover asked for on the Lease ({@link SwitchoverRequest}): the running primary hands over exactly as
 * it does when its pod is deleted (fast stop, so it takes no more writes and its final WAL reaches the standbys, then
 * the Lease with the final position to the chosen standby, which promotes only once {@link CandidateProof} shows it
 * holds that position), except that the coordinator stays: its next ticks follow the new primary as a standby.
 *
 * <p>Pure. Empty means "no switchover this tick" and the ordinary {@link HaDecision} applies: no request for this
 * holder in this term, this member not a healthy running primary, or no eligible standby (the request then waits; the
 * operator's timeout ends it).
 */
public final class PlannedSwitchover {

    private PlannedSwitchover() {
    }

    public static Optional<Decision> decide(Observation o, Optional<SwitchoverRequest> request) {
        if (request.isEmpty() || !request.get().addressedTo(o.self(), o.lease().transitions())) {
            return Optional.empty();
        }
        LeaseView lease = o.lease();
        boolean healthyPrimary = o.local().isPrimary() && lease.heldBy(o.self()) && !o.shuttingDown() && o.apiReachable()
                && lease.sinceOwnRenewMillis() >= 0 && lease.sinceOwnRenewMillis() <= o.config().renewDeadlineMillis();
        String target = request.get().target();
        if (!healthyPrimary || o.self().equals(target)) {
            return Optional.empty();
        }
        Optional<String> candidate = HaDecision.handoverCandidate(target == null ? o : onlyPeer(o, target));
        if (candidate.isEmpty()) {
            return Optional.empty();
        }
        List<Action> actions = new ArrayList<>();
        actions.add(new StopFast());
        actions.add(new ReleaseLease(candidate.get()));
        if (Role.ofLabel(o.ownRoleLabel()) != Role.NONE) {
            actions.add(new PublishRole(Role.NONE));
        }
        return Optional.of(new Decision(actions, "planned switchover " + request.get().uid() + ": handing over to "
                + candidate.get(), false));
    }

    private static Observation onlyPeer(Observation o, String target) {
        PeerView peer = o.peers().get(target);
        Map<String, PeerView> peers = peer == null ? Map.of() : Map.of(target, peer);
        return new Observation(o.self(), o.selfAddress(), o.config(), o.local(), o.lease(), peers, o.ownRoleLabel(),
                o.leaderProbe(), o.memory(), o.shuttingDown(), o.apiReachable(), o.primaryDownMillis());
    }
}
