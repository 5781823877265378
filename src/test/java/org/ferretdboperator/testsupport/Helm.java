package org.ferretdboperator.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The helm binary of hack/tools.sh, with its cache and config under target/helm-home, never the developer's. */
public final class Helm {

    private Helm() {
    }

    /** {@code helm args...} in the project directory; a missing helm fails in CI and skips elsewhere. */
    public static Command.Result run(Duration timeout, String... args) {
        Path project = LocalControlPlane.locateProjectDir();
        List<String> command = new ArrayList<>();
        command.add(Tools.helm().toString());
        command.addAll(List.of(args));
        Path helmHome = project.resolve("target").resolve("helm-home");
        return Command.run(project, Map.of(
                "HELM_CACHE_HOME", helmHome.resolve("cache").toString(),
                "HELM_CONFIG_HOME", helmHome.resolve("config").toString(),
                "HELM_DATA_HOME", helmHome.resolve("data").toString()), timeout, command);
    }

    /** {@code helm args...} against the control plane, with its admin kubeconfig. */
    public static Command.Result on(LocalControlPlane controlPlane, String... args) {
        List<String> withKubeconfig = new ArrayList<>(List.of(args));
        withKubeconfig.add("--kubeconfig");
        withKubeconfig.add(controlPlane.kubeconfig().toString());
        return run(Duration.ofMinutes(3), withKubeconfig.toArray(String[]::new));
    }
}
