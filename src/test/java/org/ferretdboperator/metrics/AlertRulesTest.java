package org.ferretdboperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.Prerequisite;
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
        Command.Result result = Command.run(dir.toAbsolutePath(), Map.of(), Duration.ofMinutes(2), cmd);
        assertThat(result.exitCode()).as(result.describe()).isZero();
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
        Prerequisite.require(found != null,
                "promtool not found on PATH (hack/install-deps.sh installs Debian's prometheus package)");
        return found;
    }
}
