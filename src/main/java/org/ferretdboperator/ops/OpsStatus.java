package org.ferretdboperator.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.ferretdboperator.api.ops.ApplyOption;
import org.ferretdboperator.api.ops.ForceFailOverStatus;
import org.ferretdboperator.api.ops.OpsRequestPhase;
import org.ferretdboperator.api.ops.OpsRequestSpecBase;
import org.ferretdboperator.api.ops.OpsRequestStatus;
import org.ferretdboperator.status.Conditions;

/** Builds a request's next status (KubeDB's phase, observedGeneration and one condition per step). */
final class OpsStatus {

    static final String PENDING = "Pending";
    static final String PROGRESSING = "Progressing";
    static final String SUCCESSFUL = "Successful";
    static final String FAILED = "Failed";
    static final String SWITCHOVER_REQUESTED = "SwitchoverRequested";

    static final String REASON_WAITING = "WaitingForOtherRequest";
    static final String REASON_NOT_SUPPORTED = "NotSupported";
    static final String REASON_DATABASE_NOT_FOUND = "DatabaseNotFound";
    static final String REASON_NOT_READY = "DatabaseNotReady";
    static final String REASON_INVALID = "InvalidSpec";
    static final String REASON_TIMEOUT_OR_FAILED = "StepFailed";
    static final String REASON_DONE = "OpsRequestSucceeded";

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private final OpsRequestStatus previous;
    private final Conditions conditions;
    private final Long generation;
    private OpsRequestPhase phase;
    private ForceFailOverStatus forceFailOver;

    OpsStatus(OpsRequestStatus previous, Long generation, Instant now) {
        this.previous = previous;
        this.generation = generation;
        this.conditions = new Conditions(previous == null ? null : previous.getConditions(), generation, now).keepAll();
        this.phase = previous == null || previous.getPhase() == null ? OpsRequestPhase.PENDING : previous.getPhase();
        this.forceFailOver = previous == null ? null : previous.getForceFailOver();
    }

    List<io.fabric8.kubernetes.api.model.Condition> previousConditions() {
        return previous == null ? List.of() : previous.getConditions();
    }

    OpsRequestPhase phase() {
        return phase;
    }

    OpsStatus pending(String message) {
        phase = OpsRequestPhase.PENDING;
        conditions.set(PENDING, true, REASON_WAITING, message);
        return this;
    }

    OpsStatus progressing(String message) {
        phase = OpsRequestPhase.PROGRESSING;
        conditions.remove(PENDING);
        conditions.set(PROGRESSING, true, PROGRESSING, message);
        return this;
    }

    OpsStatus step(String type, String reason, String message) {
        conditions.set(type, true, reason, message);
        return this;
    }

    OpsStatus failed(String reason, String message) {
        phase = OpsRequestPhase.FAILED;
        conditions.remove(PENDING);
        if (Conditions.find(previousConditions(), PROGRESSING).isPresent()) {
            conditions.set(PROGRESSING, false, FAILED, message);
        }
        conditions.set(FAILED, true, reason, message);
        return this;
    }

    OpsStatus successful(String message) {
        phase = OpsRequestPhase.SUCCESSFUL;
        conditions.remove(PENDING);
        conditions.set(PROGRESSING, false, SUCCESSFUL, message);
        conditions.set(SUCCESSFUL, true, REASON_DONE, message);
        return this;
    }

    OpsStatus forceFailOver(ForceFailOverStatus outcome) {
        forceFailOver = outcome;
        return this;
    }

    OpsRequestStatus build() {
        OpsRequestStatus s = new OpsRequestStatus();
        s.setPhase(phase);
        s.setObservedGeneration(generation);
        s.setConditions(conditions.list());
        s.setForceFailOver(forceFailOver);
        return s;
    }

    /** When the running step's deadline passes: the Progressing condition's start plus spec.timeout (default 10m). */
    static Optional<Instant> deadline(OpsRequestStatus status, Duration timeout) {
        if (status == null) {
            return Optional.empty();
        }
        return Conditions.find(status.getConditions(), PROGRESSING)
                .filter(c -> Conditions.TRUE.equals(c.getStatus()) && c.getLastTransitionTime() != null)
                .map(c -> Instant.parse(c.getLastTransitionTime()).plus(timeout));
    }

    /** spec.timeout, or a message naming the field when it cannot be read. */
    static Duration timeout(OpsRequestSpecBase spec) {
        return spec.getTimeout() == null ? DEFAULT_TIMEOUT : GoDuration.parse(spec.getTimeout());
    }

    static boolean ifReady(OpsRequestSpecBase spec) {
        return spec.getApply() == null || spec.getApply() == ApplyOption.IF_READY;
    }
}
