package org.ferretdboperator.harness;

import org.ferretdboperator.contract.CoordinatorEnvironment;
import org.ferretdboperator.testsupport.PostgresPrograms;

/**
 * The coordinator settings a pod expresses through its volumes and image (data directory, socket directory,
 * PostgreSQL's programs and port), pointed at the member's own directory on this machine. With a bin directory set the
 * coordinator runs PostgreSQL's programs itself (as the postgres user when it is root) instead of asking a postgres
 * container's runner.
 */
final class LocalSettings {

    private LocalSettings() {
    }

    static CoordinatorEnvironment.Local of(MemberSpec member) {
        return new CoordinatorEnvironment.Local(member.pgdata().toString(), member.pgPort(), member.socketDir().toString(),
                "127.0.0.1", PostgresPrograms.BIN_DIR.toString(), null, PostgresPrograms.OS_USER,
                member.dir().resolve("postgresql.log").toString(), null, null, null, PRIMARY_START_TIMEOUT.toMillis());
    }

    /**
     * Shorter than a pod's 300 s, so the scenario of a primary that cannot start ends within the settle timeout;
     * far above the few seconds a primary takes to start here.
     */
    static final java.time.Duration PRIMARY_START_TIMEOUT = java.time.Duration.ofSeconds(30);
}
