package org.ferretdboperator.contract;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * TLS of a backend's PostgreSQL, as operator and coordinator agree on it: the operator mounts the Secret
 * {@code <pg>-server-cert} (files {@link #CA_FILE}, {@link #CERT_FILE}, {@link #KEY_FILE}, as cert-manager writes
 * them) at {@link #MOUNT_PATH} in both containers and names that directory in {@link #ENV_DIR}; the coordinator, seeing
 * it, turns {@code ssl} on, accepts network logins only over TLS ({@code hostssl}) and connects to peers with
 * {@code sslmode=verify-full} against the CA. Unset: plaintext, as before.
 */
public final class PostgresTls {

    public static final String ENV_DIR = "POSTGRES_TLS_DIR";
    public static final String VOLUME = "server-cert";
    public static final String MOUNT_PATH = "/tls/server";
    public static final String CA_FILE = "ca.crt";
    public static final String CERT_FILE = "tls.crt";
    public static final String KEY_FILE = "tls.key";
    /** Secret files root-owned and group-readable (the pod's fsGroup): PostgreSQL accepts a root-owned key so. */
    public static final int SECRET_FILE_MODE = 0440;

    private PostgresTls() {
    }

    /** The certificate directory {@link #ENV_DIR} names; empty when TLS is off. */
    public static Optional<Path> dir(Map<String, String> env) {
        return Optional.ofNullable(env.get(ENV_DIR)).filter(v -> !v.isBlank()).map(Path::of);
    }

    public static EnvVar envVar(String dir) {
        return new EnvVarBuilder().withName(ENV_DIR).withValue(dir).build();
    }

    /**
     * Query parameters of a PostgreSQL URL (libpq's, which pgx in FerretDB reads too) that make a client verify the
     * server's certificate and host name against {@code caFile}.
     */
    public static String verifyFullUrlParameters(String caFile) {
        return "sslmode=verify-full&sslrootcert=" + caFile;
    }

    public static Path caFile(Path dir) {
        return dir.resolve(CA_FILE);
    }

    public static Path certFile(Path dir) {
        return dir.resolve(CERT_FILE);
    }

    public static Path keyFile(Path dir) {
        return dir.resolve(KEY_FILE);
    }
}
