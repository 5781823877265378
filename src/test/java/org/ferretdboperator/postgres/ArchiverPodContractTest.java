package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.ArchiverEnvironment;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.coordinator.CoordinatorConfig;
import org.ferretdboperator.coordinator.archive.ArchiveSettings;
import org.ferretdboperator.coordinator.archive.PgBackRestArchiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver's side of the pod contract, against the coordinator's real reader: the environment the REAL pod
 * template gives the coordinator (as the kubelet hands it over) parses with {@link ArchiveSettings#fromEnvironment};
 * the Secret's files, written where the template's volume and mount put them, are what {@link PgBackRestArchiver}
 * reads the keys from; the CA bundle and pgBackRest's configuration are at paths the postgres container (where
 * archive_command runs) mounts; and no key reaches the environment.
 */
class ArchiverPodContractTest {

    private static final String IMAGE = "registry.example/ferretdb-operator:1.2.3";
    private static final String KEY_ID = "AKIAEXAMPLE123";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @TempDir
    Path root;

    private static Postgres withArchiver() {
        Postgres pg = PostgresFixtures.postgres("demo", "ferret-pg-backend", 3, DeletionPolicy.DELETE);
        pg.getSpec().setArchiver(ArchiverFixtures.archiver("s3-creds"));
        return pg;
    }

    private static PodSpec podSpec(Postgres pg, boolean withCa) {
        return PostgresStatefulSetDependent.desired(pg, IMAGE, Optional.empty(), withCa).getSpec().getTemplate().getSpec();
    }

