package org.ferretdboperator.postgres;

import static org.ferretdboperator.status.Conditions.*;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresStatus;
import org.ferretdboperator.contract.MemberStateCodec;
import org.ferretdboperator.coordinator.decision.ArchiverState;
import java.util.Map;
import java.util.TreeMap;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.status.Conditions;
import org.ferretdboperator.status.Problem;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * Computes a Postgres object's status from what exists: its StatefulSet, its pods (their readiness is the
 * coordinators' "serves its role", their role label is the coordinators' election result) and the spec problems the
 * reconciler found. Pure: the same inputs give the same status, and an unchanged condition keeps its
 * lastTransitionTime, so an unchanged world produces an identical status and no write.
 */
final class PostgresStatusBuilder {

    private PostgresStatusBuilder() {
    }

    static PostgresStatus build(Postgres pg, Optional<StatefulSet> statefulSet, Collection<Pod> pods,
            List<Problem> problems, Instant now) {
        PostgresStatus previous = pg.getStatus() == null ? new PostgresStatus() : pg.getStatus();
        Conditions conditions = new Conditions(previous.getConditions(), pg.getMetadata().getGeneration(), now);
        Members members = Members.of(pg, pods);
        boolean halted = PostgresSpecs.halted(pg);
        boolean started = statefulSet.isPresent() || conditions.wasTrue(PROVISIONING_STARTED);

        if (started) {
            conditions.set(PROVISIONING_STARTED, TRUE, REASON_PROVISIONING_STARTED, "The StatefulSet has been created");
        } else {
            conditions.set(PROVISIONING_STARTED, FALSE, REASON_WAITING_FOR_VALID_SPEC,
                    problems.isEmpty() ? "Waiting for the StatefulSet to be created" : "Waiting for a valid spec");
        }

        boolean provisioned = conditions.wasTrue(PROVISIONED)
                || (!halted && statefulSet.isPresent() && members.allReady() && members.readyPrimaries().size() == 1);

        Phase phase;
        if (halted) {
            phase = Phase.HALTED;
            String halt = "spec.halted is true: no member runs; data and Secrets are kept";
            conditions.set(REPLICA_READY, FALSE, REASON_HALTED, halt);
            conditions.set(ACCEPTING_CONNECTION, FALSE, REASON_HALTED, halt);
            conditions.remove(SINGLE_PRIMARY);
            conditions.set(READY, FALSE, REASON_HALTED, halt);
        } else {
            List<String> cannotRun = members.cannotRun();
            if (members.allReady()) {
                conditions.set(REPLICA_READY, TRUE, REASON_ALL_REPLICAS_READY,
                        "All " + members.replicas() + " members are ready");
            } else if (!cannotRun.isEmpty()) {
                conditions.set(REPLICA_READY, FALSE, REASON_MEMBER_CANNOT_RUN, String.join("; ", cannotRun));
            } else {
                conditions.set(REPLICA_READY, FALSE, REASON_SOME_REPLICAS_NOT_READY, members.ready().size() + "/"
                        + members.replicas() + " members ready; not ready: " + String.join(", ", members.notReady()));
            }
            if (members.readyPrimaries().isEmpty()) {
                conditions.set(ACCEPTING_CONNECTION, FALSE, REASON_NOT_ACCEPTING, "No ready member is labelled "
                        + Labels.ROLE + "=" + Labels.ROLE_PRIMARY);
            } else {
                conditions.set(ACCEPTING_CONNECTION, TRUE, REASON_ACCEPTING,
                        "Primary " + String.join(", ", names(members.readyPrimaries())) + " is ready");
            }
            singlePrimary(members, conditions);
            phase = !provisioned ? Phase.PROVISIONING
                    : members.readyPrimaries().isEmpty() ? Phase.NOT_READY
                    : members.allReady() && members.primaries().size() == 1 ? Phase.READY
                    : Phase.CRITICAL;
            if (phase == Phase.READY) {
                conditions.set(READY, TRUE, REASON_READINESS_SUCCEEDED, "One ready primary and all standbys ready");
            } else {
                conditions.set(READY, FALSE, REASON_READINESS_FAILED, "Phase " + phase.displayName());
            }
        }
        if (provisioned) {
            conditions.set(PROVISIONED, TRUE, REASON_PROVISIONED, "All members have been ready");
        }
        conditions.set(HALTED, halted ? TRUE : FALSE, halted ? REASON_HALTED : REASON_RUNNING,
                halted ? "spec.halted is true" : "spec.halted is not set");
        if (problems.isEmpty()) {
            conditions.set(VALID, TRUE, REASON_SPEC_VALID, "The spec can be acted on");
            conditions.set(SYNCED, TRUE, REASON_RECONCILE_SUCCEEDED, "Every owned object is in its desired state");
        } else {
            conditions.set(SYNCED, FALSE, REASON_INVALID_SPEC, "Waiting for a valid spec");
            conditions.set(VALID, FALSE, REASON_INVALID_SPEC, problems.stream().map(Problem::message)
                    .collect(Collectors.joining("; ")) + ". Nothing is created or changed until this is fixed.");
        }
        statefulSet.ifPresentOrElse(sts -> storage(pg, sts, conditions), () -> conditions.remove(STORAGE_UP_TO_DATE));
        List<Problem> archiverProblems = problems.stream()
                .filter(problem -> problem.field() != null && problem.field().startsWith("spec.archiver")).toList();
        if (pg.getSpec() != null && pg.getSpec().getArchiver() != null && !archiverProblems.isEmpty()) {
            conditions.set(WalArchivingCondition.TYPE, FALSE, REASON_INVALID_SPEC, archiverProblems.stream()
                    .map(Problem::message).collect(Collectors.joining("; ")));
        } else if (PostgresSpecs.archiver(pg).isPresent() && !halted) {
            WalArchivingCondition.Judgement archiving = WalArchivingCondition.judge(members.primaryName(),
                    members.archivers());
            conditions.set(WalArchivingCondition.TYPE, archiving.status(), archiving.reason(), archiving.message());
        } else {
            conditions.remove(WalArchivingCondition.TYPE);
        }

        PostgresStatus status = new PostgresStatus();
        status.setObservedGeneration(pg.getMetadata().getGeneration());
        status.setPhase(phase);
        status.setPrimary(halted ? null : members.primaryName().orElse(null));
        status.setConditions(conditions.list());
        return status;
    }

