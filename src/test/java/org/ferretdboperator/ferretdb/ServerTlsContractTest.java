package org.ferretdboperator.ferretdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ferretdboperator.api.common.SslMode;
import org.ferretdboperator.api.common.TlsSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.postgres.PostgresSpecs;
import org.ferretdboperator.support.Names;
import org.junit.jupiter.api.Test;

/**
 * requireSSL on the real builders: every file FerretDB is told to read is in a volume of the Secret that holds it,
 * the backend Postgres the FerretDB reconciler creates turns TLS on (so the CA FerretDB verifies against exists and is
 * the one that signs the members' certificate), and the Services' 27017 leads to the TLS listener only.
 */
class ServerTlsContractTest {

    private static FerretDB requireSsl() {
        FerretDB ferret = Fixtures.seedLike();
        ferret.getSpec().setSslMode(SslMode.REQUIRE_SSL);
        ferret.getSpec().setTls(new TlsSpec());
        return ferret;
    }

    private static Map<String, String> env(Container c) {
        return c.getEnv().stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    /** The Secret (and its key) behind a file path, from the container's mounts and the pod's volumes. */
    private static Optional<String> secretKeyOf(PodSpec pod, Container c, String file) {
        Path path = Path.of(file);
        for (VolumeMount m : c.getVolumeMounts()) {
            if (path.getParent().equals(Path.of(m.getMountPath()))) {
                Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst().orElseThrow();
                if (v.getSecret() == null) {
                    return Optional.empty();
                }
                String key = path.getFileName().toString();
                boolean projected = v.getSecret().getItems() == null || v.getSecret().getItems().isEmpty()
                        || v.getSecret().getItems().stream().anyMatch(i -> i.getKey().equals(key) && i.getPath().equals(key));
                return projected ? Optional.of(v.getSecret().getSecretName() + "/" + key) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Test
    void everyFileFerretDbReadsComesFromTheSecretThatHoldsIt() {
        FerretDB ferret = requireSsl();
        PodSpec pod = ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v1()).getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        Map<String, String> env = env(c);
        assertThat(env).containsEntry("FERRETDB_LISTEN_ADDR", "").containsEntry("FERRETDB_LISTEN_TLS", ":27018");
        String name = ferret.getMetadata().getName();
        assertThat(secretKeyOf(pod, c, env.get("FERRETDB_LISTEN_TLS_CERT_FILE"))).contains(Names.serverCertSecret(name) + "/tls.crt");
        assertThat(secretKeyOf(pod, c, env.get("FERRETDB_LISTEN_TLS_KEY_FILE"))).contains(Names.serverCertSecret(name) + "/tls.key");

        String url = env.get("FERRETDB_POSTGRESQL_URL");
        assertThat(url).contains("sslmode=verify-full");
        String rootCert = url.replaceFirst(".*sslrootcert=([^&]+).*", "$1");
        Postgres backend = BackendPostgresBuilder.build(ferret, Fixtures.v1());
        assertThat(PostgresSpecs.tlsManaged(backend)).as("the backend runs TLS with the operator's certificates").isTrue();
        assertThat(secretKeyOf(pod, c, rootCert)).as("only the backend's CA, never its key")
                .contains(Names.serverCertSecret(backend.getMetadata().getName()) + "/ca.crt");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(ServerTls.BACKEND_CA_VOLUME)).singleElement()
                .satisfies(v -> assertThat(v.getSecret().getItems()).hasSize(1));
        // the host in the URL is a name the backend's certificate carries
        String host = url.replaceFirst("postgres://([^:/]+).*", "$1");
        assertThat(PostgresSpecs.serverDnsNames(backend)).contains(host);

        assertThat(c.getPorts()).filteredOn(p -> p.getName().equals(PodContract.FERRETDB_PORT_NAME)).singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(ServerTls.TLS_PORT));
        assertThat(ServerServiceBuilder.client(ferret, ServerGroup.PRIMARY).getSpec().getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo(PodContract.FERRETDB_PORT_NAME));
    }

    @Test
    void theServerCertificateNamesTheClientServices() {
        FerretDB ferret = requireSsl();
        String ns = ferret.getMetadata().getNamespace();
        assertThat(ServerTls.serverDnsNames(ferret)).contains(ServerServiceBuilder.client(ferret, ServerGroup.PRIMARY)
                .getMetadata().getName() + "." + ns + ".svc", ServerServiceBuilder.client(ferret, ServerGroup.SECONDARY)
                .getMetadata().getName() + "." + ns + ".svc");
    }

    @Test
    void disabledStaysPlaintextOn27017() {
        FerretDB ferret = Fixtures.seedLike();
        PodSpec pod = ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v1()).getSpec().getTemplate().getSpec();
        Map<String, String> env = env(pod.getContainers().get(0));
        assertThat(env).containsEntry("FERRETDB_LISTEN_ADDR", ":27017").doesNotContainKey("FERRETDB_LISTEN_TLS");
        assertThat(env.get("FERRETDB_POSTGRESQL_URL")).doesNotContain("ssl");
        assertThat(PostgresSpecs.tlsManaged(BackendPostgresBuilder.build(ferret, Fixtures.v1()))).isFalse();
    }
}
