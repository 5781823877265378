package org.ferretdboperator.ferretdb;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;

/** What the reconciler resolved before running the workflow, handed to the dependents through the workflow context. */
final class WorkflowInputs {

    private WorkflowInputs() {
    }

    private static final String VERSION = "ferretdb.resolvedVersion";

    static void putVersion(Context<FerretDB> context, FerretDBVersionSpec version) {
        context.managedWorkflowAndDependentResourceContext().put(VERSION, version);
    }

    static FerretDBVersionSpec version(Context<FerretDB> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(VERSION, FerretDBVersionSpec.class);
    }
}
