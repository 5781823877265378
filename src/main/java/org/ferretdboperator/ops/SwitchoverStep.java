package org.ferretdboperator.ops;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.support.Labels;

/**
 * The operator's judgement of a planned switchover, a pure function of what it observed: write the request on the
 * Lease, wait, or end the step. The coordinators do the switchover itself.
 */
final class SwitchoverStep {

    /** What the reconciler observed this time. */
    record Facts(String postgres, String uid, String target, List<String> members, Optional<String> holder,
            Optional<SwitchoverRequest> onLease, LeaseSwitchover.Progress progress, boolean requestedBefore,
            Map<String, String> roleLabels, String postgresPhase, String postgresPrimary, boolean pastDeadline) {
    }

    sealed interface Next {
    }

    record Request(String target) implements Next {
    }

    record Wait(String why) implements Next {
    }

    record Succeed(String message) implements Next {
    }

    record Fail(String message) implements Next {
    }

    private SwitchoverStep() {
    }

    static Next next(Facts f) {
        if (f.target() != null && !f.members().contains(f.target())) {
            return new Fail("spec.switchover.target: " + f.target() + " is not a member of Postgres " + f.postgres()
                    + " (members " + String.join(", ", f.members()) + "); nothing was changed");
        }
        Optional<SwitchoverRequest> ours = f.onLease().filter(r -> r.uid().equals(f.uid()));
        if (ours.isEmpty()) {
            if (f.requestedBefore()) {
                return new Fail("the switchover request was removed from the Lease before the handover finished");
            }
            if (f.holder().isEmpty()) {
                return f.pastDeadline() ? new Fail("the Lease had no holder to hand over until the timeout")
                        : new Wait("the Lease has no holder (a failover in progress?): waiting for a primary to hand over");
            }
            if (f.target() != null && f.target().equals(f.holder().get())) {
                return new Succeed(f.target() + " is already the primary; nothing was changed");
            }
            if (f.onLease().isPresent()) {
                return f.pastDeadline() ? new Fail("another switchover request (" + f.onLease().get().uid()
                        + ") stayed on the Lease until the timeout")
                        : new Wait("another switchover request (" + f.onLease().get().uid() + ") is on the Lease");
            }
            return new Request(f.target());
        }
        SwitchoverRequest r = ours.get();
        String to = f.target() == null ? "the most advanced eligible standby" : f.target();
        return switch (f.progress()) {
            case WAITING -> f.pastDeadline()
                    ? new Fail(r.from() + " did not hand over to " + to + " before the timeout: the target must be a healthy "
                            + "standby streaming from the primary (and in the synchronous set in Synchronous mode); nothing was changed")
                    : new Wait("waiting for " + r.from() + " to hand over to " + to);
            case GONE -> f.pastDeadline() ? new Fail("the Lease lost its holder during the switchover and none returned before "
                    + "the timeout") : new Wait("the Lease has no holder: waiting for one");
            case HANDED_OVER -> handedOver(f, r);
        };
    }

    private static Next handedOver(Facts f, SwitchoverRequest r) {
        String now = f.holder().orElse("");
        if (f.target() != null && !f.target().equals(now)) {
            return new Fail("the Lease went to " + now + ", not to spec.switchover.target " + f.target()
                    + " (a failover intervened)");
        }
        boolean settled = Labels.ROLE_PRIMARY.equals(f.roleLabels().get(now))
                && Labels.ROLE_SECONDARY.equals(f.roleLabels().get(r.from()))
                && Objects.equals(f.postgresPrimary(), now) && "Ready".equals(f.postgresPhase());
        if (settled) {
            return new Succeed("the primary moved from " + r.from() + " to " + now + "; " + r.from() + " follows it as a standby");
        }
        return f.pastDeadline() ? new Fail(now + " took over from " + r.from() + ", but Postgres " + f.postgres()
                + " was not Ready with " + r.from() + " as a standby before the timeout")
                : new Wait(now + " took over from " + r.from() + "; waiting for " + r.from() + " to follow it and Postgres "
                        + f.postgres() + " to be Ready");
    }
}