    /** The previous status with {@code Synced=False} naming the failure; everything else as it was. */
    static PostgresStatus failed(Postgres pg, String message, Instant now) {
        PostgresStatus previous = pg.getStatus() == null ? new PostgresStatus() : pg.getStatus();
        Conditions conditions = new Conditions(previous.getConditions(), pg.getMetadata().getGeneration(), now);
        conditions.keepAll();
        conditions.set(SYNCED, FALSE, REASON_RECONCILE_FAILED, message);
        PostgresStatus status = new PostgresStatus();
        status.setObservedGeneration(previous.getObservedGeneration());
        status.setPhase(previous.getPhase() == null ? Phase.PROVISIONING : previous.getPhase());
        status.setPrimary(previous.getPrimary());
        status.setConditions(conditions.list());
        return status;
    }

    private static void singlePrimary(Members members, Conditions conditions) {
        List<Pod> primaries = members.primaries();
        if (primaries.size() == 1) {
            conditions.set(SINGLE_PRIMARY, TRUE, REASON_ONE_PRIMARY, primaries.get(0).getMetadata().getName()
                    + " is labelled primary");
        } else if (primaries.isEmpty()) {
            conditions.set(SINGLE_PRIMARY, FALSE, REASON_NO_PRIMARY, "No member is labelled primary");
        } else {
            conditions.set(SINGLE_PRIMARY, FALSE, REASON_MULTIPLE_PRIMARIES, "Several members are labelled primary: "
                    + String.join(", ", names(primaries)));
        }
    }

