package org.ferretdboperator.ops;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.ferretdboperator.contract.MemberCount;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.support.Labels;

/**
 * The operator's judgement of a backend HorizontalScaling, a pure function of what it observed. The coordinators take
 * their members from the count announced on the Lease ({@link MemberCount}), so the operator announces the new count
 * before it changes the StatefulSet:
 * <ul>
 * <li>up: announce (the primary creates the new members' replication slots; a new member enters the synchronous set
 * only once it streams, as {@code SyncPlanner} keeps it), then raise the replicas;</li>
 * <li>down (the highest ordinals leave): a primary among them first hands over to a remaining member of the recorded
 * synchronous set, then the count is announced and the operator waits until the primary has narrowed its synchronous
 * set and recorded the narrowed set on the Lease (PostgreSQL's setting first, the record after it), and only then
 * lowers the replicas;</li>
 * </ul>
 * then waits for the StatefulSet to run every member with the new count (its template's {@code REPLICAS} changed, so
 * the StatefulSet controller restarts the remaining members one at a time, the primary with a graceful handover) and
 * every member back Ready in its role, and withdraws the announcement.
 */
final class HorizontalScale {

    /**
     * What the reconciler observed this time.
     *
     * @param postgres       the Postgres object's name
     * @param uid            the request's uid
     * @param target         spec.horizontalScaling.replicas
     * @param specReplicas   the Postgres object's spec.replicas now
     * @param announced      the member count on the Lease, if any
     * @param holder         the Lease's holder
     * @param recordedSync   the synchronous set recorded on the Lease (the streaming standbys in Asynchronous mode)
     * @param ownSwitchover  this request's switchover request on the Lease, if any
     * @param switchoverPending the holder it addresses still holds the Lease in its term (it has to act on it)
     * @param pods           the member pods as observed
     * @param memberNames    the pod names of ordinals 0..max(target, specReplicas)-1
     * @param rolledOut      the StatefulSet runs {@code specReplicas} pods of its current template, all ready
     * @param postgresReady  the Postgres object's phase is Ready
     * @param pastDeadline   the request's timeout has passed
     */
    record Facts(String postgres, String uid, int target, int specReplicas, Optional<MemberCount> announced,
            Optional<String> holder, Set<String> recordedSync, Optional<SwitchoverRequest> ownSwitchover,
            boolean switchoverPending, List<RollingRestart.PodView> pods, List<String> memberNames, boolean rolledOut,
            boolean postgresReady, boolean pastDeadline) {
    }

    sealed interface Next {
    }

    /** Write the member count on the Lease. */
    record Announce(MemberCount count) implements Next {
    }

    /** Ask the holder (a leaving member) to hand over to {@code target}. */
    record HandOver(String target) implements Next {
    }

    /** Set the replicas (on the FerretDB's backend when a FerretDB owns the Postgres, else on the Postgres). */
    record SetReplicas(int replicas) implements Next {
    }

    record Wait(String why) implements Next {
    }

    record Done(String message) implements Next {
    }

    record Fail(String message) implements Next {
    }

    private HorizontalScale() {
    }

    static Next next(Facts f) {
        Next next = step(f);
        if (f.pastDeadline() && next instanceof Wait w) {
            return new Fail("the scaling to " + f.target() + " members did not finish before the timeout: " + w.why());
        }
        return next;
    }

