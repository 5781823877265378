package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.catalog.FerretDBVersionValidator;
import org.ferretdboperator.contract.PodContract;

/**
 * Environment of the {@code ferretdb} container. Every FerretDB flag has a {@code FERRETDB_*} variable; there is no
 * config file.
 *
 * <p>Credentials differ by major version:
 * <ul>
 * <li>FerretDB 1.x authenticates clients with PLAIN and passes their username and password through to PostgreSQL,
 * which checks them; a client that does not authenticate uses the credentials in the URL. The URL therefore carries
 * none, and the pod gets no credentials at all: an anonymous client is refused by PostgreSQL.</li>
 * <li>FerretDB 2.x authenticates clients itself (SCRAM-SHA-256 against PostgreSQL roles through DocumentDB) and keeps
 * one connection pool opened with the URL's credentials. They come from the auth Secret as PGUSER and PGPASSWORD,
 * which pgx reads when the URL has no userinfo, so the password never sits in the pod spec or in a URL (and needs no
 * URL escaping).</li>
 * </ul>
 */
public final class ServerEnvironment {

    private ServerEnvironment() {
    }

    public static final String STATE_DIR = "/state";

    /**
     * Variables the operator sets or reserves (the TLS listener, as KubeDB did); a pod template may not override them,
     * while other FERRETDB_* flags (log level, ...) stay the user's to set.
     */
    private static final Set<String> OPERATOR_OWNED = Set.of("FERRETDB_HANDLER", "FERRETDB_POSTGRESQL_URL",
            "FERRETDB_LISTEN_ADDR", "FERRETDB_DEBUG_ADDR", "FERRETDB_STATE_DIR", "FERRETDB_TELEMETRY",
            "FERRETDB_LOG_FORMAT", "FERRETDB_LISTEN_TLS", "FERRETDB_LISTEN_TLS_CERT_FILE",
            "FERRETDB_LISTEN_TLS_KEY_FILE", "FERRETDB_LISTEN_TLS_CA_FILE", "PGUSER", "PGPASSWORD");

    public static boolean isOperatorOwned(String name) {
        return OPERATOR_OWNED.contains(name);
    }

    public static List<EnvVar> build(FerretDB ferretdb, ServerGroup group, FerretDBVersionSpec version,
            String authSecretName) {
        int major = FerretDBVersionValidator.major(version);
        List<EnvVar> env = new ArrayList<>();
        if (major == 1) {
            env.add(plain("FERRETDB_HANDLER", "postgresql"));
        }
        env.add(plain("FERRETDB_POSTGRESQL_URL", postgresUrl(ferretdb, group, major)));
        env.addAll(ServerTls.listenerEnv(ferretdb));
        env.add(plain("FERRETDB_DEBUG_ADDR", ":" + PodContract.FERRETDB_DEBUG_PORT));
        env.add(plain("FERRETDB_STATE_DIR", STATE_DIR));
        env.add(plain("FERRETDB_TELEMETRY", "disable"));
        env.add(plain("FERRETDB_LOG_FORMAT", "json"));
        if (major >= 2) {
            env.add(fromSecret("PGUSER", authSecretName, "username"));
            env.add(fromSecret("PGPASSWORD", authSecretName, "password"));
        }
        return env;
    }

    /**
     * Seconds FerretDB may spend opening one connection to PostgreSQL (pgx's {@code connect_timeout}, dial, TLS and
     * authentication). Without it a connection opened during a failover can hang for minutes: kube-proxy keeps sending
     * new connections to a terminating endpoint that still serves, and once that pod's network is gone, the SYNs of a
     * connection already mapped to it by conntrack go nowhere until the kernel gives up (about two minutes), and the
     * client's insert with them. Bounded, FerretDB answers with an error, the client retries, and the retry opens a
     * new connection through the updated rules.
     */
    static final int POSTGRES_CONNECT_TIMEOUT_SECONDS = 3;

    /**
     * {@code postgres://<backend service>.<namespace>.svc:5432/<database>?connect_timeout=3[&TLS]}: the primary Service
     * for primary servers, the standby Service for secondary servers. 1.x keeps its data in database
     * {@code ferretdb}; 2.x must use the database DocumentDB is installed in.
     */
    static String postgresUrl(FerretDB ferretdb, ServerGroup group, int major) {
        String database = major == 1 ? FerretDBDefaults.DATABASE : FerretDBDefaults.DOCUMENTDB_DATABASE;
        String tls = ServerTls.postgresUrlQuery(ferretdb);
        return "postgres://" + group.backendServiceName(ferretdb) + "." + ferretdb.getMetadata().getNamespace()
                + ".svc:" + PodContract.POSTGRES_PORT + "/" + database + "?connect_timeout="
                + POSTGRES_CONNECT_TIMEOUT_SECONDS + (tls.isEmpty() ? "" : "&" + tls);
    }

    private static EnvVar plain(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static EnvVar fromSecret(String name, String secret, String key) {
        return new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewSecretKeyRef(key, secret, false).endValueFrom()
                .build();
    }
}
