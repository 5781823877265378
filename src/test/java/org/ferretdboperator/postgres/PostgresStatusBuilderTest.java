package org.ferretdboperator.postgres;

import org.ferretdboperator.status.Problem;
import org.ferretdboperator.status.Conditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.postgres.PostgresFixtures.member;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresStatus;
import org.ferretdboperator.contract.MemberStateCodec;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.junit.jupiter.api.Test;

class PostgresStatusBuilderTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String P = "primary";
    private static final String S = "secondary";

    private final Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);
    private final Optional<StatefulSet> sts = Optional.of(PostgresStatefulSetDependent.desired(pg, "img", Optional.empty()));

    private PostgresStatus build(List<Pod> pods) {
        return build(pods, List.of(), T0);
    }

    private PostgresStatus build(List<Pod> pods, List<Problem> problems, Instant now) {
        PostgresStatus status = PostgresStatusBuilder.build(pg, sts, pods, problems, now);
        pg.setStatus(status);
        return status;
    }

    private static Optional<Condition> condition(PostgresStatus status, String type) {
        return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
    }

    private static String conditionStatus(PostgresStatus status, String type) {
        return condition(status, type).map(Condition::getStatus).orElse(null);
    }

    private static List<Pod> allReady() {
        return List.of(member("ns", "pg", 0, true, P), member("ns", "pg", 1, true, S), member("ns", "pg", 2, true, S));
    }

    @Test
    void provisioningUntilEveryMemberHasBeenReadyOnce() {
        PostgresStatus status = build(List.of(member("ns", "pg", 0, true, P), member("ns", "pg", 1, false, null)));
        assertThat(status.getPhase()).isEqualTo(Phase.PROVISIONING);
        assertThat(conditionStatus(status, Conditions.PROVISIONING_STARTED)).isEqualTo("True");
        assertThat(condition(status, Conditions.PROVISIONED)).isEmpty();
        assertThat(condition(status, Conditions.REPLICA_READY).orElseThrow().getMessage())
                .contains("1/3").contains("pg-1").contains("pg-2");
    }

    @Test
    void allReadyWithOnePrimaryIsReady() {
        PostgresStatus status = build(allReady());
        assertThat(status.getPhase()).isEqualTo(Phase.READY);
        assertThat(status.getPrimary()).isEqualTo("pg-0");
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        for (String type : List.of(Conditions.PROVISIONING_STARTED, Conditions.REPLICA_READY,
                Conditions.ACCEPTING_CONNECTION, Conditions.READY, Conditions.PROVISIONED,
                Conditions.SINGLE_PRIMARY, Conditions.VALID, Conditions.STORAGE_UP_TO_DATE)) {
            assertThat(conditionStatus(status, type)).as(type).isEqualTo("True");
        }
        assertThat(conditionStatus(status, Conditions.HALTED)).isEqualTo("False");
        assertThat(status.getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(1L));
    }

    @Test
    void readyPrimaryWithAStandbyDownIsCritical() {
        build(allReady());
        PostgresStatus status = build(List.of(member("ns", "pg", 0, true, P), member("ns", "pg", 1, true, S),
                member("ns", "pg", 2, false, S)));
        assertThat(status.getPhase()).isEqualTo(Phase.CRITICAL);
        assertThat(status.getPrimary()).isEqualTo("pg-0");
        assertThat(conditionStatus(status, Conditions.ACCEPTING_CONNECTION)).isEqualTo("True");
        assertThat(conditionStatus(status, Conditions.READY)).isEqualTo("False");
        assertThat(condition(status, Conditions.REPLICA_READY).orElseThrow().getMessage()).contains("pg-2");
    }

    @Test
    void aMemberWhoseCoordinatorCannotRunPostgresSaysWhyInReplicaReady() {
        Pod stuck = member("ns", "pg", 0, false, null);
        // what the coordinator publishes, through the same codec
        String why = "the postgres container's image lacks pg_cron.so in its library directory";
        stuck.getMetadata().setAnnotations(Map.of(PodContract.MEMBER_STATE_ANNOTATION, MemberStateCodec.encode(
                new MemberState(MemberState.STOPPED, 0, 0, false, null, false, "pg-0.x:5432", false, null, 0, 3).withProblem(why))));
        Pod healthyButNotReady = member("ns", "pg", 1, false, null);
        healthyButNotReady.getMetadata().setAnnotations(Map.of(PodContract.MEMBER_STATE_ANNOTATION, MemberStateCodec.encode(
                new MemberState(MemberState.STOPPED, 0, 0, false, null, false, "pg-1.x:5432", false, null, 0, 3))));

        Condition replicaReady = condition(build(List.of(stuck, healthyButNotReady)), Conditions.REPLICA_READY).orElseThrow();

        assertThat(replicaReady.getStatus()).isEqualTo("False");
        assertThat(replicaReady.getReason()).isEqualTo(Conditions.REASON_MEMBER_CANNOT_RUN);
        assertThat(replicaReady.getMessage()).isEqualTo("pg-0: " + why);
    }

    @Test
    void aMissingMemberPodCountsAsNotReady() {
        build(allReady());
        PostgresStatus status = build(List.of(member("ns", "pg", 0, true, P), member("ns", "pg", 1, true, S)));
        assertThat(status.getPhase()).isEqualTo(Phase.CRITICAL);
        assertThat(condition(status, Conditions.REPLICA_READY).orElseThrow().getMessage()).contains("pg-2");
    }

    @Test
    void noReadyPrimaryIsNotReady() {
        build(allReady());
        PostgresStatus noLabel = build(List.of(member("ns", "pg", 0, true, S), member("ns", "pg", 1, true, S),
                member("ns", "pg", 2, true, S)));
        assertThat(noLabel.getPhase()).isEqualTo(Phase.NOT_READY);
        assertThat(noLabel.getPrimary()).isNull();
        assertThat(condition(noLabel, Conditions.SINGLE_PRIMARY).orElseThrow().getReason())
                .isEqualTo(Conditions.REASON_NO_PRIMARY);

        PostgresStatus primaryDown = build(List.of(member("ns", "pg", 0, false, P), member("ns", "pg", 1, true, S),
                member("ns", "pg", 2, true, S)));
        assertThat(primaryDown.getPhase()).isEqualTo(Phase.NOT_READY);
        assertThat(conditionStatus(primaryDown, Conditions.ACCEPTING_CONNECTION)).isEqualTo("False");
        assertThat(primaryDown.getPrimary()).isEqualTo("pg-0");
    }

    @Test
    void twoPodsLabelledPrimaryIsNeverReadyAndSaysSo() {
        build(allReady());
        PostgresStatus status = build(List.of(member("ns", "pg", 0, true, P), member("ns", "pg", 1, true, P),
                member("ns", "pg", 2, true, S)));
        assertThat(status.getPhase()).isEqualTo(Phase.CRITICAL);
        Condition single = condition(status, Conditions.SINGLE_PRIMARY).orElseThrow();
        assertThat(single.getStatus()).isEqualTo("False");
        assertThat(single.getReason()).isEqualTo(Conditions.REASON_MULTIPLE_PRIMARIES);
        assertThat(single.getMessage()).contains("pg-0").contains("pg-1");
        assertThat(status.getPrimary()).isNull();

        PostgresStatus oneReady = build(List.of(member("ns", "pg", 0, false, P), member("ns", "pg", 1, true, P),
                member("ns", "pg", 2, true, S)));
        assertThat(oneReady.getPhase()).isEqualTo(Phase.CRITICAL);
        assertThat(oneReady.getPrimary()).isEqualTo("pg-1");
    }

    @Test
    void terminatingAndSurplusPodsAreNotMembers() {
        Pod terminating = member("ns", "pg", 1, true, S);
        terminating.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        PostgresStatus status = build(List.of(member("ns", "pg", 0, true, P), terminating, member("ns", "pg", 2, true, S),
                member("ns", "pg", 3, true, P), member("ns", "other", 1, true, S)));
        assertThat(status.getPhase()).isEqualTo(Phase.PROVISIONING);
        assertThat(condition(status, Conditions.REPLICA_READY).orElseThrow().getMessage()).contains("2/3").contains("pg-1");
        assertThat(conditionStatus(status, Conditions.SINGLE_PRIMARY)).isEqualTo("True");
    }

    @Test
    void haltedIsHaltedAndKeepsProvisioned() {
        build(allReady());
        pg.getSpec().setHalted(true);
        PostgresStatus status = build(List.of());
        assertThat(status.getPhase()).isEqualTo(Phase.HALTED);
        assertThat(status.getPrimary()).isNull();
        assertThat(conditionStatus(status, Conditions.HALTED)).isEqualTo("True");
        assertThat(conditionStatus(status, Conditions.PROVISIONED)).isEqualTo("True");
        assertThat(conditionStatus(status, Conditions.READY)).isEqualTo("False");

        pg.getSpec().setHalted(false);
        assertThat(build(List.of()).getPhase()).as("after un-halting, before pods return").isEqualTo(Phase.NOT_READY);
    }

    @Test
    void unchangedWorldKeepsTransitionTimesAndChangesUpdateThem() {
        PostgresStatus first = build(allReady(), List.of(), T0);
        PostgresStatus again = build(allReady(), List.of(), T0.plusSeconds(60));
        assertThat(again.getConditions()).isEqualTo(first.getConditions());

        PostgresStatus degraded = build(List.of(member("ns", "pg", 0, true, P), member("ns", "pg", 1, true, S),
                member("ns", "pg", 2, false, S)), List.of(), T0.plusSeconds(120));
        assertThat(condition(degraded, Conditions.REPLICA_READY).orElseThrow().getLastTransitionTime())
                .isEqualTo(T0.plusSeconds(120).toString());
        assertThat(condition(degraded, Conditions.PROVISIONED).orElseThrow().getLastTransitionTime())
                .isEqualTo(T0.toString());
    }

    @Test
    void aFailedReconciliationOnlyTurnsSyncedFalse() {
        PostgresStatus ready = build(allReady());
        assertThat(conditionStatus(ready, Conditions.SYNCED)).isEqualTo("True");
        PostgresStatus failed = PostgresStatusBuilder.failed(pg, "statefulset: spec.template.spec.tolerations[0].operator: Unsupported value",
                T0.plusSeconds(5));
        assertThat(failed.getPhase()).isEqualTo(Phase.READY);
        assertThat(failed.getPrimary()).isEqualTo("pg-0");
        Condition synced = condition(failed, Conditions.SYNCED).orElseThrow();
        assertThat(synced.getStatus()).isEqualTo("False");
        assertThat(synced.getReason()).isEqualTo(Conditions.REASON_RECONCILE_FAILED);
        assertThat(synced.getMessage()).contains("tolerations[0].operator");
        assertThat(synced.getLastTransitionTime()).isEqualTo(T0.plusSeconds(5).toString());
        assertThat(failed.getConditions()).filteredOn(c -> !c.getType().equals(Conditions.SYNCED))
                .containsExactlyInAnyOrderElementsOf(ready.getConditions().stream()
                        .filter(c -> !c.getType().equals(Conditions.SYNCED)).toList());
    }

    @Test
    void failureMessagesNameTheDependentAndTheApiServersReason() {
        var apiError = new io.fabric8.kubernetes.client.KubernetesClientException(new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(422)
                .withMessage("StatefulSet.apps \"pg\" is invalid: spec.template.spec.tolerations[0].operator: Unsupported value: \"Sometimes\"")
                .build());
        var aggregated = new io.javaoperatorsdk.operator.AggregatedOperatorException("workflow failed",
                java.util.Map.of("statefulset", new RuntimeException(null, apiError)));
        assertThat(PostgresReconciler.failureMessage(aggregated))
                .isEqualTo("statefulset: StatefulSet.apps \"pg\" is invalid: spec.template.spec.tolerations[0].operator: Unsupported value: \"Sometimes\"");
        assertThat(PostgresReconciler.failureMessage(new RuntimeException("x".repeat(5000)))).hasSize(1027);
    }

    @Test
    void specProblemsAreReportedByField() {
        PostgresStatus status = PostgresStatusBuilder.build(pg, Optional.empty(), List.of(),
                List.of(Problem.invalidSpec("spec.authSecret.name", "Secret \"x\" not found in namespace ns")), T0);
        Condition valid = condition(status, Conditions.VALID).orElseThrow();
        assertThat(valid.getStatus()).isEqualTo("False");
        assertThat(valid.getReason()).isEqualTo(Conditions.REASON_INVALID_SPEC);
        assertThat(valid.getMessage()).startsWith("spec.authSecret.name: Secret \"x\" not found");
        assertThat(conditionStatus(status, Conditions.PROVISIONING_STARTED)).isEqualTo("False");
        assertThat(status.getPhase()).isEqualTo(Phase.PROVISIONING);
    }

    @Test
    void storageChangesTheStatefulSetCannotTakeAreReported() {
        assertThat(conditionStatus(build(allReady()), Conditions.STORAGE_UP_TO_DATE)).isEqualTo("True");
        pg.getSpec().setStorage(new PersistentVolumeClaimSpecBuilder()
                .withNewResources().addToRequests("storage", new Quantity("1024Mi")).endResources().build());
        assertThat(conditionStatus(build(allReady()), Conditions.STORAGE_UP_TO_DATE)).as("same size, other unit")
                .isEqualTo("True");
        pg.getSpec().setStorage(new PersistentVolumeClaimSpecBuilder()
                .withNewResources().addToRequests("storage", new Quantity("5Gi")).endResources().build());
        Condition storage = condition(build(allReady()), Conditions.STORAGE_UP_TO_DATE).orElseThrow();
        assertThat(storage.getStatus()).isEqualTo("False");
        assertThat(storage.getMessage()).contains("spec.storage.resources.requests.storage").contains("5Gi").contains("1Gi");
    }

    @Test
    void walArchivingIsJudgedFromThePrimarysPublishedArchiverStateThroughTheCodec() {
        assertThat(condition(build(allReady()), WalArchivingCondition.TYPE)).as("no spec.archiver, no condition").isEmpty();

        pg.getSpec().setArchiver(ArchiverFixtures.archiver("s3-creds"));
        List<Pod> pods = allReady();
        var failing = new org.ferretdboperator.coordinator.decision.ArchiverState(7, "000000010000000000000007",
                "2026-01-01T00:00:00Z", 2, "000000010000000000000008", "2026-01-01T00:01:00Z");
        pods.get(0).getMetadata().setAnnotations(Map.of(PodContract.MEMBER_STATE_ANNOTATION, MemberStateCodec.encode(
                new MemberState(MemberState.PRIMARY, 1, 0, false, null, true, "pg-0.x:5432", false, null, 0, 3)
                        .withArchiver(failing))));
        Condition archiving = condition(build(pods), WalArchivingCondition.TYPE).orElseThrow();
        assertThat(archiving.getStatus()).isEqualTo("False");
        assertThat(archiving.getReason()).isEqualTo(WalArchivingCondition.REASON_FAILING);
        assertThat(archiving.getMessage()).startsWith("pg-0 (primary)").contains("000000010000000000000008");

        // a spec.archiver problem is the condition's message, naming the field
        Condition invalid = condition(build(pods, List.of(Problem.invalidSpec("spec.archiver.s3.secretName",
                "Secret \"s3-creds\" not found in namespace ns")), T0), WalArchivingCondition.TYPE).orElseThrow();
        assertThat(invalid.getStatus()).isEqualTo("False");
        assertThat(invalid.getMessage()).startsWith("spec.archiver.s3.secretName");
    }
}
