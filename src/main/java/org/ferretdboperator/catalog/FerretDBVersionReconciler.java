package org.ferretdboperator.catalog;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.ferretdboperator.api.catalog.FerretDBVersion;
import org.ferretdboperator.api.catalog.FerretDBVersionStatus;

/**
 * Reports whether a FerretDBVersion catalog entry is usable (status phase Valid or Invalid, with a condition whose
 * message names the offending field). It owns nothing and changes nothing else: FerretDB objects re-check the entry
 * themselves before using it.
 */
@ControllerConfiguration(name = "ferretdbversion")
public class FerretDBVersionReconciler implements Reconciler<FerretDBVersion> {

    public static final String PHASE_VALID = "Valid";
    public static final String PHASE_INVALID = "Invalid";
    public static final String CONDITION_VALID = "Valid";

    @Override
    public UpdateControl<FerretDBVersion> reconcile(FerretDBVersion version, Context<FerretDBVersion> context) {
        org.ferretdboperator.support.FirstReconcile.mark(version);
        List<String> problems = FerretDBVersionValidator.problems(version.getSpec());
        boolean valid = problems.isEmpty();
        String message = valid ? "catalog entry is usable" : String.join("; ", problems);
        Long generation = version.getMetadata().getGeneration();

        FerretDBVersionStatus current = version.getStatus();
        Condition previous = current == null ? null : current.getConditions().stream()
                .filter(c -> CONDITION_VALID.equals(c.getType())).findFirst().orElse(null);
        String status = valid ? "True" : "False";
        if (previous != null && status.equals(previous.getStatus()) && message.equals(previous.getMessage())
                && Objects.equals(generation, current.getObservedGeneration())) {
            return UpdateControl.noUpdate();
        }
        String since = previous != null && status.equals(previous.getStatus())
                ? previous.getLastTransitionTime() : Instant.now().toString();

        FerretDBVersionStatus next = new FerretDBVersionStatus();
        next.setPhase(valid ? PHASE_VALID : PHASE_INVALID);
        next.setObservedGeneration(generation);
        next.getConditions().add(new ConditionBuilder()
                .withType(CONDITION_VALID)
                .withStatus(status)
                .withReason(valid ? "Valid" : "InvalidSpec")
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build());

        // A fresh object with identity and status only: the SSA status patch then claims just these fields.
        FerretDBVersion patch = new FerretDBVersion();
        patch.setMetadata(new ObjectMetaBuilder().withName(version.getMetadata().getName()).build());
        patch.setStatus(next);
        return UpdateControl.patchStatus(patch);
    }
}