    private static Container container(PodSpec spec, String name) {
        return spec.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    /** Writes each mounted Secret volume's items under {@code root} + the mount path, as the kubelet does. */
    private void mountSecrets(PodSpec spec, Container c, Secret secret) throws IOException {
        for (VolumeMount mount : c.getVolumeMounts()) {
            Volume v = spec.getVolumes().stream().filter(vol -> vol.getName().equals(mount.getName())).findFirst().orElse(null);
            if (v == null || v.getSecret() == null || !secret.getMetadata().getName().equals(v.getSecret().getSecretName())) {
                continue;
            }
            for (KeyToPath item : v.getSecret().getItems()) {
                String data = secret.getData().get(item.getKey());
                assertThat(data).as("the Secret has key " + item.getKey() + " that the volume names").isNotNull();
                Path file = inRoot(Path.of(mount.getMountPath()).resolve(item.getPath()));
                Files.createDirectories(file.getParent());
                Files.write(file, Base64.getDecoder().decode(data));
            }
        }
    }

    private Path inRoot(Path absolute) {
        return root.resolve(absolute.toString().substring(1));
    }

    private static boolean mountedIn(Container c, Path path) {
        return c.getVolumeMounts().stream().anyMatch(m -> path.startsWith(Path.of(m.getMountPath())));
    }

    @Test
    void theTemplatesArchiverEnvironmentAndSecretMountAreWhatTheCoordinatorReads() throws IOException {
        Postgres pg = withArchiver();
        PodSpec spec = podSpec(pg, true);
        Container coordinator = container(spec, PodContract.COORDINATOR_CONTAINER);
        Container postgres = container(spec, PodContract.POSTGRES_CONTAINER);
        Map<String, String> env = CoordinatorEnvironmentRoundTripTest.asTheKubeletWould(coordinator, "demo");

        ArchiveSettings settings = ArchiveSettings.fromEnvironment(env).orElseThrow();
        assertThat(settings.bucket()).isEqualTo("wal-archive");
        assertThat(settings.host()).isEqualTo("s3.storage.example");
        assertThat(settings.port()).isEqualTo(9000);
        assertThat(settings.path()).isEqualTo("/demo/ferret");
        assertThat(settings.region()).isEqualTo("eu-west-1");
        assertThat(settings.compression()).isEqualTo("zst");

        // the coordinator reads the keys from the directory the template mounts the Secret at
        Secret secret = ArchiverFixtures.secret("s3-creds", Map.of(ArchiverEnvironment.ACCESS_KEY_ID_FILE, KEY_ID,
                ArchiverEnvironment.SECRET_ACCESS_KEY_FILE, SECRET_KEY, ArchiverEnvironment.CA_CERT_FILE, CA,
                "RESTIC_PASSWORD", "not-ours"));
        mountSecrets(spec, coordinator, secret);
        CoordinatorConfig config = CoordinatorConfig.fromEnvironment(env);
        PgBackRestArchiver archiver = new PgBackRestArchiver(new ArchiveSettings(settings.bucket(), settings.host(),
                settings.port(), settings.path(), settings.region(), settings.compression(),
                settings.caFile().map(this::inRoot), inRoot(settings.credentialsDir())), config.postgresName(),
                config.pgdata(), config.socketDir(), config.pgPort(), "postgres",
                config.passfile().toAbsolutePath().getParent());
        String configuration = archiver.configuration();
        assertThat(configuration).contains("repo1-s3-key=" + KEY_ID + "\n", "repo1-s3-key-secret=" + SECRET_KEY + "\n",
                "repo1-s3-bucket=wal-archive\n", "repo1-path=/demo/ferret\n", "compress-type=zst\n");
        assertThat(Files.list(inRoot(settings.credentialsDir())).map(p -> p.getFileName().toString()))
                .as("only the archiver's keys are mounted").doesNotContain("RESTIC_PASSWORD");

        // archive_command runs pgBackRest in the postgres container: its configuration, script and CA bundle are there
        Path caFile = settings.caFile().orElseThrow();
        assertThat(caFile.getFileName().toString()).isEqualTo(ArchiverEnvironment.CA_CERT_FILE);
        mountSecrets(spec, postgres, secret);
        assertThat(Files.readString(inRoot(caFile))).isEqualTo(CA);
        assertThat(mountedIn(postgres, archiver.configFile())).as(archiver.configFile() + " in the postgres container").isTrue();
        assertThat(mountedIn(postgres, archiver.pushScript())).isTrue();
        assertThat(mountedIn(coordinator, archiver.configFile())).isTrue();

        // never a key in either container's environment
        for (Container c : spec.getContainers()) {
            for (EnvVar e : c.getEnv()) {
                assertThat(e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null).as(e.getName()).isTrue();
                assertThat(e.getName()).doesNotStartWith("AWS_");
            }
        }
    }

    @Test
    void withoutCaCertDataTheArchiverTrustsTheSystemsCas() {
        PodSpec spec = podSpec(withArchiver(), false);
        Container coordinator = container(spec, PodContract.COORDINATOR_CONTAINER);
        ArchiveSettings settings = ArchiveSettings.fromEnvironment(
                CoordinatorEnvironmentRoundTripTest.asTheKubeletWould(coordinator, "demo")).orElseThrow();
        assertThat(settings.caFile()).isEmpty();
        Volume volume = spec.getVolumes().stream().filter(v -> v.getName().equals(ArchiverEnvironment.VOLUME)).findFirst()
                .orElseThrow();
        assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getKey)
                .containsExactly(ArchiverEnvironment.ACCESS_KEY_ID_FILE, ArchiverEnvironment.SECRET_ACCESS_KEY_FILE);
    }

    @Test
    void withoutSpecArchiverNothingArchives() {
        Postgres pg = PostgresFixtures.postgres("demo", "pg", 3, DeletionPolicy.DELETE);
        PodSpec spec = podSpec(pg, false);
        Map<String, String> env = CoordinatorEnvironmentRoundTripTest.asTheKubeletWould(
                container(spec, PodContract.COORDINATOR_CONTAINER), "demo");
        assertThat(ArchiveSettings.fromEnvironment(env)).isEmpty();
        assertThat(spec.getVolumes()).noneMatch(v -> v.getName().equals(ArchiverEnvironment.VOLUME));
    }
}
