package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.api.common.SslMode;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.contract.PostgresTls;
import org.ferretdboperator.support.Names;

/**
 * TLS of FerretDB servers with {@code sslMode: requireSSL} (KubeDB refuses allowSSL and preferSSL for FerretDB, and
 * so does the CRD): one TLS listener on {@link #TLS_PORT} (KubeDB's), no plaintext listener, the certificate
 * {@code <name>-server-cert} the operator keeps; and to PostgreSQL {@code sslmode=verify-full} against the backend's
 * CA (only {@code ca.crt} of {@code <name>-pg-backend-server-cert} is mounted, never its key). The client Services keep
 * port 27017, which then leads to the TLS listener.
 */
public final class ServerTls {

    public static final int TLS_PORT = 27018;
    static final String SERVER_VOLUME = "server-cert";
    static final String SERVER_DIR = "/tls/server";
    static final String BACKEND_CA_VOLUME = "backend-ca";
    static final String BACKEND_CA_DIR = "/tls/backend";

    private ServerTls() {
    }

    public static boolean required(FerretDB ferretdb) {
        return ferretdb.getSpec().getSslMode() == SslMode.REQUIRE_SSL;
    }

    /** With certificates the operator keeps (no issuerRef). */
    public static boolean managed(FerretDB ferretdb) {
        return required(ferretdb) && ferretdb.getSpec().getTls() != null && ferretdb.getSpec().getTls().getIssuerRef() == null;
    }

    /** The port FerretDB serves clients on in the pod. */
    static int clientPort(FerretDB ferretdb) {
        return required(ferretdb) ? TLS_PORT : org.ferretdboperator.contract.PodContract.FERRETDB_PORT;
    }

    /** Listener variables: an empty FERRETDB_LISTEN_ADDR turns the plaintext listener off (checked on FerretDB 1.24). */
    static List<EnvVar> listenerEnv(FerretDB ferretdb) {
        if (!required(ferretdb)) {
            return List.of(env("FERRETDB_LISTEN_ADDR", ":" + org.ferretdboperator.contract.PodContract.FERRETDB_PORT));
        }
        return List.of(env("FERRETDB_LISTEN_ADDR", ""),
                env("FERRETDB_LISTEN_TLS", ":" + TLS_PORT),
                env("FERRETDB_LISTEN_TLS_CERT_FILE", SERVER_DIR + "/" + PostgresTls.CERT_FILE),
                env("FERRETDB_LISTEN_TLS_KEY_FILE", SERVER_DIR + "/" + PostgresTls.KEY_FILE));
    }

    /** Query of the PostgreSQL URL: verify the backend against its CA. */
    /** The TLS parameters of FerretDB's PostgreSQL URL (without a leading separator), or "" without TLS. */
    static String postgresUrlQuery(FerretDB ferretdb) {
        return required(ferretdb) ? PostgresTls.verifyFullUrlParameters(BACKEND_CA_DIR + "/" + PostgresTls.CA_FILE) : "";
    }

    static List<Volume> volumes(FerretDB ferretdb) {
        List<Volume> volumes = new ArrayList<>();
        if (required(ferretdb)) {
            String name = ferretdb.getMetadata().getName();
            volumes.add(new VolumeBuilder().withName(SERVER_VOLUME).withNewSecret()
                    .withSecretName(Names.serverCertSecret(name)).withDefaultMode(0440).endSecret().build());
            volumes.add(new VolumeBuilder().withName(BACKEND_CA_VOLUME).withNewSecret()
                    .withSecretName(Names.serverCertSecret(Names.backend(name)))
                    .withItems(new KeyToPathBuilder().withKey(PostgresTls.CA_FILE).withPath(PostgresTls.CA_FILE).build())
                    .withDefaultMode(0444).endSecret().build());
        }
        return volumes;
    }

    static List<VolumeMount> mounts(FerretDB ferretdb) {
        if (!required(ferretdb)) {
            return List.of();
        }
        return List.of(new VolumeMountBuilder().withName(SERVER_VOLUME).withMountPath(SERVER_DIR).withReadOnly(true).build(),
                new VolumeMountBuilder().withName(BACKEND_CA_VOLUME).withMountPath(BACKEND_CA_DIR).withReadOnly(true).build());
    }

    /** DNS names of the server certificate: both client Services and every server pod's governing name. */
    public static List<String> serverDnsNames(FerretDB ferretdb) {
        String ns = ferretdb.getMetadata().getNamespace();
        List<String> hosts = new ArrayList<>();
        for (ServerGroup group : ServerGroup.values()) {
            hosts.add(group.clientServiceName(ferretdb));
            hosts.add("*." + group.governingServiceName(ferretdb));
        }
        List<String> names = new ArrayList<>();
        for (String host : hosts) {
            names.add(host);
            names.add(host + "." + ns);
            names.add(host + "." + ns + ".svc");
        }
        names.addAll(org.ferretdboperator.tls.ManagedCertificates.extraDnsNames(ferretdb.getSpec().getTls()));
        return names;
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }
}