    /** StatefulSet claim templates cannot change: say so when spec.storage moved away from what was created. */
    private static void storage(Postgres pg, StatefulSet sts, Conditions conditions) {
        Optional<Quantity> created = PostgresStatefulSetDependent.createdStorageRequest(sts);
        boolean durableNow = PostgresSpecs.storageType(pg) == StorageType.DURABLE;
        String problem = null;
        if (durableNow != created.isPresent()) {
            problem = "spec.storageType is " + (durableNow ? "Durable" : "Ephemeral") + " but the StatefulSet was created "
                    + (created.isPresent() ? "with" : "without") + " persistent volumes; the storage type cannot change";
        } else if (durableNow) {
            Quantity wanted = PostgresSpecs.storageRequest(pg).orElse(PostgresSpecs.DEFAULT_STORAGE);
            if (!sameQuantity(wanted, created.get())) {
                problem = "spec.storage.resources.requests.storage is " + wanted + " but the volumes were created with "
                        + created.get() + "; StatefulSet volume claim templates cannot change, existing volumes keep their size";
            }
        }
        if (problem == null) {
            conditions.set(STORAGE_UP_TO_DATE, TRUE, REASON_STORAGE_MATCHES, "The volumes match spec.storage");
        } else {
            conditions.set(STORAGE_UP_TO_DATE, FALSE, REASON_STORAGE_IMMUTABLE, problem);
        }
    }

    private static boolean sameQuantity(Quantity a, Quantity b) {
        try {
            return a.getNumericalAmount().compareTo(b.getNumericalAmount()) == 0;
        } catch (RuntimeException e) {
            return Objects.equals(a, b);
        }
    }

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }

    /** The pods that count as members: the StatefulSet's current ordinals, not being deleted. */
    record Members(String statefulSet, int replicas, List<Pod> members) {

        static Members of(Postgres pg, Collection<Pod> pods) {
            int replicas = PostgresSpecs.runningReplicas(pg);
            String sts = Names.primaryService(PostgresObjects.name(pg));
            List<Pod> members = pods.stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .filter(p -> ordinal(sts, p.getMetadata().getName()).filter(o -> o < replicas).isPresent())
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                    .toList();
            return new Members(sts, replicas, members);
        }

        static Optional<Integer> ordinal(String sts, String pod) {
            if (pod == null || !pod.startsWith(sts + "-")) {
                return Optional.empty();
            }
            try {
                return Optional.of(Integer.parseInt(pod.substring(sts.length() + 1)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        List<Pod> ready() {
            return members.stream().filter(Members::isReady).toList();
        }

        /** Named by ordinal, so a member whose pod does not exist at all is listed too. */
        List<String> notReady() {
            List<String> ready = names(ready());
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                String name = Names.pod(statefulSet, i);
                if (!ready.contains(name)) {
                    missing.add(name);
                }
            }
            return missing;
        }

        /** "pod: why" for each member whose coordinator says it cannot run PostgreSQL (its member-state problem). */
        List<String> cannotRun() {
            return members.stream()
                    .flatMap(p -> MemberStateCodec.decode(p.getMetadata().getAnnotations() == null ? null
                            : p.getMetadata().getAnnotations().get(PodContract.MEMBER_STATE_ANNOTATION))
                            .map(MemberState::problem).filter(Objects::nonNull)
                            .map(problem -> p.getMetadata().getName() + ": " + problem).stream())
                    .toList();
        }

        /** Each member's published pg_stat_archiver, by pod name. */
        Map<String, ArchiverState> archivers() {
            Map<String, ArchiverState> out = new TreeMap<>();
            for (Pod p : members) {
                MemberStateCodec.decode(p.getMetadata().getAnnotations() == null ? null
                                : p.getMetadata().getAnnotations().get(PodContract.MEMBER_STATE_ANNOTATION))
                        .map(MemberState::archiver)
                        .ifPresent(a -> out.put(p.getMetadata().getName(), a));
            }
            return out;
        }

        boolean allReady() {
            return replicas > 0 && ready().size() == replicas;
        }

        List<Pod> primaries() {
            return members.stream()
                    .filter(p -> Labels.ROLE_PRIMARY.equals(p.getMetadata().getLabels().get(Labels.ROLE)))
                    .toList();
        }

        List<Pod> readyPrimaries() {
            return primaries().stream().filter(Members::isReady).toList();
        }

        Optional<String> primaryName() {
            List<Pod> primaries = primaries();
            if (primaries.size() == 1) {
                return Optional.of(primaries.get(0).getMetadata().getName());
            }
            List<Pod> ready = readyPrimaries();
            return ready.size() == 1 ? Optional.of(ready.get(0).getMetadata().getName()) : Optional.empty();
        }

        static boolean isReady(Pod pod) {
            return pod.getStatus() != null && pod.getStatus().getConditions() != null
                    && pod.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && TRUE.equals(c.getStatus()));
        }
    }
}
