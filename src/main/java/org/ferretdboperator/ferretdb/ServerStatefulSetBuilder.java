package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.catalog.FerretDBVersionValidator;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.contract.PodContract;

/**
 * Desired StatefulSet of one FerretDB server group ({@code <name>} or {@code <name>-secondary}). FerretDB servers are
 * stateless proxies: pods start in parallel and keep only FerretDB's small state file in an emptyDir.
 *
 * <p>Readiness is FerretDB's {@code /debug/readyz}. In 2.x it sends {@code ping} through FerretDB's own listener,
 * which queries DocumentDB, so a pod is Ready only while it really reaches its backend Service. In 1.x readyz does not
 * touch PostgreSQL unless the experimental {@code --setup-database} (which needs {@code --test-enable-new-auth}) is
 * set, and the image has no shell or client for an exec probe, so 1.x readiness means "listening"; the FerretDB
 * object's phase still follows the backend's real SQL health (see FerretDBStatusBuilder). 1.18–1.22 have no health
 * endpoints at all and get TCP probes on the client port. Readiness is probed every second, so that a server started
 * afresh (a restart after its backend's primary host was lost, see {@link StrandedServerConnections}) joins its
 * Service within a second of listening, not at the next of five.
 */
public final class ServerStatefulSetBuilder {

    private ServerStatefulSetBuilder() {
    }

    public static final String CONTAINER = "ferretdb";
    static final String STATE_VOLUME = "state";

    public static StatefulSet build(FerretDB ferretdb, ServerGroup group, FerretDBVersionSpec version) {
        String name = group.statefulSetName(ferretdb);
        return new StatefulSetBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(ferretdb.getMetadata().getNamespace())
                    .withLabels(FerretDBLabels.of(ferretdb, group))
                .endMetadata()
                .withNewSpec()
                    .withReplicas(group.desiredReplicas(ferretdb, version))
                    .withServiceName(group.governingServiceName(ferretdb))
                    .withPodManagementPolicy("Parallel")
                    .withNewSelector().withMatchLabels(group.selector(ferretdb)).endSelector()
                    .withTemplate(podTemplate(ferretdb, group, version))
                .endSpec()
                .build();
    }

    private static PodTemplateSpec podTemplate(FerretDB ferretdb, ServerGroup group, FerretDBVersionSpec version) {
        long uid = version.getSecurityContext() != null && version.getSecurityContext().getRunAsUser() != null
                ? version.getSecurityContext().getRunAsUser() : FerretDBDefaults.RUN_AS_USER;
        PodTemplateSpec pod = new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(FerretDBLabels.of(ferretdb, group)).endMetadata()
                .withNewSpec()
                    // FerretDB never talks to the Kubernetes API.
                    .withAutomountServiceAccountToken(false)
                    .withEnableServiceLinks(false)
                    .withSecurityContext(new PodSecurityContextBuilder()
                            .withRunAsNonRoot(true)
                            .withRunAsUser(uid)
                            .withRunAsGroup(uid)
                            .withFsGroup(uid)
                            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                            .build())
                    .withContainers(container(ferretdb, group, version, uid))
                    .addNewVolume().withName(STATE_VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
                    .addAllToVolumes(ServerTls.volumes(ferretdb))
                .endSpec()
                .build();
        ServerPodTemplateOverrides.apply(group.podTemplate(ferretdb).orElse(null), pod, CONTAINER);
        return pod;
    }

    private static Container container(FerretDB ferretdb, ServerGroup group, FerretDBVersionSpec version, long uid) {
        String authSecret = FerretDBDefaults.userAuthSecretName(ferretdb)
                .orElse(Names.ferretdbAuthSecret(ferretdb.getMetadata().getName()));
        boolean healthEndpoints = FerretDBVersionValidator.hasHealthEndpoints(version);
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(version.getDb().getImage())
                .withEnv(ServerEnvironment.build(ferretdb, group, version, authSecret))
                .addNewPort().withName(PodContract.FERRETDB_PORT_NAME)
                    .withContainerPort(ServerTls.clientPort(ferretdb)).withProtocol("TCP").endPort()
                .addNewPort().withName(PodContract.FERRETDB_DEBUG_PORT_NAME)
                    .withContainerPort(PodContract.FERRETDB_DEBUG_PORT).withProtocol("TCP").endPort()
                .withReadinessProbe(healthEndpoints ? http("/debug/readyz", 1, 3, 3) : tcp(1, 3))
                .withLivenessProbe(healthEndpoints ? http("/debug/livez", 10, 5, 3) : tcp(10, 3))
                .withResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("500m"))
                        .addToRequests("memory", new Quantity("1Gi"))
                        .addToLimits("memory", new Quantity("1Gi"))
                        .build())
                .withSecurityContext(new SecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(uid)
                        .withRunAsGroup(uid)
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withNewCapabilities().addToDrop("ALL").endCapabilities()
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .addNewVolumeMount().withName(STATE_VOLUME).withMountPath(ServerEnvironment.STATE_DIR).endVolumeMount()
                .addAllToVolumeMounts(ServerTls.mounts(ferretdb))
                .build();
    }

    private static Probe http(String path, int period, int timeout, int failures) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString(PodContract.FERRETDB_DEBUG_PORT_NAME))
                .endHttpGet()
                .withPeriodSeconds(period).withTimeoutSeconds(timeout).withFailureThreshold(failures)
                .build();
    }

    private static Probe tcp(int period, int failures) {
        return new ProbeBuilder()
                .withNewTcpSocket().withPort(new IntOrString(PodContract.FERRETDB_PORT_NAME)).endTcpSocket()
                .withPeriodSeconds(period).withTimeoutSeconds(3).withFailureThreshold(failures)
                .build();
    }
}
