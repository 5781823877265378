package org.ferretdboperator.harness;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The coordinator settings a pod expresses through its volumes and image (data directory, socket directory, mounted
 * Secrets, PostgreSQL's binaries and port), pointed at the member's own directory on this machine.
 */
final class LocalSettings {

    private LocalSettings() {
    }

    static Map<String, String> of(MemberSpec member, Path authSecretDir, Path replicationSecretDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGDATA", member.pgdata().toString());
        env.put("PG_PORT", Integer.toString(member.pgPort()));
        env.put("PG_SOCKET_DIR", member.dir().toString());
        env.put("PG_BIN_DIR", Prerequisites.PG_BIN.toString());
        env.put("AUTH_SECRET_DIR", authSecretDir.toString());
        env.put("REPLICATION_SECRET_DIR", replicationSecretDir.toString());
        return env;
    }
}
