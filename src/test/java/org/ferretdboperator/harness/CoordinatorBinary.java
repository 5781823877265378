package org.ferretdboperator.harness;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.api.common.StandbyMode;
import org.ferretdboperator.api.common.StreamingMode;
import org.ferretdboperator.contract.CoordinatorEnvironment;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.CoordinatorJvm;

/**
 * How a member's pg-coordinator is started: the packaged binary in coordinator mode, as the image starts it, configured only through the
 * environment a pod gives it (PodContract), plus the local-process settings a pod would take from its volumes.
 */
final class CoordinatorBinary {

    private CoordinatorBinary() {
    }

    static Path jar(Path projectDir) {
        return CoordinatorJvm.jar(projectDir);
    }

    static List<String> command(Path projectDir) {
        return CoordinatorJvm.coordinatorCommand(projectDir);
    }

    /**
     * The environment of one member's coordinator: the same {@link CoordinatorEnvironment} record the Postgres
     * reconciler's pod template is made from, with the identity the kubelet would fill in and the local-process
     * settings, plus how this process reaches the API server and serves HTTP.
     */
    static Map<String, String> environment(ClusterSpec spec, MemberSpec member, Path superuserSecretDir,
            Path replicationSecretDir) {
        CoordinatorEnvironment coordinator = new CoordinatorEnvironment(member.name(), spec.namespace(), "127.0.0.1", null,
                spec.postgres(), Names.governing(Names.primaryService(spec.postgres())), spec.replicas(),
                spec.synchronous() ? StreamingMode.SYNCHRONOUS : StreamingMode.ASYNCHRONOUS, StandbyMode.HOT,
                spec.timings().leaseDurationMillis(), spec.timings().renewDeadlineMillis(),
                spec.timings().retryPeriodMillis(), spec.maxLagBytes(), member.address(), superuserSecretDir.toString(),
                replicationSecretDir.toString(), List.of(), LocalSettings.of(member));
        Map<String, String> env = new LinkedHashMap<>(coordinator.toEnvironment());
        env.put("KUBECONFIG", member.kubeconfig().toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(member.httpPort()));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        return env;
    }
}
