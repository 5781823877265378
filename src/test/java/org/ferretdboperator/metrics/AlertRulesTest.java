package org.ferretdboperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The alert rules through promtool: valid rules, and the expected alerts on the synthetic series of hack/alerts/tests.yaml. */
class AlertRulesTest {

    static final Path RULES = Path.of("helm/ferretdb-operator/files/alerts/ferretdb-operator.rules.yaml");

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        assertPromtool(Path.of("."), List.of("check", "rules", RULES.toString()));
    }

    @Test
    void rulesPassTheirPromtoolUnitTests() throws Exception {
        assertPromtool(Path.of("hack/alerts"), List.of("test", "rules", "tests.yaml"));
    }

    private static void assertPromtool(Path dir, List<String> args) throws Exception {
        Path promtool = promtool();
        List<String> cmd = new java.util.ArrayList<>(List.of(promtool.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as("promtool " + String.join(" ", args) + ":\n" + out).isZero();
    }

    /**
     * promtool from Debian's prometheus package (hack/install-deps.sh installs it), or $PROMTOOL; missing, it fails the
     * test in CI (CI=true) and skips it elsewhere.
     */
    static Path promtool() {
        String override = System.getenv("PROMTOOL");
        List<String> candidates = override != null && !override.isBlank() ? List.of(override)
                : java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                        .map(dir -> Path.of(dir, "promtool").toString()).toList();
        Path found = candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (found == null) {
            String reason = "promtool not found on PATH (hack/install-deps.sh installs Debian's prometheus package)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + " (CI=true: a missing tool is a failure)");
            }
            abort(reason);
        }
        return found;
    }
}
