package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.TlsSpec;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.contract.PostgresTls;
import org.ferretdboperator.coordinator.CoordinatorConfig;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.tls.CertificateFacts;
import org.ferretdboperator.tls.ManagedCertificates;
import org.ferretdboperator.tls.Pem;
import org.junit.jupiter.api.Test;

/**
 * The TLS part of the pod contract, on the real StatefulSet template and the real coordinator configuration: the
 * directory the coordinator is told is where the server certificate Secret is mounted, in both containers; and the
 * certificate the operator issues names the address the coordinators connect to each other by (verify-full checks it).
 */
class PostgresTlsContractTest {

    private static final String IMAGE = "registry.example/ferretdb-operator:1.2.3";

    private static Postgres pg(boolean tls) {
        Postgres pg = PostgresFixtures.postgres("demo", "pg", 3, DeletionPolicy.DELETE);
        if (tls) {
            pg.getSpec().setTls(new TlsSpec());
        }
        return pg;
    }

    private static PodSpec podSpec(Postgres pg) {
        return PostgresStatefulSetDependent.desired(pg, IMAGE, Optional.empty()).getSpec().getTemplate().getSpec();
    }

    private static Container container(PodSpec spec, String name) {
        return spec.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Optional<String> secretMountedAt(PodSpec spec, Container c, Path dir) {
        for (VolumeMount mount : c.getVolumeMounts()) {
            if (Path.of(mount.getMountPath()).equals(dir)) {
                Volume v = spec.getVolumes().stream().filter(x -> x.getName().equals(mount.getName())).findFirst().orElseThrow();
                return Optional.ofNullable(v.getSecret()).map(s -> s.getSecretName());
            }
        }
        return Optional.empty();
    }

    @Test
    void theCoordinatorsCertificateDirectoryIsTheServerSecretInBothContainers() {
        Postgres pg = pg(true);
        PodSpec spec = podSpec(pg);
        Container coordinator = container(spec, PodContract.COORDINATOR_CONTAINER);
        CoordinatorConfig config = CoordinatorConfig.fromEnvironment(
                CoordinatorEnvironmentRoundTripTest.asTheKubeletWould(coordinator, "demo"));
        Path dir = config.tlsDir().orElseThrow();
        assertThat(secretMountedAt(spec, coordinator, dir)).contains(Names.serverCertSecret("pg"));
        assertThat(secretMountedAt(spec, container(spec, PodContract.POSTGRES_CONTAINER), dir))
                .as("PostgreSQL reads the files the coordinator names in postgresql.conf").contains(Names.serverCertSecret("pg"));
        Volume volume = spec.getVolumes().stream().filter(v -> v.getName().equals(PostgresTls.VOLUME)).findFirst().orElseThrow();
        assertThat(volume.getSecret().getDefaultMode()).as("no access for others, or PostgreSQL refuses the key").isEqualTo(0440);
    }

    @Test
    void theIssuedCertificateNamesTheAddressPeersConnectTo() {
        Postgres pg = pg(true);
        PodSpec spec = podSpec(pg);
        CoordinatorConfig config = CoordinatorConfig.fromEnvironment(CoordinatorEnvironmentRoundTripTest.asTheKubeletWould(
                container(spec, PodContract.COORDINATOR_CONTAINER), "demo"));
        String host = config.advertiseAddress().substring(0, config.advertiseAddress().lastIndexOf(':'));
        var caData = ManagedCertificates.newCaData("pg", Instant.now());
        var ca = ManagedCertificates.readCa(new SecretBuilder().withNewMetadata().withName("pg-ca").endMetadata()
                .withData(caData).build());
        var data = ManagedCertificates.serverData(Optional.empty(), ca, "pg", PostgresSpecs.serverDnsNames(pg),
                ManagedCertificates.serverLifetimes(pg.getSpec().getTls()), Instant.now()).data();
        var cert = Pem.readCertificate(new String(java.util.Base64.getDecoder().decode(data.get(PostgresTls.CERT_FILE))));
        CertificateFacts facts = CertificateFacts.of(cert, ca.certificate().getPublicKey());
        assertThat(facts.dnsNames()).contains(host, "pg", "pg.demo.svc", "pg-standby.demo.svc",
                "pg-0.pg-pods.demo.svc", "pg-2.pg-pods.demo.svc");
    }

    @Test
    void withoutTlsNothingIsMountedAndTheCoordinatorRunsPlaintext() {
        Postgres pg = pg(false);
        PodSpec spec = podSpec(pg);
        CoordinatorConfig config = CoordinatorConfig.fromEnvironment(CoordinatorEnvironmentRoundTripTest.asTheKubeletWould(
                container(spec, PodContract.COORDINATOR_CONTAINER), "demo"));
        assertThat(config.tlsDir()).isEmpty();
        assertThat(spec.getVolumes()).noneMatch(v -> v.getName().equals(PostgresTls.VOLUME));
    }
}
