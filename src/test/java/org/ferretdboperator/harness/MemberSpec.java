package org.ferretdboperator.harness;

import java.nio.file.Path;

/**
 * One member's fixed identity, kept across restarts as a StatefulSet keeps a pod's name, volume and DNS name: its
 * directory (PGDATA and logs), PostgreSQL port (its advertised address), unix socket directory (short, see
 * {@link org.ferretdboperator.testsupport.SocketDirectory}), coordinator HTTP port and kubeconfig.
 */
record MemberSpec(String name, int ordinal, Path dir, int pgPort, Path socketDir, int httpPort, Path kubeconfig) {

    Path pgdata() {
        return dir.resolve("data");
    }

    String address() {
        return "127.0.0.1:" + pgPort;
    }
}
