package org.ferretdboperator.postgres;

import org.ferretdboperator.status.Problem;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.ferretdboperator.api.common.StandbyMode;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.postgres.DatabaseUser;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.ArchiverEnvironment;
import org.ferretdboperator.contract.PostgresDistribution;

/**
 * Checks what the CRD schema cannot: that the Secrets the user names exist with non-empty {@code username} and
 * {@code password}, that a Durable storage spec asks for a size, and that standbyMode is one the coordinator supports (Hot). With a problem the reconciler creates and
 * changes nothing, because pods could not start (or would start with the wrong credentials).
 */
final class PostgresSpecValidator {

    static final String USERNAME = "username";
    static final String PASSWORD = "password";

    private PostgresSpecValidator() {
    }

    /** @param secrets looks a Secret up by name in the object's namespace */
    static List<Problem> validate(Postgres pg, Function<String, Optional<Secret>> secrets) {
        List<Problem> problems = new ArrayList<>();
        String namespace = pg.getMetadata().getNamespace();
        if (!PostgresSpecs.authSecretGenerated(pg)) {
            checkCredentials("spec.authSecret.name", PostgresSpecs.authSecretName(pg), namespace, secrets, problems);
        }
        List<DatabaseUser> users = PostgresSpecs.users(pg);
        for (int i = 0; i < users.size(); i++) {
            String field = "spec.users[" + i + "].secretName";
            String secret = users.get(i).getSecretName();
            if (secret == null || secret.isBlank()) {
                problems.add(Problem.invalidSpec(field, "is required"));
            } else if (secret.equals(PostgresSpecs.authSecretName(pg))) {
                problems.add(Problem.invalidSpec(field, "must not be the superuser's Secret \"" + secret + "\""));
            } else {
                checkCredentials(field, secret, namespace, secrets, problems);
            }
        }
        if (PostgresSpecs.standbyMode(pg) == StandbyMode.WARM) {
            // CoordinatorEnvironment refuses it too: a coordinator told Warm would not start
            problems.add(Problem.invalidSpec("spec.standbyMode", "Warm is not supported: the coordinator observes every member "
                    + "over SQL, and a warm standby (hot_standby = off) accepts no connections; use Hot"));
        }
        if (PostgresSpecs.storageType(pg) == StorageType.DURABLE && pg.getSpec() != null && pg.getSpec().getStorage() != null
                && PostgresSpecs.storageRequest(pg).isEmpty()) {
            problems.add(Problem.invalidSpec("spec.storage.resources.requests.storage", "is required when spec.storage is set"));
        }
        if (PostgresSpecs.distribution(pg) == PostgresDistribution.DOCUMENTDB
                && (pg.getSpec().getImage() == null || pg.getSpec().getImage().isBlank())) {
            // there is no official image of a DocumentDB version to default to
            problems.add(Problem.invalidSpec("spec.image", "is required for version \"" + pg.getSpec().getVersion()
                    + "\": name a PostgreSQL image with the DocumentDB extension, such as "
                    + "ghcr.io/ferretdb/postgres-documentdb:17-0.102.0-ferretdb-2.0.0"));
        }
        checkArchiver(pg, namespace, secrets, problems);
        problems.addAll(org.ferretdboperator.tls.ManagedCertificates.problems(
                pg.getSpec() == null ? null : pg.getSpec().getTls(), "spec.tls"));
        return problems;
    }

    /**
     * What the schema cannot see of spec.archiver: the credentials Secret and its keys. The schema refuses the rest
     * (bucket name, endpoint without https://, unknown compression, retention format, KubeDB's ref); the API server's
     * defaults do not reach objects built in code, so the essentials are checked here again.
     */
    private static void checkArchiver(Postgres pg, String namespace, Function<String, Optional<Secret>> secrets,
            List<Problem> problems) {
        if (pg.getSpec() == null || pg.getSpec().getArchiver() == null) {
            return;
        }
        var archiver = pg.getSpec().getArchiver();
        if (archiver.getRef() != null) {
            problems.add(Problem.invalidSpec("spec.archiver.ref", "KubeDB's PostgresArchiver object is not supported: "
                    + "configure the store inline in spec.archiver.s3"));
        }
        var s3 = archiver.getS3();
        if (s3 == null) {
            problems.add(Problem.invalidSpec("spec.archiver.s3", "is required: the S3-compatible store the WAL is archived to"));
            return;
        }
        if (s3.getBucket() == null || s3.getBucket().isBlank()) {
            problems.add(Problem.invalidSpec("spec.archiver.s3.bucket", "is required"));
        }
        if (s3.getEndpoint() == null || !s3.getEndpoint().startsWith("https://")) {
            problems.add(Problem.invalidSpec("spec.archiver.s3.endpoint", "must be https://host[:port] (pgBackRest speaks "
                    + "TLS only), not \"" + s3.getEndpoint() + "\""));
        }
        String name = s3.getSecretName();
        if (name == null || name.isBlank()) {
            problems.add(Problem.invalidSpec("spec.archiver.s3.secretName", "is required"));
            return;
        }
        Optional<Secret> secret = secrets.apply(name);
        if (secret.isEmpty()) {
            problems.add(Problem.invalidSpec("spec.archiver.s3.secretName", "Secret \"" + name + "\" not found in namespace "
                    + namespace));
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String key : List.of(ArchiverEnvironment.ACCESS_KEY_ID_FILE, ArchiverEnvironment.SECRET_ACCESS_KEY_FILE)) {
            if (isEmpty(secret.get(), key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            problems.add(Problem.invalidSpec("spec.archiver.s3.secretName", "Secret \"" + name + "\" has no non-empty key(s) "
                    + String.join(", ", missing)));
        }
    }

    /** Whether the archiver's Secret carries a CA bundle for the endpoint (KubeStash's key CA_CERT_DATA). */
    static boolean hasArchiverCa(Secret secret) {
        return !isEmpty(secret, ArchiverEnvironment.CA_CERT_FILE);
    }

    private static void checkCredentials(String field, String name, String namespace,
            Function<String, Optional<Secret>> secrets, List<Problem> problems) {
        Optional<Secret> secret = secrets.apply(name);
        if (secret.isEmpty()) {
            problems.add(Problem.invalidSpec(field, "Secret \"" + name + "\" not found in namespace " + namespace));
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String key : List.of(USERNAME, PASSWORD)) {
            if (isEmpty(secret.get(), key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            problems.add(Problem.invalidSpec(field, "Secret \"" + name + "\" has no non-empty key(s) " + String.join(", ", missing)));
        }
    }

    private static boolean isEmpty(Secret secret, String key) {
        Map<String, String> data = secret.getData();
        String encoded = data == null ? null : data.get(key);
        if (encoded != null) {
            try {
                return Base64.getDecoder().decode(encoded).length == 0;
            } catch (IllegalArgumentException e) {
                return true;
            }
        }
        Map<String, String> stringData = secret.getStringData();
        return stringData == null || stringData.get(key) == null || stringData.get(key).isEmpty();
    }
}
