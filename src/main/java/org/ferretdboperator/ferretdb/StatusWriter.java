package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.FerretDBStatus;

/**
 * Writes a FerretDB's status the way the SDK would for UpdateControl.patchStatus, but returns the written object.
 * With server-side apply (real clusters) it applies a fresh object holding identity and status only; without it (the
 * mock API server) it sends a JSON Patch computed against the reconciled object, since the mock merges lists in JSON
 * merge patches instead of replacing them.
 */
final class StatusWriter {

    private StatusWriter() {
    }

    static FerretDB write(FerretDB ferretdb, FerretDBStatus status, Context<FerretDB> context) {
        boolean ssa = context.getControllerConfiguration().getConfigurationService().useSSAToPatchPrimaryResource();
        if (ssa) {
            FerretDB patch = new FerretDB();
            patch.setMetadata(new ObjectMetaBuilder()
                    .withName(ferretdb.getMetadata().getName())
                    .withNamespace(ferretdb.getMetadata().getNamespace())
                    .build());
            patch.setStatus(status);
            return context.resourceOperations().serverSideApplyPrimaryStatus(patch);
        }
        return context.resourceOperations().jsonPatchPrimaryStatus(ferretdb, current -> {
            current.setStatus(status);
            return current;
        });
    }
}
