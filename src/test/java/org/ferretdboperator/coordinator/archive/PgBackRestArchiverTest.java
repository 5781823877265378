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
    void archiveCommandRunsThePushScriptWithSh() {
        assertThat(archiver(env()).postgresqlLines()).containsExactly(
                "archive_mode = always",
                "archive_command = 'sh /run/coordinator/pgbackrest-archive-push.sh %p'",
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

    /**
     * The push script's own logic, against a stand-in pgbackrest on PATH that exits with the codes queued in a file (the
     * real pgBackRest's behaviour is covered by WalArchivingFailoverIT); returns the script's exit code.
     */
    private int push(String... exitCodes) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(tmp.resolve("codes"), String.join("\n", exitCodes) + "\n");
        Files.writeString(bin.resolve("pgbackrest"), String.join("\n", "#!/bin/sh",
                "echo \"$*\" >> " + tmp.resolve("calls"),
                "code=$(head -n 1 " + tmp.resolve("codes") + ")",
                "sed -i 1d " + tmp.resolve("codes"),
                "exit $code", ""));
        bin.resolve("pgbackrest").toFile().setExecutable(true);
        PgBackRestArchiver a = new PgBackRestArchiver(ArchiveSettings.fromEnvironment(env()).orElseThrow(), "pg",
                Path.of("/d"), Path.of("/s"), 5432, "postgres", tmp);
        Files.writeString(a.pushScript(), a.pushScriptContent());
        ProcessBuilder pb = new ProcessBuilder("sh", a.pushScript().toString(), "pg_wal/000000010000000000000003")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        return pb.start().waitFor();
    }

    private java.util.List<String> calls() throws IOException {
        return Files.readAllLines(tmp.resolve("calls")).stream().map(l -> l.replaceAll("^--config=\\S+ --stanza=pg ", ""))
                .toList();
    }

    @Test
    void pushSucceeds() throws Exception {
        assertThat(push("0")).isZero();
        assertThat(calls()).containsExactly("archive-push pg_wal/000000010000000000000003");
    }

    @Test
    void segmentAlreadyStoredByAnotherMemberIsNotAnError() throws Exception {
        assertThat(push("45")).isZero();
        assertThat(calls()).hasSize(1);
    }

    @Test
    void missingStanzaIsCreatedAndThePushRetried() throws Exception {
        assertThat(push("55", "0", "0")).isZero();
        assertThat(calls()).containsExactly("archive-push pg_wal/000000010000000000000003", "stanza-create",
                "archive-push pg_wal/000000010000000000000003");
    }

    @Test
    void missingStanzaAsPgBackRest245ReportsItIsCreatedToo() throws Exception {
        assertThat(push("103", "0", "0")).isZero();
        assertThat(calls()).containsExactly("archive-push pg_wal/000000010000000000000003", "stanza-create",
                "archive-push pg_wal/000000010000000000000003");
    }

    @Test
    void aStandbyCannotCreateTheStanzaAndThePushFails() throws Exception {
        assertThat(push("55", "56")).as("a failure: PostgreSQL retries the segment").isNotZero();
        assertThat(calls()).containsExactly("archive-push pg_wal/000000010000000000000003", "stanza-create");
    }

    @Test
    void otherFailuresReachPostgresqlSoItRetries() throws Exception {
        assertThat(push("39")).isEqualTo(39);
    }
}
