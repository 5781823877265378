package org.ferretdboperator.harness;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The coordinator settings a pod expresses through its volumes and image (data directory, socket directory, mounted
 * Secrets, PostgreSQL's programs and port), pointed at the member's own directory on this machine. With
 * {@code PG_BIN_DIR} set the coordinator runs PostgreSQL's programs itself (as the postgres user when it is root)
 * instead of asking a postgres container's runner.
 */
final class LocalSettings {

    private LocalSettings() {
    }

    static Map<String, String> of(MemberSpec member, Path superuserSecretDir, Path replicationSecretDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGDATA", member.pgdata().toString());
        env.put("PGPORT", Integer.toString(member.pgPort()));
        env.put("PG_SOCKET_DIR", member.dir().toString());
        env.put("PG_LISTEN_ADDRESSES", "127.0.0.1");
        env.put("PG_BIN_DIR", Prerequisites.PG_BIN.toString());
        env.put("PG_OS_USER", Prerequisites.PG_OS_USER);
        env.put("PG_LOG_FILE", member.dir().resolve("postgresql.log").toString());
        env.put("SUPERUSER_SECRET_DIR", superuserSecretDir.toString());
        // the name the Postgres reconciler's pod template uses (branch postgres) for the same directory
        env.put("AUTH_SECRET_DIR", superuserSecretDir.toString());
        env.put("REPLICATION_SECRET_DIR", replicationSecretDir.toString());
        return env;
    }
}
