package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.common.StandbyMode;
import org.ferretdboperator.api.common.StreamingMode;
import org.ferretdboperator.api.postgres.DatabaseUser;
import org.ferretdboperator.api.postgres.LeaderElectionSpec;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.AppUser;
import org.ferretdboperator.contract.CoordinatorEnvironment;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.contract.PostgresDistribution;
import org.ferretdboperator.coordinator.CoordinatorConfig;
import org.ferretdboperator.support.Names;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract between the operator's pod template and the pg-coordinator: the env the REAL StatefulSet template gives
 * the coordinator container, handed over as the kubelet does (downward-API values filled in, {@code $(VAR)} expanded),
 * parses into the {@link CoordinatorConfig} the coordinator needs; every Secret directory it reads is one the template
 * really mounts into that container (found from the volumeMounts and the projected Secret items, not from constants);
 * and the data and control directories are the ones the postgres container uses.
 */
class CoordinatorEnvironmentRoundTripTest {

    private static final String IMAGE = "registry.example/ferretdb-operator:1.2.3";
    private static final String POD = "pg-1";
    private static final String POD_IP = "10.244.1.17";
    private static final String POD_UID = "6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f";

    record Case(String description, Postgres pg, PostgresDistribution distribution) {

        Case(String description, Postgres pg) {
            this(description, pg, PostgresDistribution.POSTGRESQL);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> cases() {
        Postgres sync = PostgresFixtures.postgres("demo", "pg", 3, DeletionPolicy.DELETE);
        sync.getSpec().setUsers(List.of(user("ferret-user", "ferretdb"), user("app-user", "app_db")));

        Postgres async = PostgresFixtures.postgres("prod", "pg", 5, DeletionPolicy.HALT);
        async.getSpec().setStreamingMode(StreamingMode.ASYNCHRONOUS);
        async.getSpec().setStandbyMode(StandbyMode.HOT);
        SecretReference mine = new SecretReference();
        mine.setName("my-superuser");
        async.getSpec().setAuthSecret(mine);
        LeaderElectionSpec le = new LeaderElectionSpec();
        le.setLeaseDurationMillis(9000);
        le.setRenewDeadlineMillis(6000);
        le.setRetryPeriodMillis(1500);
        le.setMaximumLagBeforeFailover(4096L);
        async.getSpec().setLeaderElection(le);
        async.getSpec().setUsers(List.of(user("ferret-user", "ferretdb")));
        Postgres documentDb = PostgresFixtures.postgres("docs", "pg", 3, DeletionPolicy.DELETE);
        documentDb.getSpec().setVersion("17-documentdb");
        documentDb.getSpec().setImage("ghcr.io/ferretdb/postgres-documentdb:17-0.102.0-ferretdb-2.0.0");
        documentDb.getSpec().setUsers(List.of(user("ferret-user", "postgres")));
        return Stream.of(new Case("synchronous, defaults, generated superuser, two users", sync),
                new Case("asynchronous, custom leader election, user's superuser Secret", async),
                new Case("DocumentDB (FerretDB 2.x), version 17-documentdb", documentDb, PostgresDistribution.DOCUMENTDB));
    }

    private static DatabaseUser user(String secret, String database) {
        DatabaseUser u = new DatabaseUser();
        u.setSecretName(secret);
        u.setDatabase(database);
        return u;
    }

    private static PodSpec podSpec(Postgres pg) {
        return PostgresStatefulSetDependent.desired(pg, IMAGE, Optional.empty()).getSpec().getTemplate().getSpec();
    }

    private static Container container(PodSpec spec, String name) {
        return spec.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    /** What the kubelet hands the container: fieldRefs resolved for pod {@link #POD}, {@code $(VAR)} expanded. */
    static Map<String, String> asTheKubeletWould(Container c, String namespace) {
        Map<String, String> fields = Map.of("metadata.name", POD, "metadata.namespace", namespace, "status.podIP", POD_IP,
                "metadata.uid", POD_UID);
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar v : c.getEnv()) {
            if (v.getValueFrom() != null) {
                assertThat(v.getValueFrom().getSecretKeyRef()).as("secrets never in env: " + v.getName()).isNull();
                assertThat(v.getValueFrom().getFieldRef()).as(v.getName() + " comes from the downward API").isNotNull();
                String path = v.getValueFrom().getFieldRef().getFieldPath();
                assertThat(fields).as("a field the kubelet provides").containsKey(path);
                env.put(v.getName(), fields.get(path));
            } else {
                env.put(v.getName(), expand(v.getValue() == null ? "" : v.getValue(), env));
            }
        }
        return env;
    }

    /** Kubernetes' dependent-variable expansion: $(NAME) of an earlier variable, $$ an escaped $, others kept verbatim. */
    static String expand(String value, Map<String, String> earlier) {
        Matcher m = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                replacement = earlier.getOrDefault(m.group(1), m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Directory (as the container sees it) → Secret name, for every Secret mounted with username and password. */
    static Map<Path, String> mountedSecretDirs(PodSpec spec, Container c) {
        Map<String, Volume> volumes = new HashMap<>();
        spec.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        // the data volume of a Durable member is the StatefulSet's claim template, not a pod volume
        volumes.putIfAbsent(PodContract.DATA_VOLUME, new Volume());
        Map<Path, String> dirs = new HashMap<>();
        for (VolumeMount mount : c.getVolumeMounts()) {
            Volume v = volumes.get(mount.getName());
            assertThat(v).as("volume of mount " + mount.getName()).isNotNull();
            Path at = Path.of(mount.getMountPath());
            if (v.getSecret() != null && v.getSecret().getItems() == null) {
                dirs.put(at, v.getSecret().getSecretName());
            }
            if (v.getProjected() != null) {
                for (VolumeProjection source : v.getProjected().getSources()) {
                    if (source.getSecret() == null) {
                        continue;
                    }
                    Map<Path, List<String>> keysByDir = new HashMap<>();
                    for (KeyToPath item : source.getSecret().getItems()) {
                        Path file = at.resolve(item.getPath());
                        assertThat(file.getFileName().toString()).as("the file the coordinator reads for " + item.getKey())
                                .isEqualTo(item.getKey());
                        keysByDir.computeIfAbsent(file.getParent(), k -> new java.util.ArrayList<>()).add(item.getKey());
                    }
                    keysByDir.forEach((dir, keys) -> {
                        if (keys.containsAll(List.of("username", "password"))) {
                            dirs.put(dir, source.getSecret().getName());
                        }
                    });
                }
            }
        }
        return dirs;
    }

    private static String envOf(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElse(null);
    }

    private static List<String> mountPaths(Container c) {
        return c.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theTemplatesEnvParsesIntoTheCoordinatorsConfigWithMountedSecretDirs(Case c) {
        Postgres pg = c.pg();
        String ns = pg.getMetadata().getNamespace();
        PodSpec spec = podSpec(pg);
        Container coordinator = container(spec, PodContract.COORDINATOR_CONTAINER);
        Container postgres = container(spec, PodContract.POSTGRES_CONTAINER);

        CoordinatorConfig config = CoordinatorConfig.fromEnvironment(asTheKubeletWould(coordinator, ns));

        assertThat(config.podName()).isEqualTo(POD);
        // the uid precondition of the coordinator's pod patches is this incarnation's, from the downward API
        assertThat(config.podUid()).contains(POD_UID);
        assertThat(config.namespace()).isEqualTo(ns);
        assertThat(config.postgresName()).isEqualTo("pg");
        assertThat(config.replicas()).isEqualTo(PostgresSpecs.replicas(pg));
        assertThat(config.members()).hasSize(PostgresSpecs.replicas(pg)).contains(POD);
        assertThat(config.synchronous()).isEqualTo(PostgresSpecs.streamingMode(pg) == StreamingMode.SYNCHRONOUS);
        assertThat(config.leaseDurationMillis()).isEqualTo(PostgresSpecs.leaseDurationMs(pg));
        assertThat(config.renewDeadlineMillis()).isEqualTo(PostgresSpecs.renewDeadlineMs(pg));
        assertThat(config.retryPeriodMillis()).isEqualTo(PostgresSpecs.retryPeriodMs(pg));
        assertThat(config.maxLagBytes()).isEqualTo(PostgresSpecs.maximumLagBytes(pg));
        // peers reach it through the governing Service's per-pod DNS name
        String governing = PostgresStatefulSetDependent.desired(pg, IMAGE, Optional.empty()).getSpec().getServiceName();
        assertThat(config.advertiseAddress()).isEqualTo(POD + "." + governing + "." + ns + ".svc:5432");
        assertThat(config.pgBinDir()).as("in a pod the programs run through the postgres container's runner").isEmpty();
        assertThat(config.distribution()).isEqualTo(c.distribution());

        Map<Path, String> mounted = mountedSecretDirs(spec, coordinator);
        assertThat(mounted).as("Secret directories the template mounts into the coordinator")
                .containsEntry(config.superuserSecretDir(), PostgresSpecs.authSecretName(pg))
                .containsEntry(config.replicationSecretDir(), Names.replicationSecret("pg"));
        assertThat(config.appUsers()).extracting(AppUser::database)
                .containsExactlyElementsOf(PostgresSpecs.users(pg).stream().map(DatabaseUser::getDatabase).toList());
        for (int i = 0; i < config.appUsers().size(); i++) {
            assertThat(mounted).containsEntry(config.appUsers().get(i).secretDir(), PostgresSpecs.users(pg).get(i).getSecretName());
        }

        // the coordinator and the postgres container agree on the data and control directories, and both mount them
        assertThat(config.pgdata().toString()).isEqualTo(envOf(postgres, "PGDATA"));
        assertThat(config.controlDir().toString()).isEqualTo(envOf(postgres, PodContract.ENV_CONTROL_DIR));
        // the runner's dead-man's switch fires at the coordinator's own renew deadline
        assertThat(config.heartbeatFile()).contains(config.controlDir().resolve(PodContract.PRIMARY_HEARTBEAT_FILE));
        assertThat(envOf(postgres, PodContract.ENV_RENEW_DEADLINE_MS)).isEqualTo(Long.toString(config.renewDeadlineMillis()));
        assertThat(mountPaths(coordinator)).contains(config.controlDir().toString(), config.socketDir().toString());
        assertThat(mountPaths(postgres)).contains(config.controlDir().toString(), config.socketDir().toString());
        assertThat(mountPaths(coordinator)).anyMatch(m -> config.pgdata().startsWith(Path.of(m)));
        assertThat(mountPaths(postgres)).anyMatch(m -> config.pgdata().startsWith(Path.of(m)));
    }

    @Test
    void aSecretDirectoryTheTemplateDoesNotMountWouldBeCaught() {
        Postgres pg = cases().findFirst().orElseThrow().pg();
        PodSpec spec = podSpec(pg);
        Container coordinator = container(spec, PodContract.COORDINATOR_CONTAINER);
        // the old name of the superuser variable: the coordinator would have fallen back to a path nobody mounts
        coordinator.getEnv().stream().filter(e -> e.getName().equals(CoordinatorEnvironment.SUPERUSER_SECRET_DIR))
                .forEach(e -> e.setName("AUTH_SECRET_DIR"));
        assertThatThrownBy(() -> CoordinatorConfig.fromEnvironment(asTheKubeletWould(coordinator, "demo")))
                .hasMessageContaining(CoordinatorEnvironment.SUPERUSER_SECRET_DIR + " is required");
        assertThat(mountedSecretDirs(spec, coordinator)).doesNotContainKey(Path.of(PodContract.SECRETS_DIR, "superuser"));
    }

    @Test
    void warmStandbyIsRejectedByTheOperatorAndByTheCoordinatorNamingTheField() {
        Postgres pg = PostgresFixtures.postgres("demo", "pg", 3, DeletionPolicy.DELETE);
        pg.getSpec().setStandbyMode(StandbyMode.WARM);
        Secret auth = new SecretBuilder().withNewMetadata().withName("pg-auth").endMetadata()
                .addToData("username", b64("postgres")).addToData("password", b64("pw")).build();
        assertThat(PostgresSpecValidator.validate(pg, name -> Optional.of(auth)))
                .anySatisfy(p -> {
                    assertThat(p.field()).isEqualTo("spec.standbyMode");
                    assertThat(p.message()).contains("Warm is not supported");
                });
        Container coordinator = container(podSpec(pg), PodContract.COORDINATOR_CONTAINER);
        assertThatThrownBy(() -> CoordinatorConfig.fromEnvironment(asTheKubeletWould(coordinator, "demo")))
                .hasMessageContaining(CoordinatorEnvironment.STANDBY_MODE + " is Warm")
                .hasMessageContaining("use Hot");

        Map<String, String> env = asTheKubeletWould(container(podSpec(cases().findFirst().orElseThrow().pg()),
                PodContract.COORDINATOR_CONTAINER), "demo");
        env.put(CoordinatorEnvironment.STANDBY_MODE, "Cold");
        assertThatThrownBy(() -> CoordinatorConfig.fromEnvironment(env))
                .hasMessageContaining(CoordinatorEnvironment.STANDBY_MODE + " must be Hot, got 'Cold'");
    }

    @Test
    void theHarnessFormOfTheSameRecordParsesBackToItself() {
        CoordinatorEnvironment local = new CoordinatorEnvironment("pg-2", "ns", "127.0.0.1", "uid-2", "pg", "pg-pods", 3,
                StreamingMode.ASYNCHRONOUS, StandbyMode.HOT, 3000, 2000, 500, 1 << 20, "127.0.0.1:5555", "/s/auth",
                "/s/repl", List.of(new AppUser(Path.of("/s/u"), "db_1")),
                new CoordinatorEnvironment.Local("/d/data", 5555, "/d", "127.0.0.1", "/usr/lib/postgresql/15/bin", null,
                        "postgres", "/d/log", null, null, 5000L, 20_000L));
        assertThat(CoordinatorEnvironment.fromEnvironment(local.toEnvironment())).isEqualTo(local);
        assertThatThrownBy(local::toEnvVars).hasMessageContaining("downward API");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
