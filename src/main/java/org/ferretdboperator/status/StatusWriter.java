package org.ferretdboperator.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one way the reconcilers write the status of the object they reconcile. It writes the way the SDK would for
 * UpdateControl.patchStatus, but directly, to see the object the API server returns: the SDK drops the event of its
 * own write together with any older event that arrived meanwhile, so a spec change made while a reconcile ran would
 * otherwise go unnoticed until the next resync.
 *
 * <p>With server-side apply (real clusters) it applies a fresh object holding identity and status only, so the
 * operator owns exactly the status fields; without it (the mock API server) it sends a JSON Patch computed against
 * the reconciled object, since the mock merges lists in JSON merge patches instead of replacing them.
 */
public final class StatusWriter {

    private StatusWriter() {
    }

    /** What a write did. */
    public enum Outcome {
        /** The status was already the one given: nothing was sent. */
        UNCHANGED,
        WRITTEN,
        /** Written, and the object's generation had moved on meanwhile: reconcile again. */
        WRITTEN_SPEC_CHANGED
    }

    /**
     * @param reconciled the object as this reconcile saw it
     * @param blank      a new, empty object of the same kind (for the server-side apply patch)
     */
    public static <S, R extends CustomResource<?, S>> Outcome writeIfChanged(R reconciled, S status,
            Context<R> context, Supplier<R> blank) {
        if (sameStatus(reconciled.getStatus(), status)) {
            return Outcome.UNCHANGED;
        }
        R written = write(reconciled, status, context, blank);
        return specChangedMeanwhile(reconciled, written) ? Outcome.WRITTEN_SPEC_CHANGED : Outcome.WRITTEN;
    }

    /** Writes the status unconditionally and returns the object as written. */
    public static <S, R extends CustomResource<?, S>> R write(R reconciled, S status, Context<R> context,
            Supplier<R> blank) {
        boolean ssa = context.getControllerConfiguration().getConfigurationService().useSSAToPatchPrimaryResource();
        if (ssa) {
            R patch = blank.get();
            patch.setMetadata(new ObjectMetaBuilder()
                    .withName(reconciled.getMetadata().getName())
                    .withNamespace(reconciled.getMetadata().getNamespace())
                    .build());
            patch.setStatus(status);
            return context.resourceOperations().serverSideApplyPrimaryStatus(patch);
        }
        return context.resourceOperations().jsonPatchPrimaryStatus(reconciled, current -> {
            current.setStatus(status);
            return current;
        });
    }

    /** Equal as JSON, i.e. as the API server would store them. */
    static boolean sameStatus(Object current, Object next) {
        return current != null && Objects.equals(Serialization.asJson(current), Serialization.asJson(next));
    }

    static boolean specChangedMeanwhile(CustomResource<?, ?> reconciled, CustomResource<?, ?> written) {
        return written != null && written.getMetadata().getGeneration() != null
                && !written.getMetadata().getGeneration().equals(reconciled.getMetadata().getGeneration());
    }
}
