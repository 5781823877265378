package org.ferretdboperator.coordinator.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.contract.ArchiverEnvironment;
import org.ferretdboperator.coordinator.postgres.Credentials;
import org.ferretdboperator.coordinator.postgres.InstanceSettings;
import org.ferretdboperator.coordinator.postgres.PostgresFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgBackRestArchiverTest {

    @TempDir
    Path tmp;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put(ArchiverEnvironment.BUCKET, "wal-archive");
        env.put(ArchiverEnvironment.ENDPOINT, "https://s3.example.test:9000");
        env.put(ArchiverEnvironment.PATH, "demo/ferret");
        env.put(ArchiverEnvironment.CREDENTIALS_DIR, tmp.resolve("creds").toString());
        return env;
    }

    @Test
    void noBucketMeansNoArchiving() {
        assertThat(ArchiveSettings.fromEnvironment(Map.of())).isEmpty();
    }

    @Test
    void settingsParsedWithDefaults() {
        ArchiveSettings s = ArchiveSettings.fromEnvironment(env()).orElseThrow();
        assertThat(s.host()).isEqualTo("s3.example.test");
        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.path()).isEqualTo("/demo/ferret");
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.compression()).isEqualTo("lz4");
        assertThat(s.caFile()).isEmpty();
    }

    @Test
    void everyBadFieldIsNamedAtOnce() {
        Map<String, String> env = env();
        env.put(ArchiverEnvironment.ENDPOINT, "http://s3.example.test");
        env.put(ArchiverEnvironment.COMPRESSION, "brotli");
        env.remove(ArchiverEnvironment.CREDENTIALS_DIR);
        assertThatThrownBy(() -> ArchiveSettings.fromEnvironment(env))
                .hasMessageContaining(ArchiverEnvironment.ENDPOINT + "=http://s3.example.test")
                .hasMessageContaining(ArchiverEnvironment.COMPRESSION + "=brotli")
                .hasMessageContaining(ArchiverEnvironment.CREDENTIALS_DIR + " is required");
    }

    @Test
    void bucketNameChecked() {
        Map<String, String> env = env();
        env.put(ArchiverEnvironment.BUCKET, "Bad_Bucket");
        assertThatThrownBy(() -> ArchiveSettings.fromEnvironment(env)).hasMessageContaining(ArchiverEnvironment.BUCKET + "=Bad_Bucket");
    }

    private PgBackRestArchiver archiver(Map<String, String> env) {
        return new PgBackRestArchiver(ArchiveSettings.fromEnvironment(env).orElseThrow(), "ferret-pg-backend",
                Path.of("/var/pv/data"), Path.of("/var/run/postgresql"), 5432, "postgres", Path.of("/run/coordinator"));
    }

    @Test
    void archiveCommandPushesThroughTheConfigFileAndCreatesTheStanzaWhenMissing() {
        assertThat(archiver(env()).postgresqlLines()).containsExactly(
                "archive_mode = always",
                "archive_command = 'pgbackrest --config=/run/coordinator/pgbackrest.conf --stanza=ferret-pg-backend archive-push %p"
                        + " || { pgbackrest --config=/run/coordinator/pgbackrest.conf --stanza=ferret-pg-backend stanza-create"
                        + " && pgbackrest --config=/run/coordinator/pgbackrest.conf --stanza=ferret-pg-backend archive-push %p; }'",
                "archive_timeout = '60s'");
    }

    @Test
    void configurationCarriesTheKeysFromTheSecretFilesAndTheStoreSettings() throws IOException {
        Files.createDirectories(tmp.resolve("creds"));
        Files.writeString(tmp.resolve("creds").resolve(ArchiverEnvironment.ACCESS_KEY_ID_FILE), "AKID123\n");
        Files.writeString(tmp.resolve("creds").resolve(ArchiverEnvironment.SECRET_ACCESS_KEY_FILE), "s3cr3t/key+x");
        Map<String, String> env = env();
        env.put(ArchiverEnvironment.CA_FILE, "/etc/archiver/ca.crt");
        String conf = archiver(env).configuration();
        assertThat(conf).contains("repo1-s3-key=AKID123\n", "repo1-s3-key-secret=s3cr3t/key+x\n", "repo1-s3-bucket=wal-archive\n",
                "repo1-s3-endpoint=s3.example.test\n", "repo1-storage-port=9000\n", "repo1-path=/demo/ferret\n",
                "repo1-storage-ca-file=/etc/archiver/ca.crt\n", "[ferret-pg-backend]\n", "pg1-path=/var/pv/data\n",
                "pg1-port=5432\n");
    }

    @Test
    void missingKeyFileNamesTheCredentialsDirectory() {
        assertThatThrownBy(() -> archiver(env()).configuration()).isInstanceOf(IOException.class)
                .hasMessageContaining(ArchiverEnvironment.CREDENTIALS_DIR)
                .hasMessageContaining(ArchiverEnvironment.ACCESS_KEY_ID_FILE);
    }

    @Test
    void theKeyNeverAppearsInTheErrorOfAMalformedKeyFile() throws IOException {
        Files.createDirectories(tmp.resolve("creds"));
        Files.writeString(tmp.resolve("creds").resolve(ArchiverEnvironment.ACCESS_KEY_ID_FILE), "AKID 123");
        Files.writeString(tmp.resolve("creds").resolve(ArchiverEnvironment.SECRET_ACCESS_KEY_FILE), "x");
        assertThatThrownBy(() -> archiver(env()).configuration()).hasMessageNotContaining("AKID");
    }

    private static InstanceSettings instance() {
        return new InstanceSettings(Path.of("/var/pv/data"), 5432, Path.of("/var/run/postgresql"), "*", "m0",
                new Credentials("postgres", "pw".toCharArray()), new Credentials("replicator", "pw".toCharArray()),
                Path.of("/run/coordinator/pgpass"), "1GB");
    }

    @Test
    void postgresqlConfGetsTheArchiveLinesBeforeTheOverrideInclude() {
        String conf = new PostgresFiles(instance(), null, Optional.of(archiver(env()))).postgresqlConf();
        assertThat(conf.indexOf("archive_mode = always")).isPositive()
                .isLessThan(conf.indexOf("include_if_exists = 'postgresql.custom.conf'"));
    }

    @Test
    void postgresqlConfWithoutArchivingHasNoArchiveSettings() {
        assertThat(new PostgresFiles(instance(), null).postgresqlConf()).doesNotContain("archive_");
    }
}
