package org.ferretdboperator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.Helm;

/** The Helm chart, rendered with the helm binary of hack/tools.sh. */
final class Chart {

    static final Path DIR = Path.of("helm", "ferretdb-operator");
    static final String RELEASE = "ferretdb-operator";
    static final String NAMESPACE = "ferretdb-operator-system";
    /** The local control plane's version (hack/tools.sh); helm's built-in default is older than the chart allows. */
    static final String KUBE_VERSION = "1.34.2";

    private Chart() {
    }

    /** {@code helm template} with the given extra arguments (e.g. --set k=v); does not fail on a non-zero exit. */
    static Command.Result template(String... args) {
        List<String> command = new ArrayList<>(List.of("template", RELEASE, DIR.toString(),
                "--namespace", NAMESPACE, "--kube-version", KUBE_VERSION));
        command.addAll(List.of(args));
        return Helm.run(Duration.ofMinutes(1), command.toArray(String[]::new));
    }

    /** What {@code helm install} installs (without the {@code helm test} hooks). */
    static List<JsonNode> render(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--skip-tests");
        return Yaml.docs(template(all.toArray(String[]::new)).requireSuccess().stdout());
    }

    /** The objects {@code helm test} creates (annotation helm.sh/hook: test). */
    static List<JsonNode> renderTests(String... args) {
        return Yaml.docs(template(args).requireSuccess().stdout()).stream()
                .filter(d -> d.at("/metadata/annotations/helm.sh~1hook").asText().equals("test")).toList();
    }
}
