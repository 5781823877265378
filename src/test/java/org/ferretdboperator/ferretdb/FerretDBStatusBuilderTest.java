package org.ferretdboperator.ferretdb;

import org.ferretdboperator.status.Problem;
import org.ferretdboperator.status.Conditions;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.FerretDBStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FerretDBStatusBuilderTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

    /** After the first Ready: backend phase, ready primary/secondary servers (of 2 each) -> phase. */
    @ParameterizedTest(name = "backend {0}, primary {1}/2, secondary {2}/2 -> {3}")
    @CsvSource({
        "READY,      2, 2, READY",
        "READY,      2, 1, CRITICAL",
        "READY,      1, 2, CRITICAL",
        "CRITICAL,   2, 2, CRITICAL",
        "READY,      0, 2, NOT_READY",
        "NOT_READY,  2, 2, NOT_READY",
        "PROVISIONING, 2, 2, NOT_READY",
        ",           2, 2, NOT_READY",
    })
    void phaseFollowsTheChildrenOnceProvisioned(Phase backend, int primary, int secondary, Phase expected) {
        FerretDB ferret = provisioned();
        FerretDBStatus status = build(ferret, backend, primary, secondary, List.of(), T1);
        assertThat(status.getPhase()).isEqualTo(expected);
        assertThat(condition(status, Conditions.READY).getStatus())
                .isEqualTo(expected == Phase.READY ? "True" : "False");
        assertThat(condition(status, Conditions.PROVISIONED).getStatus()).isEqualTo("True");
    }

    @Test
    void provisioningUntilEverythingHasBeenReadyOnce() {
        FerretDB ferret = Fixtures.seedLike();
        FerretDBStatus partly = build(ferret, Phase.READY, 2, 1, List.of(), T0);
        assertThat(partly.getPhase()).isEqualTo(Phase.PROVISIONING);
        assertThat(condition(partly, Conditions.PROVISIONED).getStatus()).isEqualTo("False");
        assertThat(condition(partly, Conditions.ACCEPTING_CONNECTION).getStatus()).isEqualTo("True");
        assertThat(condition(partly, Conditions.REPLICA_READY).getMessage())
                .isEqualTo("primary servers 2/2 ready, secondary servers 1/2 ready, backend Postgres is Ready");

        FerretDBStatus ready = build(ferret, Phase.READY, 2, 2, List.of(), T0);
        assertThat(ready.getPhase()).isEqualTo(Phase.READY);
        assertThat(condition(ready, Conditions.PROVISIONED).getStatus()).isEqualTo("True");
    }

    @Test
    void haltedWins() {
        FerretDB ferret = provisioned();
        ferret.getSpec().setHalted(true);
        FerretDBStatus status = build(ferret, Phase.HALTED, 0, 0, List.of(), T1);
        assertThat(status.getPhase()).isEqualTo(Phase.HALTED);
        assertThat(condition(status, Conditions.READY).getReason()).isEqualTo(Conditions.REASON_HALTED);
        assertThat(condition(status, Conditions.READY).getMessage()).contains("spec.halted");
    }

    @Test
    void ferretdb1WithOnePrimaryServerReadyIsReadyAndSaysWhyItRunsOne() {
        FerretDB ferret = Fixtures.seedLike();
        FerretDBStatus status = FerretDBStatusBuilder.build(ferret, Fixtures.v1(), new ObservedChildren(
                Optional.of(Fixtures.backend(Phase.READY)),
                Optional.of(Fixtures.statefulSet("ferret", 1, 1)),
                Optional.of(Fixtures.statefulSet("ferret-secondary", 2, 2))), List.of(), T0);
        assertThat(status.getPhase()).isEqualTo(Phase.READY);
        assertThat(condition(status, Conditions.READY).getMessage()).contains("primary servers 1/1 ready")
                .contains("spec.server.primary.replicas is 2").contains("FerretDB 1.x runs one primary server");
        FerretDBStatus v2 = FerretDBStatusBuilder.build(ferret, Fixtures.v2(), new ObservedChildren(
                Optional.of(Fixtures.backend(Phase.READY)),
                Optional.of(Fixtures.statefulSet("ferret", 2, 1)),
                Optional.of(Fixtures.statefulSet("ferret-secondary", 2, 2))), List.of(), T0);
        assertThat(condition(v2, Conditions.READY).getMessage()).contains("primary servers 1/2 ready")
                .doesNotContain("FerretDB 1.x");
    }

    @Test
    void aProblemBeforeAnythingExistsIsNotReadyAndNamesTheField() {
        FerretDB ferret = Fixtures.seedLike();
        Problem problem = new Problem(Problem.INVALID_VERSION, "spec.version", "spec.version: FerretDBVersion \"9.9.9\" does not exist");
        FerretDBStatus status = FerretDBStatusBuilder.build(ferret,
                new ObservedChildren(Optional.empty(), Optional.empty(), Optional.empty()), List.of(problem), T0);
        assertThat(status.getPhase()).isEqualTo(Phase.NOT_READY);
        Condition ready = condition(status, Conditions.READY);
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidVersion");
        assertThat(ready.getMessage()).isEqualTo(problem.message());
        assertThat(condition(status, Conditions.PROVISIONING_STARTED).getStatus()).isEqualTo("False");
    }

    @Test
    void aProblemWhileServingCapsThePhaseAtCritical() {
        FerretDB ferret = provisioned();
        Problem problem = new Problem(Problem.AUTH_SECRET_NOT_FOUND, "spec.authSecret.name", "spec.authSecret.name: Secret \"x\" not found");
        FerretDBStatus status = build(ferret, Phase.READY, 2, 2, List.of(problem), T1);
        assertThat(status.getPhase()).isEqualTo(Phase.CRITICAL);
        assertThat(condition(status, Conditions.READY).getReason()).isEqualTo("AuthSecretNotFound");
    }

    @Test
    void transitionTimesMoveOnlyWhenAConditionFlips() {
        FerretDB ferret = Fixtures.seedLike();
        ferret.setStatus(build(ferret, Phase.READY, 2, 2, List.of(), T0));
        FerretDBStatus same = build(ferret, Phase.READY, 2, 2, List.of(), T1);
        assertThat(condition(same, Conditions.READY).getLastTransitionTime()).isEqualTo(T0.toString());
        assertThat(same.getConditions()).isEqualTo(ferret.getStatus().getConditions());

        FerretDBStatus flipped = build(ferret, Phase.NOT_READY, 2, 2, List.of(), T1);
        assertThat(condition(flipped, Conditions.READY).getLastTransitionTime()).isEqualTo(T1.toString());
        assertThat(condition(flipped, Conditions.PROVISIONED).getLastTransitionTime()).isEqualTo(T0.toString());
    }

    @Test
    void observedGenerationIsTheObjectsGeneration() {
        FerretDB ferret = Fixtures.seedLike();
        ferret.getMetadata().setGeneration(7L);
        FerretDBStatus status = build(ferret, Phase.READY, 2, 2, List.of(), T0);
        assertThat(status.getObservedGeneration()).isEqualTo(7L);
        assertThat(status.getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(7L));
    }

    @Test
    void withoutSecondaryServersOnlyThePrimaryGroupCounts() {
        FerretDB ferret = Fixtures.ferretdb("f", "ns");
        FerretDBStatus status = FerretDBStatusBuilder.build(ferret, new ObservedChildren(
                Optional.of(Fixtures.backend(Phase.READY)), Optional.of(Fixtures.statefulSet("f", 1, 1)),
                Optional.empty()), List.of(), T0);
        assertThat(status.getPhase()).isEqualTo(Phase.READY);
        assertThat(condition(status, Conditions.REPLICA_READY).getMessage()).doesNotContain("secondary");
    }

    @Test
    void aBackendMemberThatCannotRunIsNamedInReplicaReady() {
        FerretDB ferret = Fixtures.seedLike();
        org.ferretdboperator.api.postgres.Postgres backend = Fixtures.backend(Phase.PROVISIONING);
        backend.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType(Conditions.REPLICA_READY).withStatus("False").withReason(Conditions.REASON_MEMBER_CANNOT_RUN)
                .withMessage("ferret-pg-backend-0: the image lacks pg_documentdb.so").build()));
        FerretDBStatus status = FerretDBStatusBuilder.build(ferret, new ObservedChildren(Optional.of(backend),
                Optional.of(Fixtures.statefulSet("ferret", 2, 0)), Optional.of(Fixtures.statefulSet("ferret-secondary", 2, 0))),
                List.of(), T0);
        Condition replicaReady = condition(status, Conditions.REPLICA_READY);
        assertThat(replicaReady.getReason()).isEqualTo(Conditions.REASON_MEMBER_CANNOT_RUN);
        assertThat(replicaReady.getMessage())
                .isEqualTo("backend Postgres: ferret-pg-backend-0: the image lacks pg_documentdb.so");
    }

    private static FerretDB provisioned() {
        FerretDB ferret = Fixtures.seedLike();
        ferret.setStatus(build(ferret, Phase.READY, 2, 2, List.of(), T0));
        assertThat(ferret.getStatus().getPhase()).isEqualTo(Phase.READY);
        return ferret;
    }

    private static FerretDBStatus build(FerretDB ferret, Phase backend, int primary, int secondary,
            List<Problem> problems, Instant now) {
        return FerretDBStatusBuilder.build(ferret, new ObservedChildren(
                Optional.of(Fixtures.backend(backend)),
                Optional.of(Fixtures.statefulSet("ferret", 2, primary)),
                Optional.of(Fixtures.statefulSet("ferret-secondary", 2, secondary))), problems, now);
    }

    private static Condition condition(FerretDBStatus status, String type) {
        return Conditions.find(status.getConditions(), type).orElseThrow();
    }
}