    private static Next step(Facts f) {
        MemberCount wanted = new MemberCount(f.uid(), f.target());
        boolean announced = f.announced().filter(wanted::equals).isPresent();
        if (f.specReplicas() == f.target()) {
            Optional<String> unsettled = unsettled(f);
            if (unsettled.isPresent()) {
                return new Wait(unsettled.get());
            }
            return new Done("Postgres " + f.postgres() + " runs " + f.target() + " members ("
                    + String.join(", ", f.memberNames().subList(0, f.target())) + "), each back in its role");
        }
        if (f.announced().isPresent() && !announced && !f.announced().get().uid().equals(f.uid())) {
            return new Wait("another member count (" + f.announced().get().uid() + ") is announced on the Lease");
        }
        if (f.target() > f.specReplicas()) {
            return announced ? new SetReplicas(f.target()) : new Announce(wanted);
        }
        Set<String> leaving = new TreeSet<>(f.memberNames().subList(f.target(), f.specReplicas()));
        if (f.holder().isEmpty()) {
            return new Wait("the Lease has no holder (a failover in progress?): waiting for a primary");
        }
        String holder = f.holder().get();
        if (leaving.contains(holder)) {
            if (f.ownSwitchover().isPresent() && f.switchoverPending()) {
                return new Wait("waiting for " + holder + " to hand over to " + f.ownSwitchover().get().target()
                        + " before it is removed");
            }
            Optional<String> successor = f.memberNames().subList(0, f.target()).stream()
                    .filter(f.recordedSync()::contains)
                    .filter(m -> role(f, m).filter(Labels.ROLE_SECONDARY::equals).isPresent())
                    .findFirst();
            return successor.<Next>map(HandOver::new).orElseGet(() -> new Wait("the primary " + holder + " is to be removed and "
                    + "no remaining member is a streaming standby in the recorded synchronous set " + f.recordedSync()
                    + " to hand over to"));
        }
        if (!announced) {
            return new Announce(wanted);
        }
        Set<String> stillNeeded = new TreeSet<>(f.recordedSync());
        stillNeeded.retainAll(leaving);
        if (!stillNeeded.isEmpty()) {
            return new Wait("waiting for " + holder + " to take " + stillNeeded + " out of its synchronous set (recorded "
                    + new TreeSet<>(f.recordedSync()) + ") before they are removed");
        }
        return new SetReplicas(f.target());
    }

    /** Why the scaled StatefulSet is not settled yet, if it is not. */
    private static Optional<String> unsettled(Facts f) {
        if (!f.rolledOut()) {
            return Optional.of("waiting for the StatefulSet to run " + f.target() + " ready members of its current template");
        }
        List<String> members = f.memberNames().subList(0, f.target());
        long primaries = 0;
        for (String member : members) {
            Optional<RollingRestart.PodView> pod = f.pods().stream().filter(p -> p.name().equals(member)).findFirst();
            if (pod.isEmpty() || pod.get().deleting() || !pod.get().ready()) {
                return Optional.of("waiting for " + member + " to be Ready");
            }
            String role = pod.get().role();
            if (!Labels.ROLE_PRIMARY.equals(role) && !Labels.ROLE_SECONDARY.equals(role)) {
                return Optional.of("waiting for " + member + " to take its role");
            }
            primaries += Labels.ROLE_PRIMARY.equals(role) ? 1 : 0;
        }
        if (primaries != 1 || f.holder().filter(members::contains).isEmpty()) {
            return Optional.of("waiting for exactly one primary among " + members + " holding the Lease");
        }
        if (!f.postgresReady()) {
            return Optional.of("waiting for Postgres " + f.postgres() + " to be Ready");
        }
        return Optional.empty();
    }

    private static Optional<String> role(Facts f, String member) {
        return f.pods().stream().filter(p -> p.name().equals(member)).findFirst().map(RollingRestart.PodView::role);
    }

    /** What cannot be honoured in the request's fields, starting with the field; empty when it can be carried out. */
    static Optional<String> problem(Integer replicas, String standbyMode, String streamingMode, String postgres, boolean halted) {
        if (replicas == null) {
            return Optional.of("spec.horizontalScaling.replicas: required for HorizontalScaling");
        }
        if (replicas < 2) {
            return Optional.of("spec.horizontalScaling.replicas: " + replicas + " is below 2 (a member leaves only while "
                    + "another standby can take its place in the synchronous set; a single member is not supported by "
                    + "this operator's HorizontalScaling)");
        }
        if (standbyMode != null) {
            return Optional.of("spec.horizontalScaling.standbyMode: not changed by a HorizontalScaling here; set "
                    + "spec.standbyMode on Postgres " + postgres);
        }
        if (streamingMode != null) {
            return Optional.of("spec.horizontalScaling.streamingMode: not changed by a HorizontalScaling here; set "
                    + "spec.streamingMode on Postgres " + postgres);
        }
        if (halted) {
            return Optional.of("spec.databaseRef.name: Postgres " + postgres + " is halted (spec.halted); resume it first");
        }
        return Optional.empty();
    }
}
