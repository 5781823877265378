package org.ferretdboperator.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.opentest4j.TestAbortedException;

/**
 * What a test needs from the machine (built tools, installed programs, root, a packaged binary). In CI (CI=true) a
 * missing prerequisite fails the test: nothing skips silently there. On a developer machine the test is skipped and the
 * reason is printed, so `./mvnw verify` still runs everything else. The message names what is missing.
 */
public final class Prerequisite {

    private Prerequisite() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fails in CI, skips (printing why) elsewhere, unless {@code present}. */
    public static void require(boolean present, String whatIsMissing) {
        if (present) {
            return;
        }
        if (inCi()) {
            Assertions.fail("CI=true and a test prerequisite is missing: " + whatIsMissing);
        }
        System.err.println("[prerequisite] SKIPPED: " + whatIsMissing);
        throw new TestAbortedException(whatIsMissing);
    }

    /** {@link #require} with every missing thing named, joined. */
    public static void requireNoneMissing(List<String> missing) {
        require(missing.isEmpty(), String.join("; ", missing));
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
}
