package org.ferretdboperator.support;

import java.util.Map;

/** Label keys and the label sets that select each object's pods. */
public final class Labels {

    private Labels() {
    }

    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String MANAGED_BY_VALUE = "ferretdb-operator";
    /** {@link #COMPONENT} of database pods and their volumes. */
    public static final String COMPONENT_DATABASE = "database";

    /** Written only by the pg-coordinator of the pod itself: {@code primary} or {@code secondary}. */
    public static final String ROLE = "kubedb.com/role";
    public static final String ROLE_PRIMARY = "primary";
    public static final String ROLE_SECONDARY = "secondary";

    /** Which FerretDB server group a FerretDB pod belongs to: {@code primary} or {@code secondary}. */
    public static final String SERVER_GROUP = "ferretdb.kubedb.com/server";

    public static final String POSTGRES_KIND_NAME = "postgreses.kubedb.com";
    public static final String FERRETDB_KIND_NAME = "ferretdbs.kubedb.com";

    /** Label selector (informer syntax) matching every object the operator made for any Postgres object. */
    public static final String POSTGRES_OWNED_SELECTOR = NAME + "=" + POSTGRES_KIND_NAME + "," + MANAGED_BY + "=" + MANAGED_BY_VALUE;

    /** Labels of every object made for a Postgres object: its selector plus {@link #MANAGED_BY}. */
    public static Map<String, String> postgresOwned(String postgres) {
        return Map.of(NAME, POSTGRES_KIND_NAME, INSTANCE, postgres, MANAGED_BY, MANAGED_BY_VALUE);
    }

    /** Selects every pod of a Postgres object's StatefulSet. */
    public static Map<String, String> postgresSelector(String postgres) {
        return Map.of(NAME, POSTGRES_KIND_NAME, INSTANCE, postgres);
    }

    /** Selects the pods of one FerretDB server group. */
    public static Map<String, String> ferretdbSelector(String ferretdb, String serverGroup) {
        return Map.of(NAME, FERRETDB_KIND_NAME, INSTANCE, ferretdb, SERVER_GROUP, serverGroup);
    }
}
