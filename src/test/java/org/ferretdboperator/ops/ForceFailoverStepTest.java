package org.ferretdboperator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferretdboperator.contract.ForceFailoverRequest;
import org.ferretdboperator.contract.ForcedFailoverRecord;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.junit.jupiter.api.Test;

/** {@link ForceFailoverStep} branch by branch: pg-0 (term 3) lost with pg-1, pg-2 blocked, unless said otherwise. */
class ForceFailoverStepTest {

    static final List<String> MEMBERS = List.of("pg-0", "pg-1", "pg-2");
    static final LeaderRecord RECORD = new LeaderRecord("pg-0:5432", 4990, 2, TimelineHistory.EMPTY, 42L,
            Set.of("pg-1", "pg-2"), 1, null, Lsn.UNKNOWN);

    static Lease lease(String rv, int term, Map<String, String> extra) {
        Map<String, String> annotations = new HashMap<>(LeaseAnnotations.encode(RECORD));
        annotations.putAll(extra);
        return new LeaseBuilder().withNewMetadata().withName("pg-leader").withResourceVersion(rv).withAnnotations(annotations)
                .endMetadata().withNewSpec().withHolderIdentity("pg-0").withLeaseTransitions(term).endSpec().build();
    }

    static MemberState standby(String claimedVersion) {
        return new MemberState(MemberState.STANDBY, 2, 4000, false, null, true, "pg-2:5432", false, claimedVersion, 42L, 1);
    }

    static ForceFailoverStep.Facts facts(Lease lease, Map<String, MemberState> states, List<String> candidates,
            boolean applyAlways, boolean requestedBefore, boolean pastDeadline) {
        return new ForceFailoverStep.Facts("pg", "uid-1", applyAlways, candidates, MEMBERS,
                ForceFailoverStep.LeaseFacts.of(lease), states, requestedBefore, pastDeadline);
    }

    static ForceFailoverStep.Next blocked(List<String> candidates) {
        // pg-0 killed with its pod: its last published state says primary, and is not trusted either way
        MemberState stalePrimary = new MemberState(MemberState.PRIMARY, 2, 4990, false, null, true, "pg-0:5432", false, null,
                42L, 9);
        return ForceFailoverStep.next(facts(lease("100", 3, Map.of()), Map.of("pg-0", stalePrimary, "pg-2", standby("100")),
                candidates, true, false, false));
    }

    @Test
    void aBlockedElectionIsAdmittedForTheLeasesTermAndVersion() {
        assertThat(blocked(List.of("pg-2"))).isEqualTo(new ForceFailoverStep.Request(3, "100", List.of("pg-2")));
        assertThat(blocked(List.of())).isEqualTo(new ForceFailoverStep.Request(3, "100", List.of()));
    }

    @Test
    void onlyWithApplyAlways() {
        ForceFailoverStep.Next next = ForceFailoverStep.next(facts(lease("100", 3, Map.of()), Map.of("pg-2", standby("100")),
                List.of(), false, false, false));
        assertThat(next).isInstanceOfSatisfying(ForceFailoverStep.Fail.class,
                f -> assertThat(f.message()).startsWith("spec.apply: "));
    }

    @Test
    void aCandidateThatIsNotAMemberIsNamed() {
        assertThat(blocked(List.of("pg-9"))).isEqualTo(new ForceFailoverStep.Fail("spec.forceFailOver.candidates: pg-9 is "
                + "not a member of Postgres pg (members pg-0, pg-1, pg-2); nothing was changed"));
    }

    @Test
    void notBlockedWhileNoMemberClaimsTheCurrentLeaseVersionLapsed() {
        // a claim for an earlier version: the Lease was renewed (or taken) since
        ForceFailoverStep.Next next = ForceFailoverStep.next(facts(lease("101", 3, Map.of()), Map.of("pg-2", standby("100")),
                List.of(), true, false, false));
        assertThat(next).isInstanceOfSatisfying(ForceFailoverStep.Fail.class,
                f -> assertThat(f.message()).startsWith("failover is not blocked: no member has published that it saw the "
                        + "Lease (holder pg-0, term 3) go unrenewed"));
    }

