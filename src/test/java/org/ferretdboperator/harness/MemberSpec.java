package org.ferretdboperator.harness;

import java.nio.file.Path;
import java.util.Map;

/**
 * One member's fixed identity, kept across restarts as a StatefulSet keeps a pod's name, volume and DNS name: its
 * directory (PGDATA and logs), PostgreSQL port (its advertised address), coordinator HTTP port and kubeconfig.
 *
 * @param localSettings environment a pod would express through volumes (data dir, socket dir, secrets, binaries)
 */
record MemberSpec(String name, int ordinal, Path dir, int pgPort, int httpPort, Path kubeconfig,
        Map<String, String> localSettings) {

    Path pgdata() {
        return dir.resolve("data");
    }

    String address() {
        return "127.0.0.1:" + pgPort;
    }
}
