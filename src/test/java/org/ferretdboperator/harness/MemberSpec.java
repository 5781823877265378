package org.ferretdboperator.harness;

import java.nio.file.Path;

/**
 * One member's fixed identity, kept across restarts as a StatefulSet keeps a pod's name, volume and DNS name: its
 * directory (PGDATA and logs), PostgreSQL port (its advertised address), coordinator HTTP port and kubeconfig.
 */
record MemberSpec(String name, int ordinal, Path dir, int pgPort, int httpPort, Path kubeconfig) {

    Path pgdata() {
        return dir.resolve("data");
    }

    String address() {
        return "127.0.0.1:" + pgPort;
    }
}