    @Test
    void refusedWhenNoCandidateIsAStandbyThatSawTheLapse() {
        assertThat(blocked(List.of("pg-1"))).isInstanceOfSatisfying(ForceFailoverStep.Fail.class,
                f -> assertThat(f.message()).startsWith("spec.forceFailOver.candidates: none of [pg-1] is a running standby "
                        + "that saw the Lease lapse (members that did: [pg-2])"));
    }

    @Test
    void refusedWithoutALeaseOrWithoutAnElectionRecord() {
        assertThat(ForceFailoverStep.next(facts(null, Map.of(), List.of(), true, false, false)))
                .isInstanceOfSatisfying(ForceFailoverStep.Fail.class, f -> assertThat(f.message()).contains("has no Lease"));
        Lease empty = new LeaseBuilder().withNewMetadata().withName("pg-leader").withResourceVersion("5").endMetadata()
                .withNewSpec().endSpec().build();
        assertThat(ForceFailoverStep.next(facts(empty, Map.of("pg-2", standby("5")), List.of(), true, false, false)))
                .isInstanceOfSatisfying(ForceFailoverStep.Fail.class,
                        f -> assertThat(f.message()).contains("carries no election record"));
    }

    @Test
    void waitsWhileItsRequestIsOnTheLeaseInItsTerm() {
        Lease requested = lease("102", 3, new ForceFailoverRequest("uid-1", 3, List.of("pg-2"), null).encode());
        ForceFailoverStep.Next next = ForceFailoverStep.next(facts(requested, Map.of(), List.of("pg-2"), true, true, false));
        assertThat(next).isEqualTo(new ForceFailoverStep.Wait("waiting for the most advanced reachable candidate among "
                + "[pg-2] to take over the Lease from term 3"));
        assertThat(ForceFailoverStep.next(facts(requested, Map.of(), List.of("pg-2"), true, true, true)))
                .isInstanceOfSatisfying(ForceFailoverStep.Fail.class,
                        f -> assertThat(f.message()).startsWith("no candidate took over before the timeout"));
    }

    @Test
    void succeedsWithTheRecordThePromotedMemberWrote() {
        ForcedFailoverRecord record = new ForcedFailoverRecord("uid-1", 4, "pg-2", 4000, "pg-0", 4990);
        Map<String, String> annotations = new HashMap<>(record.encode());
        annotations.putAll(new ForceFailoverRequest("uid-1", 3, List.of(), null).encode());
        ForceFailoverStep.Next next = ForceFailoverStep.next(facts(lease("103", 4, annotations), Map.of(), List.of(), true,
                true, false));
        assertThat(next).isEqualTo(new ForceFailoverStep.Succeed(record, "forced failover: " + record.describe()));
        assertThat(ForceFailOver.outcome(record).getLostBytesAtLeast()).isEqualTo(990L);
        assertThat(ForceFailOver.outcome(record).getPreviousLeaderLsn()).isEqualTo(Lsn.format(4990));
    }

    @Test
    void anotherRequestsRecordIsNotThisOnesSuccess() {
        ForcedFailoverRecord earlier = new ForcedFailoverRecord("uid-0", 2, "pg-1", 100, "pg-0", 200);
        ForceFailoverStep.Next next = ForceFailoverStep.next(facts(lease("100", 3, earlier.encode()),
                Map.of("pg-2", standby("100")), List.of(), true, false, false));
        assertThat(next).isInstanceOf(ForceFailoverStep.Request.class);
    }

    @Test
    void aLeaseThatMovedWithoutTheRecordEndsTheRequestSayingNothingWasLostByIt() {
        Lease moved = lease("104", 4, new ForceFailoverRequest("uid-1", 3, List.of(), null).encode());
        assertThat(ForceFailoverStep.next(facts(moved, Map.of(), List.of(), true, true, false)))
                .isInstanceOfSatisfying(ForceFailoverStep.Fail.class,
                        f -> assertThat(f.message()).endsWith("nothing was lost by this request"));
    }

    @Test
    void aRequestRemovedBehindItsBackFails() {
        assertThat(ForceFailoverStep.next(facts(lease("105", 3, Map.of()), Map.of(), List.of(), true, true, false)))
                .isInstanceOfSatisfying(ForceFailoverStep.Fail.class,
                        f -> assertThat(f.message()).startsWith("the force failover request was removed from the Lease"));
    }
}
