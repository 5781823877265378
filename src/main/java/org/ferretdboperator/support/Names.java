package org.ferretdboperator.support;

import org.ferretdboperator.contract.PodContract;

/** Names of the objects derived from a FerretDB or Postgres object, as the KubeDB guide shows them. */
public final class Names {

    private Names() {
    }

    // FerretDB <name> -> children
    public static String backend(String ferretdb) {
        return ferretdb + "-pg-backend";
    }

    public static String ferretdbAuthSecret(String ferretdb) {
        return ferretdb + "-auth";
    }

    public static String primaryServers(String ferretdb) {
        return ferretdb;
    }

    public static String secondaryServers(String ferretdb) {
        return ferretdb + "-secondary";
    }

    /** Headless governing Service of a StatefulSet. */
    public static String governing(String statefulSet) {
        return statefulSet + "-pods";
    }

    // Postgres <name> -> children
    /** Service selecting the current primary ({@code kubedb.com/role=primary}); also the StatefulSet's name. */
    public static String primaryService(String postgres) {
        return postgres;
    }

    public static String standbyService(String postgres) {
        return postgres + "-standby";
    }

    public static String postgresAuthSecret(String postgres) {
        return postgres + "-auth";
    }

    public static String replicationSecret(String postgres) {
        return postgres + "-replication";
    }

    /** ServiceAccount, Role and RoleBinding of the pg-coordinator sidecars. */
    public static String coordinatorAccount(String postgres) {
        return postgres + "-coordinator";
    }

    /** The Lease the coordinators elect the primary with. */
    public static String lease(String postgres) {
        return postgres + "-leader";
    }

    /** The CA the operator keeps for a database's certificates when spec.tls has no issuerRef. */
    public static String caSecret(String database) {
        return database + "-ca";
    }

    /** The server certificate of a database (KubeDB's name). */
    public static String serverCertSecret(String database) {
        return database + "-server-cert";
    }

    /** ConfigMap holding the runner script of the postgres containers. */
    public static String runnerConfigMap(String postgres) {
        return postgres + "-runner";
    }

    /** PVC of one member's data volume, as the StatefulSet controller names it. */
    public static String dataClaim(String statefulSet, int ordinal) {
        return PodContract.DATA_VOLUME + "-" + pod(statefulSet, ordinal);
    }

    public static String pod(String statefulSet, int ordinal) {
        return statefulSet + "-" + ordinal;
    }
}
