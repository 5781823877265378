package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.PodTemplate;
import org.ferretdboperator.api.common.PodTemplateMetadata;
import org.ferretdboperator.api.common.PodTemplateOverrides;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.common.StreamingMode;
import org.ferretdboperator.api.postgres.DatabaseUser;
import org.ferretdboperator.api.postgres.LeaderElectionSpec;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.contract.CoordinatorEnvironment;
import org.ferretdboperator.contract.PodContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PostgresStatefulSetDependentTest {

    private static final String IMAGE = "registry.example/ferretdb-operator:1.2.3";

    private static StatefulSet desired(Postgres pg) {
        return PostgresStatefulSetDependent.desired(pg, IMAGE, Optional.empty());
    }

    private static Container container(StatefulSet sts, String name) {
        return sts.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, String> env(Container c) {
        return c.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static Map<String, VolumeMount> mounts(Container c) {
        return c.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getName, m -> m));
    }

    @Test
    void statefulSetShapeFollowsTheSpec() {
        StatefulSet sts = desired(PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE));
        assertThat(sts.getMetadata().getName()).isEqualTo("pg");
        assertThat(sts.getSpec().getServiceName()).isEqualTo("pg-pods");
        assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
        assertThat(sts.getSpec().getSelector().getMatchLabels()).isEqualTo(Labels.postgresSelector("pg"));
        Map<String, String> podLabels = sts.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(Labels.postgresSelector("pg"))
                .containsEntry(Labels.COMPONENT, "database")
                .doesNotContainKey(Labels.ROLE);
    }

    @Test
    void haltedRunsNoMember() {
        Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.HALT);
        pg.getSpec().setHalted(true);
        assertThat(desired(pg).getSpec().getReplicas()).isZero();
    }

    @ParameterizedTest
    @EnumSource(DeletionPolicy.class)
    void deletingTheStatefulSetAloneNeverDeletesData(DeletionPolicy policy) {
        // a kubectl delete sts or a GitOps prune must not erase the members' data; PostgresDeletion deletes the
        // claims itself when the Postgres object is deleted with Delete or WipeOut
        var retention = desired(PostgresFixtures.postgres("ns", "pg", 3, policy)).getSpec().getPersistentVolumeClaimRetentionPolicy();
        assertThat(retention.getWhenDeleted()).isEqualTo("Retain");
        assertThat(retention.getWhenScaled()).isEqualTo("Retain");
    }

    @Test
    void durableStorageUsesAClaimTemplateWithTheSpecsSizeOrOneGibibyte() {
        Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);
        var byDefault = desired(pg).getSpec().getVolumeClaimTemplates();
        assertThat(byDefault).singleElement().satisfies(c -> {
            assertThat(c.getMetadata().getName()).isEqualTo(PodContract.DATA_VOLUME);
            assertThat(c.getMetadata().getLabels()).containsAllEntriesOf(Labels.postgresSelector("pg"));
            assertThat(c.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(c.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("1Gi"));
        });
        pg.getSpec().setStorage(new PersistentVolumeClaimSpecBuilder().withStorageClassName("fast")
                .withNewResources().addToRequests("storage", new Quantity("20Gi")).endResources().build());
        StatefulSet sts = desired(pg);
        assertThat(sts.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(c -> {
            assertThat(c.getSpec().getStorageClassName()).isEqualTo("fast");
            assertThat(c.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("20Gi"));
        });
        assertThat(sts.getSpec().getTemplate().getSpec().getVolumes()).noneMatch(v -> v.getName().equals(PodContract.DATA_VOLUME));
    }

    @Test
    void ephemeralStorageUsesAnEmptyDir() {
        Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);
        pg.getSpec().setStorageType(StorageType.EPHEMERAL);
        StatefulSet sts = desired(pg);
        assertThat(sts.getSpec().getVolumeClaimTemplates()).isEmpty();
        assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals(PodContract.DATA_VOLUME))
                .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    }

    @Test
    void existingClaimTemplatesAreKeptBecauseTheyCannotChange() {
        Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);
        StatefulSet created = desired(pg);
        pg.getSpec().setStorage(new PersistentVolumeClaimSpecBuilder()
                .withNewResources().addToRequests("storage", new Quantity("50Gi")).endResources().build());
        StatefulSet next = PostgresStatefulSetDependent.desired(pg, IMAGE, Optional.of(created));
        assertThat(next.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"))
                .isEqualTo(new Quantity("1Gi"));
        // Switching to Ephemeral does not add a second "data" volume next to the claim template.
        pg.getSpec().setStorage(null);
        pg.getSpec().setStorageType(StorageType.EPHEMERAL);
        next = PostgresStatefulSetDependent.desired(pg, IMAGE, Optional.of(created));
        assertThat(next.getSpec().getVolumeClaimTemplates()).hasSize(1);
        assertThat(next.getSpec().getTemplate().getSpec().getVolumes()).noneMatch(v -> v.getName().equals(PodContract.DATA_VOLUME));
    }

    @Test
    void podRunsRestrictedWithASharedProcessNamespaceAndTheCoordinatorsAccount() {
        PodSpec pod = desired(PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE)).getSpec().getTemplate().getSpec();
        assertThat(pod.getShareProcessNamespace()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo("pg-coordinator");
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();
        assertThat(pod.getEnableServiceLinks()).isFalse();
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(999L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(999L);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(999L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("postgres", "pg-coordinator");
        for (Container c : pod.getContainers()) {
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
            assertThat(c.getSecurityContext().getCapabilities().getAdd()).as(c.getName()).isNullOrEmpty();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(c.getName()).isTrue();
        }
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .extracting(t -> t.getPodAffinityTerm().getTopologyKey())
                .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
    }

    @Test
    void postgresContainerOnlyRunsTheRunnerAndProvesTheLoopTurns() {
        Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);
        StatefulSet sts = desired(pg);
        Container postgres = container(sts, "postgres");
        assertThat(postgres.getImage()).isEqualTo("postgres:16.4");
        assertThat(postgres.getCommand()).containsExactly("bash", "/etc/pg-runner/runner.sh");
        assertThat(env(postgres)).containsEntry("PGDATA", PodContract.PGDATA)
                .containsEntry(PodContract.ENV_CONTROL_DIR, PodContract.CONTROL_DIR);
        assertThat(mounts(postgres)).containsOnlyKeys("data", "control", "socket", "runner", "tmp", "shm");
        assertThat(mounts(postgres).get("runner").getReadOnly()).isTrue();
        assertThat(mounts(postgres).get("data").getMountPath()).isEqualTo(PodContract.DATA_MOUNT);
        assertThat(postgres.getLivenessProbe().getExec().getCommand()).containsExactly("bash", "/etc/pg-runner/runner.sh", "--alive");
        assertThat(postgres.getReadinessProbe()).isNull();
        assertThat(postgres.getResources().getRequests()).containsEntry("memory", new Quantity("1Gi"));
        assertThat(sts.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(PostgresPodTemplate.RUNNER_SCRIPT_ANNOTATION, RunnerConfigMapDependent.scriptSha256());

        pg.getSpec().setImage("registry.example/postgres:16.4-custom");
        assertThat(container(desired(pg), "postgres").getImage()).isEqualTo("registry.example/postgres:16.4-custom");
    }

    @Test
    void coordinatorGetsTheContractEnvironmentProbesAndSecrets() {
        Postgres pg = PostgresFixtures.postgres("demo", "pg", 5, DeletionPolicy.DELETE);
        pg.getSpec().setStreamingMode(StreamingMode.ASYNCHRONOUS);
        LeaderElectionSpec le = new LeaderElectionSpec();
        le.setLeaseDurationMillis(5000);
        le.setMaximumLagBeforeFailover(1024L);
        pg.getSpec().setLeaderElection(le);
        DatabaseUser user = new DatabaseUser();
        user.setSecretName("ferret-user");
        user.setDatabase("ferretdb");
        pg.getSpec().setUsers(List.of(user));

        Container coordinator = container(desired(pg), "pg-coordinator");
        assertThat(coordinator.getImage()).isEqualTo(IMAGE);
        assertThat(coordinator.getArgs()).containsExactly("coordinator");
        assertThat(env(coordinator))
                .containsEntry(PodContract.ENV_MODE, "coordinator")
                .containsEntry(CoordinatorEnvironment.POSTGRES_NAME, "pg")
                .containsEntry(CoordinatorEnvironment.GOVERNING_SERVICE, "pg-pods")
                .containsEntry(CoordinatorEnvironment.REPLICAS, "5")
                .containsEntry(CoordinatorEnvironment.STREAMING_MODE, "Asynchronous")
                .containsEntry(CoordinatorEnvironment.STANDBY_MODE, "Hot")
                .containsEntry(CoordinatorEnvironment.LEASE_DURATION_MS, "5000")
                .containsEntry(CoordinatorEnvironment.RENEW_DEADLINE_MS, "1200")
                .containsEntry(CoordinatorEnvironment.RETRY_PERIOD_MS, "200")
                .containsEntry(CoordinatorEnvironment.MAX_LAG_BYTES, "1024")
                .containsEntry(CoordinatorEnvironment.ADVERTISE_ADDRESS, "$(POD_NAME).pg-pods.demo.svc:5432")
                .containsEntry(CoordinatorEnvironment.SUPERUSER_SECRET_DIR, PodContract.SECRETS_DIR + "/pg-auth")
                .containsEntry(CoordinatorEnvironment.REPLICATION_SECRET_DIR, PodContract.SECRETS_DIR + "/pg-replication")
                .containsEntry(CoordinatorEnvironment.APP_USERS, PodContract.SECRETS_DIR + "/ferret-user:ferretdb");
        List<String> names = coordinator.getEnv().stream().map(EnvVar::getName).toList();
        // $(POD_NAME) expands only from a variable defined earlier in the list.
        assertThat(names.indexOf(CoordinatorEnvironment.POD_NAME)).isLessThan(names.indexOf(CoordinatorEnvironment.ADVERTISE_ADDRESS));
        assertThat(coordinator.getEnv()).filteredOn(e -> e.getName().equals(CoordinatorEnvironment.POD_IP))
                .singleElement().satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP"));

        assertThat(coordinator.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(9187);
            assertThat(p.getName()).isEqualTo("coordinator");
        });
        assertThat(coordinator.getReadinessProbe().getHttpGet().getPath()).isEqualTo(PodContract.COORDINATOR_READY_PATH);
        assertThat(coordinator.getReadinessProbe().getTimeoutSeconds()).as("a starved coordinator still answers within it")
                .isGreaterThan(coordinator.getReadinessProbe().getPeriodSeconds());
        assertThat(coordinator.getLivenessProbe().getHttpGet().getPath()).isEqualTo(PodContract.COORDINATOR_LIVE_PATH);
        assertThat(coordinator.getResources().getRequests()).containsEntry("cpu", new Quantity("100m"))
                .containsEntry("memory", new Quantity("256Mi"));
        assertThat(coordinator.getResources().getLimits()).containsEntry("memory", new Quantity("256Mi"));
        assertThat(mounts(coordinator).get("secrets").getReadOnly()).isTrue();
        assertThat(mounts(coordinator).get("secrets").getMountPath()).isEqualTo(PodContract.SECRETS_DIR);

        Volume secrets = desired(pg).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("secrets")).findFirst().orElseThrow();
        assertThat(secrets.getProjected().getSources()).extracting(s -> s.getSecret().getName())
                .containsExactly("pg-auth", "pg-replication", "ferret-user");
        assertThat(secrets.getProjected().getSources().get(2).getSecret().getItems())
                .extracting(i -> i.getKey() + "->" + i.getPath())
                .containsExactly("username->ferret-user/username", "password->ferret-user/password");
    }

    @Test
    void userAuthSecretIsMountedInsteadOfTheGeneratedOne() {
        Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);
        SecretReference ref = new SecretReference();
        ref.setName("mine");
        pg.getSpec().setAuthSecret(ref);
        Container coordinator = container(desired(pg), "pg-coordinator");
        assertThat(env(coordinator)).containsEntry(CoordinatorEnvironment.SUPERUSER_SECRET_DIR, PodContract.SECRETS_DIR + "/mine");
    }

    @Test
    void podTemplateOverridesApplyButTheOperatorsLabelsAndEnvWin() {
        Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);
        PodTemplate template = new PodTemplate();
        PodTemplateMetadata metadata = new PodTemplateMetadata();
        metadata.setLabels(Map.of("team", "data", Labels.INSTANCE, "hijack"));
        metadata.setAnnotations(Map.of("example.com/note", "hi"));
        template.setMetadata(metadata);
        PodTemplateOverrides spec = new PodTemplateOverrides();
        spec.setResources(new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("4Gi")).build());
        spec.setEnv(List.of(new EnvVarBuilder().withName("TZ").withValue("UTC").build(),
                new EnvVarBuilder().withName("PGDATA").withValue("/elsewhere").build()));
        spec.setNodeSelector(Map.of("disk", "ssd"));
        spec.setTolerations(List.of(new TolerationBuilder().withKey("db").withOperator("Exists").build()));
        spec.setPriorityClassName("critical");
        spec.setTerminationGracePeriodSeconds(120L);
        template.setSpec(spec);
        pg.getSpec().setPodTemplate(template);

        StatefulSet sts = desired(pg);
        var meta = sts.getSpec().getTemplate().getMetadata();
        assertThat(meta.getLabels()).containsEntry("team", "data").containsEntry(Labels.INSTANCE, "pg");
        assertThat(meta.getAnnotations()).containsEntry("example.com/note", "hi")
                .containsKey(PostgresPodTemplate.RUNNER_SCRIPT_ANNOTATION);
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsEntry("disk", "ssd");
        assertThat(pod.getTolerations()).extracting(t -> t.getKey()).containsExactly("db");
        assertThat(pod.getPriorityClassName()).isEqualTo("critical");
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(120L);
        Container postgres = container(sts, "postgres");
        assertThat(postgres.getResources().getRequests()).containsEntry("memory", new Quantity("4Gi"));
        assertThat(env(postgres)).containsEntry("TZ", "UTC").containsEntry("PGDATA", PodContract.PGDATA);
        // The coordinator keeps its own resources.
        assertThat(container(sts, "pg-coordinator").getResources().getRequests()).containsEntry("memory", new Quantity("256Mi"));
    }
}
