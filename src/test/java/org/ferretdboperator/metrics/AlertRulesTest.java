package org.ferretdboperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
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

    /** hack/tools.sh builds promtool; missing, it fails the test in CI (CI=true) and skips it elsewhere. */
    static Path promtool() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("hack/tools.sh", "--print-env", "promtool").redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        Path found = out.lines().filter(l -> l.startsWith("export PROMTOOL=")).findFirst()
                .map(l -> Path.of(l.substring("export PROMTOOL=".length()).replace("'", ""))).orElse(null);
        if (found == null || !Files.isExecutable(found)) {
            String reason = "promtool is not built; run hack/tools.sh promtool";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + " (CI=true: a missing tool is a failure)");
            }
            abort(reason);
        }
        return found;
    }
}
