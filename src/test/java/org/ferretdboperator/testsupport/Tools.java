package org.ferretdboperator.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The binaries hack/tools.sh builds from the Go module proxy, located through its {@code --print-env} (which builds
 * nothing). The tests never build tools themselves: hack/test.sh does that before Maven runs.
 */
public final class Tools {

    public static final String KUBERNETES = "kubernetes";
    public static final String ETCD = "etcd";
    public static final String HELM = "helm";
    public static final String OLM_VALIDATE = "olm-validate";
    public static final String FERRETDB = "ferretdb";
    public static final String PATRONI = "patroni";

    private static final Map<String, Path> REQUIRED = new ConcurrentHashMap<>();

    private Tools() {
    }

    /**
     * The exported binary paths ({@code KUBECTL}, {@code HELM}, ...) of the named tools, or empty when one of them is not
     * built; the reason is in {@link #whyMissing}.
     */
    public static Optional<Map<String, Path>> find(Path projectDir, String... tools) {
        Command.Result result = printEnv(projectDir, tools);
        if (!result.succeeded()) {
            return Optional.empty();
        }
        Map<String, Path> paths = new HashMap<>();
        for (String line : result.stdout().split("\n")) {
            if (!line.startsWith("export ")) {
                continue;
            }
            String assignment = line.substring("export ".length());
            int eq = assignment.indexOf('=');
            // --print-env quotes with printf %q: only backslash escapes occur in path-like values.
            paths.put(assignment.substring(0, eq), Path.of(assignment.substring(eq + 1).replaceAll("\\\\(.)", "$1")));
        }
        return Optional.of(paths);
    }

    public static String whyMissing(Path projectDir, String... tools) {
        return "tools not built: " + printEnv(projectDir, tools).stderr().strip()
                + " (hack/test.sh builds them; or run: hack/tools.sh " + String.join(" ", tools) + ")";
    }

    /**
     * The binary {@code tool}'s build exports as {@code variable} (e.g. helm, HELM); when it is not built the test fails
     * in CI and is skipped elsewhere ({@link Prerequisite}).
     */
    public static Path require(Path projectDir, String tool, String variable) {
        Path found = REQUIRED.get(variable);
        if (found != null) {
            return found;
        }
        Optional<Map<String, Path>> paths = find(projectDir, tool);
        Path binary = paths.map(p -> p.get(variable)).orElse(null);
        Prerequisite.require(binary != null && Files.isExecutable(binary),
                paths.isEmpty() ? whyMissing(projectDir, tool) : tool + ": no executable " + variable + " (" + binary + ")");
        REQUIRED.put(variable, binary);
        return binary;
    }

    public static Path helm() {
        return require(LocalControlPlane.locateProjectDir(), HELM, "HELM");
    }

    public static Path olmValidate() {
        return require(LocalControlPlane.locateProjectDir(), OLM_VALIDATE, "OLM_VALIDATE");
    }

    private static Command.Result printEnv(Path projectDir, String... tools) {
        List<String> command = new java.util.ArrayList<>(List.of("hack/tools.sh", "--print-env"));
        command.addAll(List.of(tools));
        return Command.run(projectDir, Map.of(), Duration.ofSeconds(30), command);
    }
}
