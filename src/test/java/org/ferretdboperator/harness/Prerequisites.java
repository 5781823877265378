package org.ferretdboperator.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.opentest4j.TestAbortedException;

/**
 * What the HA harness needs from the machine: PostgreSQL 15's programs, the packaged coordinator binary, the tools of
 * the local control plane, and (as root) runuser and a postgres user. In CI (CI=true) anything missing fails the run;
 * elsewhere the harness is skipped and the reason printed.
 */
public final class Prerequisites {

    public static final Path PG_BIN = Path.of(System.getenv().getOrDefault("PG_BIN_DIR", "/usr/lib/postgresql/15/bin"));
    public static final String PG_OS_USER = "postgres";

    private Prerequisites() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The control plane's tools and the programs its script uses; fails in CI, skips (printing why) elsewhere. */
    static void requireControlPlane(Path projectDir) {
        List<String> missing = new ArrayList<>();
        for (String program : List.of("openssl", "curl", "setsid", "tail", "kill")) {
            if (!onPath(program)) {
                missing.add(program);
            }
        }
        ControlPlane.missingTools(projectDir).ifPresent(missing::add);
        require(missing.isEmpty(), String.join("; ", missing));
    }

    /** PostgreSQL 15's programs and the packaged coordinator (and, as root, runuser and the postgres user). */
    static void requireMembers(Path projectDir) {
        List<String> missing = new ArrayList<>();
        for (String program : List.of("initdb", "pg_ctl", "postgres", "pg_basebackup", "pg_rewind", "pg_controldata")) {
            if (!Files.isExecutable(PG_BIN.resolve(program))) {
                missing.add(PG_BIN.resolve(program) + " (install postgresql-15, or set PG_BIN_DIR)");
            }
        }
        if (isRoot()) {
            if (!onPath("runuser")) {
                missing.add("runuser (util-linux): PostgreSQL refuses to run as root");
            }
            if (!userExists(PG_OS_USER)) {
                missing.add("OS user " + PG_OS_USER + " (the postgresql-15 package creates it)");
            }
        }
        Path jar = CoordinatorBinary.jar(projectDir);
        if (!Files.isRegularFile(jar)) {
            missing.add(jar + " (the harness runs in `./mvnw verify`, after package)");
        }
        require(missing.isEmpty(), String.join("; ", missing));
    }

    public static void require(boolean present, String whatIsMissing) {
        if (present) {
            return;
        }
        if (inCi()) {
            Assertions.fail("CI=true and the HA harness is missing: " + whatIsMissing);
        }
        System.err.println("[harness] SKIPPED: " + whatIsMissing);
        throw new TestAbortedException(whatIsMissing);
    }

    public static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static boolean userExists(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
