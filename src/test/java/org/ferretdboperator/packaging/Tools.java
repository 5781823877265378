package org.ferretdboperator.packaging;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The binaries hack/tools.sh builds (helm, kubectl, olm-validate), found through {@code hack/tools.sh --print-env}.
 * A missing tool fails the test in CI (CI=true); elsewhere the test is skipped with the command that builds it.
 */
final class Tools {

    private static final Map<String, Path> FOUND = new ConcurrentHashMap<>();

    private Tools() {
    }

    static Path helm() {
        return require("helm", "HELM");
    }

    static Path kubectl() {
        return require("kubectl", "KUBECTL");
    }

    static Path olmValidate() {
        return require("olm-validate", "OLM_VALIDATE");
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fails in CI, skips elsewhere. */
    static void missing(String reason) {
        if (inCi()) {
            fail(reason + " (CI=true: a missing tool is a failure)");
        }
        System.out.println("SKIPPED: " + reason);
        abort(reason);
    }

    private static Path require(String tool, String envName) {
        Path path = FOUND.computeIfAbsent(tool, t -> locate(t, envName));
        if (path == null || !Files.isExecutable(path)) {
            FOUND.remove(tool);
            missing(tool + " is not built; run hack/tools.sh " + tool);
        }
        return path;
    }

    private static Path locate(String tool, String envName) {
        Cmd.Result r = Cmd.run(Duration.ofSeconds(30), List.of("hack/tools.sh", "--print-env", tool));
        if (!r.ok()) {
            return null;
        }
        String prefix = "export " + envName + "=";
        return r.out().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Path.of(unquote(l.substring(prefix.length())))).orElse(null);
    }

    // printf %q quotes only paths with special characters; ours have none, but strip simple quoting anyway.
    private static String unquote(String s) {
        return s.startsWith("'") && s.endsWith("'") ? s.substring(1, s.length() - 1) : s;
    }
}
