package org.ferretdboperator.ops;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.ferretdboperator.contract.ForceFailoverRequest;
import org.ferretdboperator.contract.ForcedFailoverRecord;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.coordinator.decision.MemberState;

/**
 * The operator's judgement of a ForceFailOver, a pure function of what it observed: refuse it, write the request on
 * the Lease, wait, or end the step. The coordinators choose and promote the member ({@code coordinator/decision/
 * ForcedFailover}); the operator never touches PostgreSQL.
 *
 * <p>Admission: {@code apply: Always}; every candidate a member; the Lease carries an election record; and the
 * election is blocked, as the coordinators themselves published it: some member claims a final WAL position for the
 * Lease's current resourceVersion (it watched that version go unrenewed for a whole leaseDuration on its own monotonic
 * clock, with its WAL receiver stopped), so no leader renews the Lease and no member has taken it since; and at least
 * one candidate is a running standby making that claim. A primary's last published state is not trusted either way:
 * a member killed with its pod leaves it behind.
 */
public final class ForceFailoverStep {

    /** The Lease as observed: its term and version, and what the contract annotations on it say. */
    public record LeaseFacts(boolean exists, String holder, String resourceVersion, int transitions, boolean recordPresent,
            Optional<ForceFailoverRequest> request, Optional<ForcedFailoverRecord> forced) {

        public static LeaseFacts of(Lease lease) {
            if (lease == null) {
                return new LeaseFacts(false, "", null, 0, false, Optional.empty(), Optional.empty());
            }
            Map<String, String> annotations = lease.getMetadata().getAnnotations() == null ? Map.of()
                    : lease.getMetadata().getAnnotations();
            String holder = lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null ? ""
                    : lease.getSpec().getHolderIdentity();
            Integer transitions = lease.getSpec() == null ? null : lease.getSpec().getLeaseTransitions();
            return new LeaseFacts(true, holder, lease.getMetadata().getResourceVersion(), transitions == null ? 0 : transitions,
                    LeaseAnnotations.decode(annotations).systemIdentifier() != 0, ForceFailoverRequest.decode(annotations),
                    ForcedFailoverRecord.decode(annotations));
        }
    }

    /**
     * What the reconciler observed this time.
     *
     * @param states          each member's published state, by member; a member without one is absent
     * @param requestedBefore this OpsRequest already wrote its request on the Lease
     */
    public record Facts(String postgres, String uid, boolean applyAlways, List<String> candidates, List<String> members,
            LeaseFacts lease, Map<String, MemberState> states, boolean requestedBefore, boolean pastDeadline) {
    }

    public sealed interface Next {
    }

    /** Write the request for the Lease's current term and version. */
    public record Request(int term, String resourceVersion, List<String> candidates) implements Next {
    }

    public record Wait(String why) implements Next {
    }

    public record Succeed(ForcedFailoverRecord record, String message) implements Next {
    }

    public record Fail(String message) implements Next {
    }

    private ForceFailoverStep() {
    }

    public static Next next(Facts f) {
        if (!f.applyAlways()) {
            return new Fail("spec.apply: a ForceFailOver may lose acknowledged transactions, so it is admitted only with "
                    + "apply: Always; nothing was changed");
        }
        for (String candidate : f.candidates()) {
            if (!f.members().contains(candidate)) {
                return new Fail("spec.forceFailOver.candidates: " + candidate + " is not a member of Postgres " + f.postgres()
                        + " (members " + String.join(", ", f.members()) + "); nothing was changed");
            }
        }
        LeaseFacts lease = f.lease();
        Optional<ForcedFailoverRecord> done = lease.forced().filter(r -> r.uid().equals(f.uid()));
        if (done.isPresent()) {
            return new Succeed(done.get(), "forced failover: " + done.get().describe());
        }
        Optional<ForceFailoverRequest> ours = lease.request().filter(r -> r.uid().equals(f.uid()));
        if (ours.isPresent()) {
            ForceFailoverRequest r = ours.get();
            if (lease.transitions() != r.term()) {
                return new Fail("the Lease moved to " + (lease.holder().isEmpty() ? "no holder" : lease.holder()) + " (term "
                        + lease.transitions() + ") without a forced failover: an ordinary failover or the old leader's "
                        + "return ended the blocked election first; nothing was lost by this request");
            }
            if (f.pastDeadline()) {
                return new Fail("no candidate took over before the timeout: a candidate must be a running standby of the "
                        + "same cluster, on the last leader's timeline or later, that saw the Lease lapse, and no reachable "
                        + "candidate may be further ahead (see the coordinators' logs); nothing was changed");
            }
            return new Wait("waiting for the most advanced reachable candidate" + (r.candidates().isEmpty() ? ""
                    : " among " + r.candidates()) + " to take over the Lease from term " + r.term());
        }
        if (f.requestedBefore()) {
            return new Fail("the force failover request was removed from the Lease before a candidate took over; nothing "
                    + "was changed by it");
        }
        return admission(f);
    }

    private static Next admission(Facts f) {
        LeaseFacts lease = f.lease();
        if (!lease.exists()) {
            return new Fail("Postgres " + f.postgres() + " has no Lease (never bootstrapped, or halted): there is no blocked "
                    + "election to force; nothing was changed");
        }
        if (!lease.recordPresent()) {
            return new Fail("the Lease of Postgres " + f.postgres() + " carries no election record (it was deleted or "
                    + "recreated): the members elect by comparing every member's position instead, which a forced failover "
                    + "must not bypass; nothing was changed");
        }
        TreeSet<String> sawLapse = new TreeSet<>();
        TreeSet<String> readyCandidates = new TreeSet<>();
        f.states().forEach((member, s) -> {
            if (s != null && lease.resourceVersion() != null && lease.resourceVersion().equals(s.expiredLeaseVersion())) {
                sawLapse.add(member);
                if (MemberState.STANDBY.equals(s.role()) && (f.candidates().isEmpty() || f.candidates().contains(member))) {
                    readyCandidates.add(member);
                }
            }
        });
        String holder = lease.holder().isEmpty() ? "no holder" : "holder " + lease.holder();
        if (sawLapse.isEmpty()) {
            return new Fail("failover is not blocked: no member has published that it saw the Lease (" + holder + ", term "
                    + lease.transitions() + ") go unrenewed for a leaseDuration, so a leader still renews it or a failover "
                    + "is under way; nothing was changed");
        }
        if (readyCandidates.isEmpty()) {
            return new Fail("spec.forceFailOver.candidates: none of " + (f.candidates().isEmpty() ? "the members"
                    : f.candidates()) + " is a running standby that saw the Lease lapse (members that did: " + sawLapse
                    + "); nothing was changed");
        }
        return new Request(lease.transitions(), lease.resourceVersion(), f.candidates());
    }
}
