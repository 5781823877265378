package org.ferretdboperator.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.contract.PodContract;

/**
 * How a member's pg-coordinator is started: the packaged binary in coordinator mode, configured only through the
 * environment a pod gives it (PodContract), plus the local-process settings a pod would take from its volumes.
 */
final class CoordinatorBinary {

    private CoordinatorBinary() {
    }

    static Path jar(Path projectDir) {
        return projectDir.resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
    }

    static List<String> command(Path projectDir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // small heaps: three of these share two cores with PostgreSQL, the control plane and the test JVM
        command.addAll(List.of("-Xmx192m", "-XX:+UseSerialGC", "-jar", jar(projectDir).toString(),
                PodContract.MODE_COORDINATOR));
        return command;
    }

    /** The environment of one member's coordinator, as the Postgres reconciler's pod template sets it. */
    static Map<String, String> environment(ClusterSpec spec, MemberSpec member) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(PodContract.ENV_MODE, PodContract.MODE_COORDINATOR);
        env.put(PodContract.ENV_POD_NAME, member.name());
        env.put(PodContract.ENV_POD_NAMESPACE, spec.namespace());
        env.put(PodContract.ENV_POD_IP, "127.0.0.1");
        env.put(PodContract.ENV_POSTGRES_NAME, spec.postgres());
        env.put(PodContract.ENV_GOVERNING_SERVICE, spec.postgres() + "-pods");
        env.put(PodContract.ENV_REPLICAS, Integer.toString(spec.replicas()));
        env.put(PodContract.ENV_STREAMING_MODE, spec.synchronous() ? "Synchronous" : "Asynchronous");
        env.put(PodContract.ENV_STANDBY_MODE, "Hot");
        env.put(PodContract.ENV_LEASE_DURATION_MS, Long.toString(spec.timings().leaseDurationMillis()));
        env.put(PodContract.ENV_RENEW_DEADLINE_MS, Long.toString(spec.timings().renewDeadlineMillis()));
        env.put(PodContract.ENV_RETRY_PERIOD_MS, Long.toString(spec.timings().retryPeriodMillis()));
        env.put(PodContract.ENV_MAX_LAG_BYTES, Long.toString(spec.maxLagBytes()));
        env.put(PodContract.ENV_ADVERTISE_ADDRESS, "127.0.0.1:" + member.pgPort());
        env.put(PodContract.ENV_APP_USERS, "");
        env.put("KUBECONFIG", member.kubeconfig().toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(member.httpPort()));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.putAll(member.localSettings());
        return env;
    }
}
