package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.SecretProjectionBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.AppUser;
import org.ferretdboperator.contract.ArchiverEnvironment;
import org.ferretdboperator.contract.CoordinatorEnvironment;
import org.ferretdboperator.contract.PostgresTls;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.support.PodTemplateApplier;

/**
 * The backend pod: a stock PostgreSQL container that only runs the runner loop, and the pg-coordinator beside it
 * that decides everything. Pod readiness is the coordinator's readiness ("my PostgreSQL serves its role"), so the
 * Services route only to members that really serve.
 */
final class PostgresPodTemplate {

    /** Pod template annotation carrying the runner script's digest: a new script rolls the pods. */
    static final String RUNNER_SCRIPT_ANNOTATION = "ferretdb-operator.io/runner-script-sha256";
    static final String RUNNER_SCRIPT_PATH = PodContract.RUNNER_DIR + "/" + PodContract.RUNNER_SCRIPT_KEY;

    static final ResourceRequirements DEFAULT_POSTGRES_RESOURCES = new ResourceRequirementsBuilder()
            .withRequests(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")))
            .withLimits(Map.of("memory", new Quantity("1Gi")))
            .build();
    static final ResourceRequirements COORDINATOR_RESOURCES = new ResourceRequirementsBuilder()
            .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
            .withLimits(Map.of("memory", new Quantity("256Mi")))
            .build();

    private PostgresPodTemplate() {
    }

    static Map<String, String> podLabels(Postgres pg) {
        Map<String, String> labels = new HashMap<>(Labels.postgresOwned(PostgresObjects.name(pg)));
        labels.put(Labels.COMPONENT, Labels.COMPONENT_DATABASE);
        return labels;
    }

    static PodTemplateSpec build(Postgres pg, String coordinatorImage) {
        return build(pg, coordinatorImage, false);
    }

    /** @param archiverCa the archiver's Secret holds CA_CERT_DATA, which the archiver is then told to trust */
    static PodTemplateSpec build(Postgres pg, String coordinatorImage, boolean archiverCa) {
        String name = PostgresObjects.name(pg);
        PodTemplateSpec template = new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(podLabels(pg))
                .withAnnotations(new HashMap<>(Map.of(RUNNER_SCRIPT_ANNOTATION, RunnerConfigMapDependent.scriptSha256())))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(Names.coordinatorAccount(name))
                // Only the coordinator talks to the API server, and only with its own Role.
                .withAutomountServiceAccountToken(true)
                // The coordinator fences by signalling the postmaster, which runs in the other container.
                .withShareProcessNamespace(true)
                // Service links would put a variable per Service of the namespace into both containers' environment.
                .withEnableServiceLinks(false)
                .withContainers(postgres(pg), coordinator(pg, coordinatorImage, archiverCa))
                .withVolumes(volumes(pg, archiverCa))
                .withAffinity(spreadMembers(name))
                .endSpec()
                .build();
        PodTemplateApplier.apply(pg.getSpec() == null ? null : pg.getSpec().getPodTemplate(), template,
                PodContract.POSTGRES_CONTAINER, PodContract.POSTGRES_UID);
        // Ours win over the user's labels: the selector must keep selecting.
        template.getMetadata().getLabels().putAll(podLabels(pg));
        return template;
    }

    private static Container postgres(Postgres pg) {
        return new ContainerBuilder()
                .withName(PodContract.POSTGRES_CONTAINER)
                .withImage(PostgresSpecs.image(pg))
                .withCommand("bash", RUNNER_SCRIPT_PATH)
                .withEnv(env(PodContract.ENV_CONTROL_DIR, PodContract.CONTROL_DIR), env("PGDATA", PodContract.PGDATA),
                        env(PodContract.ENV_RENEW_DEADLINE_MS, Long.toString(PostgresSpecs.renewDeadlineMs(pg))))
                .addNewPort()
                .withName(PodContract.POSTGRES_PORT_NAME)
                .withContainerPort(PodContract.POSTGRES_PORT)
                .withProtocol("TCP")
                .endPort()
                .withVolumeMounts(
                        mount(PodContract.DATA_VOLUME, PodContract.DATA_MOUNT, false),
                        mount(PodContract.CONTROL_VOLUME, PodContract.CONTROL_DIR, false),
                        mount(PodContract.SOCKET_VOLUME, PodContract.SOCKET_DIR, false),
                        mount(PodContract.RUNNER_VOLUME, PodContract.RUNNER_DIR, true),
                        mount(PodContract.TMP_VOLUME, PodContract.TMP_DIR, false),
                        mount(PodContract.SHM_VOLUME, PodContract.SHM_DIR, false))
                .addAllToVolumeMounts(tlsMounts(pg))
                .addAllToVolumeMounts(archiverMounts(pg))
                // Liveness here only proves the runner loop turns (it refreshes a heartbeat file every second, also
                // while a long program such as pg_basebackup runs). Whether PostgreSQL serves is the coordinator's
                // readiness; restarting this container for a slow database would only make things worse.
                .withLivenessProbe(new ProbeBuilder()
                        .withNewExec().withCommand("bash", RUNNER_SCRIPT_PATH, "--alive").endExec()
                        .withPeriodSeconds(10)
                        .withTimeoutSeconds(5)
                        .withFailureThreshold(3)
                        .build())
                .withResources(DEFAULT_POSTGRES_RESOURCES)
                .withSecurityContext(containerSecurityContext())
                .build();
    }

    private static Container coordinator(Postgres pg, String image, boolean archiverCa) {
        return new ContainerBuilder()
                .withName(PodContract.COORDINATOR_CONTAINER)
                .withImage(image)
                .withArgs(PodContract.MODE_COORDINATOR)
                .withEnv(coordinatorEnv(pg, archiverCa))
                .addNewPort()
                .withName(PodContract.COORDINATOR_METRICS_PORT_NAME)
                .withContainerPort(PodContract.COORDINATOR_METRICS_PORT)
                .withProtocol("TCP")
                .endPort()
                .withVolumeMounts(
                        mount(PodContract.DATA_VOLUME, PodContract.DATA_MOUNT, false),
                        mount(PodContract.CONTROL_VOLUME, PodContract.CONTROL_DIR, false),
                        mount(PodContract.SOCKET_VOLUME, PodContract.SOCKET_DIR, false),
                        mount(PodContract.SECRETS_VOLUME, PodContract.SECRETS_DIR, true),
                        mount(PodContract.TMP_VOLUME, PodContract.TMP_DIR, false))
                .addAllToVolumeMounts(tlsMounts(pg))
                .addAllToVolumeMounts(archiverMounts(pg))
                .withReadinessProbe(httpProbe(PodContract.COORDINATOR_READY_PATH, PodContract.COORDINATOR_READINESS_PERIOD_SECONDS,
                        PodContract.COORDINATOR_READINESS_TIMEOUT_SECONDS, PodContract.COORDINATOR_READINESS_FAILURE_THRESHOLD))
                .withLivenessProbe(httpProbe(PodContract.COORDINATOR_LIVE_PATH, PodContract.COORDINATOR_LIVENESS_PERIOD_SECONDS,
                        PodContract.COORDINATOR_LIVENESS_TIMEOUT_SECONDS, PodContract.COORDINATOR_LIVENESS_FAILURE_THRESHOLD))
                .withStartupProbe(httpProbe(PodContract.COORDINATOR_LIVE_PATH, 1, 1, 120))
                .withResources(COORDINATOR_RESOURCES)
                .withSecurityContext(containerSecurityContext())
                .build();
    }

    static List<EnvVar> coordinatorEnv(Postgres pg) {
        return coordinatorEnv(pg, false);
    }

    static List<EnvVar> coordinatorEnv(Postgres pg, boolean archiverCa) {
        List<EnvVar> env = new ArrayList<>(coordinatorEnvironment(pg).toEnvVars());
        if (PostgresSpecs.tlsManaged(pg)) {
            env.add(PostgresTls.envVar(PostgresTls.MOUNT_PATH));
        }
        archiverEnvironment(pg, archiverCa)
                .forEach((name, value) -> env.add(new EnvVarBuilder().withName(name).withValue(value).build()));
        return env;
    }

    /**
     * WAL archiving as the coordinator reads it (contract {@link ArchiverEnvironment}): settings in the environment,
     * the access keys only as files of the mounted Secret. Empty without spec.archiver.
     */
    static Map<String, String> archiverEnvironment(Postgres pg, boolean archiverCa) {
        return PostgresSpecs.archiver(pg).map(a -> ArchiverEnvironment.environment(a.getS3().getBucket(),
                        a.getS3().getEndpoint(), a.getS3().getPrefix(), a.getS3().getRegion(),
                        a.getCompression() == null ? null : a.getCompression().value(), ArchiverEnvironment.MOUNT_PATH,
                        archiverCa ? ArchiverEnvironment.MOUNT_PATH + "/" + ArchiverEnvironment.CA_CERT_FILE : null))
                .orElse(Map.of());
    }

    /** Both containers: the coordinator reads the keys, the postgres container's archive_command the CA bundle. */
    private static List<VolumeMount> archiverMounts(Postgres pg) {
        return PostgresSpecs.archiver(pg).isPresent()
                ? List.of(mount(ArchiverEnvironment.VOLUME, ArchiverEnvironment.MOUNT_PATH, true))
                : List.of();
    }

    /** The server certificate in both containers: PostgreSQL serves it, the coordinator verifies peers with its CA. */
    private static List<VolumeMount> tlsMounts(Postgres pg) {
        return PostgresSpecs.tlsManaged(pg) ? List.of(mount(PostgresTls.VOLUME, PostgresTls.MOUNT_PATH, true)) : List.of();
    }

    /** What this object's coordinators are told (identity left to the downward API). */
    static CoordinatorEnvironment coordinatorEnvironment(Postgres pg) {
        String name = PostgresObjects.name(pg);
        String governing = Names.governing(Names.primaryService(name));
        return new CoordinatorEnvironment(null, null, null, null, name, governing, PostgresSpecs.replicas(pg),
                PostgresSpecs.streamingMode(pg), PostgresSpecs.standbyMode(pg), PostgresSpecs.leaseDurationMs(pg),
                PostgresSpecs.renewDeadlineMs(pg), PostgresSpecs.retryPeriodMs(pg), PostgresSpecs.maximumLagBytes(pg),
                // $(POD_NAME) is expanded by the kubelet from the variable defined before it
                "$(" + CoordinatorEnvironment.POD_NAME + ")." + governing + "." + pg.getMetadata().getNamespace() + ".svc:"
                        + PodContract.POSTGRES_PORT,
                PodContract.secretDir(PostgresSpecs.authSecretName(pg)), PodContract.secretDir(Names.replicationSecret(name)),
                PostgresSpecs.users(pg).stream()
                        .map(u -> new AppUser(Path.of(PodContract.secretDir(u.getSecretName())), u.getDatabase()))
                        .toList(),
                PostgresSpecs.distribution(pg), CoordinatorEnvironment.Local.POD);
    }

    static List<Volume> volumes(Postgres pg) {
        return volumes(pg, false);
    }

    static List<Volume> volumes(Postgres pg, boolean archiverCa) {
        String name = PostgresObjects.name(pg);
        List<Volume> volumes = new ArrayList<>();
        if (PostgresSpecs.storageType(pg) == StorageType.EPHEMERAL) {
            volumes.add(new VolumeBuilder().withName(PodContract.DATA_VOLUME).withNewEmptyDir().endEmptyDir().build());
        }
        volumes.add(new VolumeBuilder().withName(PodContract.CONTROL_VOLUME)
                .withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName(PodContract.SOCKET_VOLUME)
                .withNewEmptyDir().withSizeLimit(new Quantity("1Mi")).endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName(PodContract.TMP_VOLUME)
                .withNewEmptyDir().withSizeLimit(new Quantity("256Mi")).endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName(PodContract.SHM_VOLUME)
                .withNewEmptyDir().withMedium("Memory").endEmptyDir().build());
        volumes.add(new VolumeBuilder().withName(PodContract.RUNNER_VOLUME)
                .withNewConfigMap().withName(Names.runnerConfigMap(name)).withDefaultMode(0444).endConfigMap()
                .build());
        volumes.add(new VolumeBuilder().withName(PodContract.SECRETS_VOLUME)
                .withNewProjected()
                // Group-readable: files are owned by root with the pod's fsGroup (the postgres GID).
                .withDefaultMode(0440)
                .withSources(PostgresSpecs.mountedSecrets(pg).stream()
                        .map(secret -> new VolumeProjectionBuilder().withSecret(secretProjection(secret)).build())
                        .toList())
                .endProjected()
                .build());
        PostgresSpecs.archiverSecret(pg).ifPresent(secret -> volumes.add(archiverVolume(secret, archiverCa)));
        if (PostgresSpecs.tlsManaged(pg)) {
            volumes.add(new VolumeBuilder().withName(PostgresTls.VOLUME)
                    .withNewSecret().withSecretName(Names.serverCertSecret(name))
                    .withDefaultMode(PostgresTls.SECRET_FILE_MODE).endSecret()
                    .build());
        }
        return volumes;
    }

    /**
     * Only the keys the archiver reads (a Secret may hold others, e.g. KubeStash's for other providers); group-readable
     * as the other Secrets, for PostgreSQL's user in the postgres container.
     */
    private static Volume archiverVolume(String secret, boolean withCa) {
        List<io.fabric8.kubernetes.api.model.KeyToPath> items = new ArrayList<>(List.of(
                new KeyToPathBuilder().withKey(ArchiverEnvironment.ACCESS_KEY_ID_FILE)
                        .withPath(ArchiverEnvironment.ACCESS_KEY_ID_FILE).build(),
                new KeyToPathBuilder().withKey(ArchiverEnvironment.SECRET_ACCESS_KEY_FILE)
                        .withPath(ArchiverEnvironment.SECRET_ACCESS_KEY_FILE).build()));
        if (withCa) {
            items.add(new KeyToPathBuilder().withKey(ArchiverEnvironment.CA_CERT_FILE)
                    .withPath(ArchiverEnvironment.CA_CERT_FILE).build());
        }
        return new VolumeBuilder().withName(ArchiverEnvironment.VOLUME)
                .withNewSecret().withSecretName(secret).withItems(items).withDefaultMode(0440).endSecret()
                .build();
    }

    /** Only the two keys the coordinator reads, under a directory named after the Secret. */
    private static SecretProjection secretProjection(String secret) {
        return new SecretProjectionBuilder()
                .withName(secret)
                .withItems(
                        new KeyToPathBuilder().withKey("username").withPath(secret + "/username").build(),
                        new KeyToPathBuilder().withKey("password").withPath(secret + "/password").build())
                .build();
    }

    /** Members prefer different nodes, then different zones, unless the user set an affinity. */
    private static Affinity spreadMembers(String name) {
        return new AffinityBuilder()
                .withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100)
                .withNewPodAffinityTerm()
                .withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector().withMatchLabels(Labels.postgresSelector(name)).endLabelSelector()
                .endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(50)
                .withNewPodAffinityTerm()
                .withTopologyKey("topology.kubernetes.io/zone")
                .withNewLabelSelector().withMatchLabels(Labels.postgresSelector(name)).endLabelSelector()
                .endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .build();
    }

    static SecurityContext containerSecurityContext() {
        Capabilities dropAll = new CapabilitiesBuilder().withDrop("ALL").build();
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withCapabilities(dropAll)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .build();
    }

    private static Probe httpProbe(String path, int period, int timeout, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withPort(new IntOrString(PodContract.COORDINATOR_METRICS_PORT_NAME))
                .endHttpGet()
                .withPeriodSeconds(period)
                .withTimeoutSeconds(timeout)
                .withFailureThreshold(failureThreshold)
                .build();
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }
}
