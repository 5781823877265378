package org.ferretdboperator.ferretdb;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import org.ferretdboperator.api.ferretdb.FerretDB;

/**
 * Reconcile precondition of the secondary group's StatefulSet and Services: they exist only while
 * {@code spec.server.secondary} asks for replicas, and are deleted when it no longer does.
 */
public class SecondaryServersEnabled implements Condition<Object, FerretDB> {

    @Override
    public boolean isMet(DependentResource<Object, FerretDB> dependent, FerretDB ferretdb, Context<FerretDB> context) {
        return ServerGroup.SECONDARY.enabled(ferretdb);
    }
}
