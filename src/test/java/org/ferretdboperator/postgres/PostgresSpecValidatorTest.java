package org.ferretdboperator.postgres;

import org.ferretdboperator.status.Problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.postgres.DatabaseUser;
import org.ferretdboperator.api.postgres.Postgres;
import org.junit.jupiter.api.Test;

class PostgresSpecValidatorTest {

    private final Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);
    private final Map<String, Secret> secrets = new HashMap<>();

    private List<Problem> validate() {
        return PostgresSpecValidator.validate(pg, name -> Optional.ofNullable(secrets.get(name)));
    }

    private void secret(String name, String username, String password) {
        Map<String, String> data = new HashMap<>();
        if (username != null) {
            data.put("username", Base64.getEncoder().encodeToString(username.getBytes()));
        }
        if (password != null) {
            data.put("password", Base64.getEncoder().encodeToString(password.getBytes()));
        }
        secrets.put(name, new SecretBuilder().withNewMetadata().withName(name).endMetadata().withData(data).build());
    }

    private void authSecret(String name) {
        SecretReference ref = new SecretReference();
        ref.setName(name);
        pg.getSpec().setAuthSecret(ref);
    }

    @Test
    void generatedCredentialsNeedNothingFromTheUser() {
        assertThat(validate()).isEmpty();
    }

    @Test
    void userAuthSecretMustExist() {
        authSecret("mine");
        assertThat(validate()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("spec.authSecret.name");
            assertThat(p.message()).isEqualTo("spec.authSecret.name: Secret \"mine\" not found in namespace ns");
        });
    }

    @Test
    void userAuthSecretMustHaveNonEmptyUsernameAndPassword() {
        authSecret("mine");
        secret("mine", "admin", "");
        assertThat(validate()).singleElement().satisfies(p -> assertThat(p.message())
                .isEqualTo("spec.authSecret.name: Secret \"mine\" has no non-empty key(s) password"));
        secret("mine", null, null);
        assertThat(validate()).singleElement().satisfies(p -> assertThat(p.message()).endsWith("username, password"));
        secret("mine", "admin", "pw");
        assertThat(validate()).isEmpty();
    }

    @Test
    void redactedSecretsFromTheInformerCacheValidateTheSame() {
        authSecret("mine");
        secret("mine", "admin", "");
        secrets.put("mine", ReferencedSecrets.KeysOnlyStore.redact(secrets.get("mine")));
        assertThat(validate()).singleElement().satisfies(p -> assertThat(p.message()).endsWith("password"));
        secret("mine", "admin", "pw");
        Secret redacted = ReferencedSecrets.KeysOnlyStore.redact(secrets.get("mine"));
        assertThat(redacted.getData().values()).noneMatch(v -> v.equals(Base64.getEncoder().encodeToString("pw".getBytes())));
        secrets.put("mine", redacted);
        assertThat(validate()).isEmpty();
    }

    @Test
    void applicationUsersAreCheckedByIndex() {
        secret("app-a", "a", "pa");
        pg.getSpec().setUsers(List.of(user("app-a", "a"), user("app-b", "b"), user("pg-auth", "c")));
        assertThat(validate()).extracting(Problem::field).containsExactly("spec.users[1].secretName", "spec.users[2].secretName");
        assertThat(validate().get(1).message()).contains("superuser");
    }

    @Test
    void durableStorageMustNameASize() {
        pg.getSpec().setStorage(new PersistentVolumeClaimSpecBuilder().withStorageClassName("fast").build());
        assertThat(validate()).extracting(Problem::field).containsExactly("spec.storage.resources.requests.storage");
    }

    @Test
    void aDocumentDbVersionNeedsAnImageForThereIsNoOfficialOne() {
        pg.getSpec().setVersion("17-documentdb");
        pg.getSpec().setImage(null);
        assertThat(validate()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("spec.image");
            assertThat(p.message()).startsWith("spec.image: is required for version \"17-documentdb\"");
        });
        pg.getSpec().setImage("ghcr.io/ferretdb/postgres-documentdb:17-0.102.0-ferretdb-2.0.0");
        assertThat(validate()).isEmpty();
    }

    private static DatabaseUser user(String secret, String database) {
        DatabaseUser u = new DatabaseUser();
        u.setSecretName(secret);
        u.setDatabase(database);
        return u;
    }

    @Test
    void archiverSecretMustExistWithBothAccessKeys() {
        pg.getSpec().setArchiver(ArchiverFixtures.archiver("s3-creds"));
        assertThat(validate()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("spec.archiver.s3.secretName");
            assertThat(p.message()).contains("\"s3-creds\" not found in namespace ns");
        });

        secrets.put("s3-creds", ArchiverFixtures.secret("s3-creds", Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "")));
        assertThat(validate()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("spec.archiver.s3.secretName");
            assertThat(p.message()).endsWith("has no non-empty key(s) AWS_SECRET_ACCESS_KEY");
        });

        secrets.put("s3-creds", ArchiverFixtures.secret("s3-creds", Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "s3cr3t")));
        assertThat(validate()).isEmpty();
        // the informer's cache keeps only which keys are set: it validates the same
        secrets.put("s3-creds", ReferencedSecrets.KeysOnlyStore.redact(secrets.get("s3-creds")));
        assertThat(validate()).isEmpty();
        assertThat(PostgresSpecValidator.hasArchiverCa(secrets.get("s3-creds"))).isFalse();
    }

    @Test
    void archiverRefusesKubeDbsReferenceAnEndpointWithoutHttpsAndAMissingStore() {
        secrets.put("s3-creds", ArchiverFixtures.secret("s3-creds", Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "x")));
        var archiver = ArchiverFixtures.archiver("s3-creds");
        archiver.getS3().setEndpoint("s3.storage.example:9000");
        var ref = new org.ferretdboperator.api.postgres.ArchiverReference();
        ref.setName("pg-archiver");
        archiver.setRef(ref);
        pg.getSpec().setArchiver(archiver);
        assertThat(validate()).extracting(Problem::field).containsExactly("spec.archiver.ref", "spec.archiver.s3.endpoint");
        assertThat(validate().get(1).message()).contains("https://host[:port]").contains("\"s3.storage.example:9000\"");

        archiver.setRef(null);
        archiver.setS3(null);
        assertThat(validate()).extracting(Problem::field).containsExactly("spec.archiver.s3");
    }
}
