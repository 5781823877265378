package org.ferretdboperator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.contract.MemberCount;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.ops.RollingRestart.PodView;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HorizontalScaleTest {

    static final String UID = "req-1";
    static final String T = "2026-12-06T12:00:00Z";

    /** A mutable picture of one observation, like the decision tests' builder. */
    static final class F {
        int target;
        int specReplicas;
        Optional<MemberCount> announced = Optional.empty();
        Optional<String> holder = Optional.of("pg-0");
        Set<String> recordedSync = Set.of();
        Optional<SwitchoverRequest> ownSwitchover = Optional.empty();
        boolean switchoverPending;
        List<PodView> pods = new ArrayList<>();
        boolean rolledOut;
        boolean postgresReady;
        boolean pastDeadline;

        F(int specReplicas, int target) {
            this.specReplicas = specReplicas;
            this.target = target;
        }

        F roles(String... roles) {
            pods.clear();
            for (int i = 0; i < roles.length; i++) {
                pods.add(new PodView("pg-" + i, T, roles[i] != null, roles[i], false));
            }
            return this;
        }

        F announced(int replicas) {
            announced = Optional.of(new MemberCount(UID, replicas));
            return this;
        }

        HorizontalScale.Next next() {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < Math.max(target, specReplicas); i++) {
                names.add("pg-" + i);
            }
            return HorizontalScale.next(new HorizontalScale.Facts("pg", UID, target, specReplicas, announced, holder, recordedSync,
                    ownSwitchover, switchoverPending, pods, names, rolledOut, postgresReady, pastDeadline));
        }
    }

    @Nested
    class Up {

        @Test
        void announcesTheNewCountBeforeTheStatefulSetChanges() {
            F f = new F(3, 5).roles("primary", "secondary", "secondary");
            assertThat(f.next()).isEqualTo(new HorizontalScale.Announce(new MemberCount(UID, 5)));
            f.announced(5);
            assertThat(f.next()).isEqualTo(new HorizontalScale.SetReplicas(5));
        }

        @Test
        void anotherRequestsAnnouncementIsNeverOverwritten() {
            F f = new F(3, 5).roles("primary", "secondary", "secondary");
            f.announced = Optional.of(new MemberCount("someone-else", 4));
            assertThat(f.next()).isInstanceOf(HorizontalScale.Wait.class);
        }

        @Test
        void succeedsOnlyOnceEveryMemberRunsTheNewTemplateReadyInItsRole() {
            F f = new F(5, 5).announced(5).roles("primary", "secondary", "secondary", "secondary", null);
            assertThat(f.next()).as("StatefulSet still rolling").isInstanceOf(HorizontalScale.Wait.class);
            f.rolledOut = true;
            assertThat(f.next()).as("pg-4 not streaming yet").isEqualTo(new HorizontalScale.Wait("waiting for pg-4 to be Ready"));
            f.roles("primary", "secondary", "secondary", "secondary", "secondary");
            assertThat(f.next()).as("Postgres not Ready").isInstanceOf(HorizontalScale.Wait.class);
            f.postgresReady = true;
            assertThat(f.next()).isInstanceOf(HorizontalScale.Done.class);
        }

        @Test
        void twoPrimaryLabelsOrAHolderOutsideTheMembersIsNotSettled() {
            F f = new F(5, 5).roles("primary", "secondary", "primary", "secondary", "secondary");
            f.rolledOut = true;
            f.postgresReady = true;
            assertThat(f.next()).isInstanceOf(HorizontalScale.Wait.class);
        }

        @Test
        void aTimeoutFailsNamingWhatWasAwaited() {
            F f = new F(5, 5).announced(5).roles("primary", "secondary", "secondary", "secondary", null);
            f.rolledOut = true;
            f.pastDeadline = true;
            assertThat(f.next()).isEqualTo(new HorizontalScale.Fail("the scaling to 5 members did not finish before the "
                    + "timeout: waiting for pg-4 to be Ready"));
        }
    }

    @Nested
    class Down {

        @Test
        void announcesThenWaitsForTheSynchronousSetToDropTheLeavingMembersThenLowersTheReplicas() {
            F f = new F(5, 3).roles("primary", "secondary", "secondary", "secondary", "secondary");
            f.recordedSync = Set.of("pg-1", "pg-2", "pg-3", "pg-4");
            assertThat(f.next()).isEqualTo(new HorizontalScale.Announce(new MemberCount(UID, 3)));
            f.announced(3);
            assertThat(f.next()).isEqualTo(new HorizontalScale.Wait("waiting for pg-0 to take [pg-3, pg-4] out of its "
                    + "synchronous set (recorded [pg-1, pg-2, pg-3, pg-4]) before they are removed"));
            f.recordedSync = Set.of("pg-1", "pg-2", "pg-4");
            assertThat(f.next()).as("one leaving member still counted").isInstanceOf(HorizontalScale.Wait.class);
            f.recordedSync = Set.of("pg-1", "pg-2");
            assertThat(f.next()).isEqualTo(new HorizontalScale.SetReplicas(3));
        }

        @Test
        void aLeavingPrimaryHandsOverToAStreamingRemainingMemberOfTheSetFirst() {
            F f = new F(5, 3).roles("secondary", null, "secondary", "secondary", "primary");
            f.holder = Optional.of("pg-4");
            f.recordedSync = Set.of("pg-1", "pg-2", "pg-3");
            // pg-0 streams but is outside the recorded set, pg-1 is not streaming: pg-2 it is; nothing announced yet
            assertThat(f.next()).isEqualTo(new HorizontalScale.HandOver("pg-2"));
            f.ownSwitchover = Optional.of(new SwitchoverRequest(UID, "pg-4", 3, "pg-2"));
            f.switchoverPending = true;
            assertThat(f.next()).isEqualTo(new HorizontalScale.Wait("waiting for pg-4 to hand over to pg-2 before it is removed"));
            f.switchoverPending = false;
            f.holder = Optional.of("pg-2");
            assertThat(f.next()).isEqualTo(new HorizontalScale.Announce(new MemberCount(UID, 3)));
        }

        @Test
        void withoutAnyRemainingStandbyInTheSetTheLeavingPrimaryStays() {
            F f = new F(4, 2).roles("secondary", "secondary", "secondary", "primary");
            f.holder = Optional.of("pg-3");
            f.recordedSync = Set.of("pg-2");
            assertThat(f.next()).isInstanceOf(HorizontalScale.Wait.class);
            f.pastDeadline = true;
            assertThat(f.next()).isInstanceOf(HorizontalScale.Fail.class);
        }

        @Test
        void noHolderMeansNoStep() {
            F f = new F(5, 3).roles("secondary", "secondary", "secondary", "secondary", "secondary");
            f.holder = Optional.empty();
            assertThat(f.next()).isInstanceOf(HorizontalScale.Wait.class);
        }

        @Test
        void removesTheHighestOrdinalsAndEndsWithTheRemainingMembersInTheirRoles() {
            F f = new F(3, 3).announced(3).roles("secondary", "primary", "secondary");
            f.holder = Optional.of("pg-1");
            f.rolledOut = true;
            f.postgresReady = true;
            assertThat(f.next()).isEqualTo(new HorizontalScale.Done("Postgres pg runs 3 members (pg-0, pg-1, pg-2), each back "
                    + "in its role"));
        }
    }

    @Nested
    class Fields {

        @Test
        void eachUnacceptableFieldIsNamed() {
            assertThat(HorizontalScale.problem(null, null, null, "pg", false)).contains(
                    "spec.horizontalScaling.replicas: required for HorizontalScaling");
            assertThat(HorizontalScale.problem(1, null, null, "pg", false)).hasValueSatisfying(
                    m -> assertThat(m).startsWith("spec.horizontalScaling.replicas: 1 is below 2"));
            assertThat(HorizontalScale.problem(3, "Warm", null, "pg", false)).hasValueSatisfying(
                    m -> assertThat(m).startsWith("spec.horizontalScaling.standbyMode: "));
            assertThat(HorizontalScale.problem(3, null, "Synchronous", "pg", false)).hasValueSatisfying(
                    m -> assertThat(m).startsWith("spec.horizontalScaling.streamingMode: "));
            assertThat(HorizontalScale.problem(3, null, null, "pg", true)).hasValueSatisfying(
                    m -> assertThat(m).startsWith("spec.databaseRef.name: Postgres pg is halted"));
            assertThat(HorizontalScale.problem(5, null, null, "pg", false)).isEmpty();
        }
    }
}
