package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.ferretdboperator.contract.PostgresDistribution;
import org.ferretdboperator.coordinator.process.LocalProcessRunner;
import org.junit.jupiter.api.Test;

/** The files' text with and without TLS; that PostgreSQL and libpq accept them is the HA harness's TlsIT. */
class TlsConfigurationTest {

    private static PostgresFiles files(Optional<Path> tls) {
        InstanceSettings settings = new InstanceSettings(Path.of("/d"), 5432, Path.of("/s"), "*", "pg-1",
                new Credentials("postgres", "x".toCharArray()), new Credentials("replicator", "y".toCharArray()),
                Path.of("/c/pgpass"), "1GB", PostgresDistribution.POSTGRESQL, tls);
        return new PostgresFiles(settings, new LocalProcessRunner(Path.of("/nonexistent"), "postgres", Path.of("/l")));
    }

    @Test
    void withTlsEveryNetworkLoginButTheLoopbackSuperuserNeedsTls() {
        String hba = files(Optional.of(Path.of("/tls/server"))).pgHbaConf();
        assertThat(hba.lines().filter(l -> l.startsWith("host ")))
                .allMatch(l -> l.contains(" reject") || l.contains("127.0.0.1/32") || l.contains("::1/128"));
        assertThat(hba).contains("hostssl replication  replicator  all           scram-sha-256",
                "hostssl postgres     replicator  all           scram-sha-256",
                "hostssl all          all   all           scram-sha-256");
    }

    @Test
    void withoutTlsNothingChanges() {
        PostgresFiles plain = files(Optional.empty());
        assertThat(plain.pgHbaConf()).doesNotContain("hostssl");
        assertThat(plain.postgresqlConf()).doesNotContain("ssl");
        assertThat(plain.conninfo("pg-0.pods:5432", true)).doesNotContain("ssl");
    }

    @Test
    void theServerPresentsTheMountedCertificateBeforeTheUsersOverrides() {
        String conf = files(Optional.of(Path.of("/tls/server"))).postgresqlConf();
        assertThat(conf).contains("ssl = on", "ssl_cert_file = '/tls/server/tls.crt'", "ssl_key_file = '/tls/server/tls.key'",
                "ssl_ca_file = '/tls/server/ca.crt'");
        assertThat(conf.indexOf("ssl = on")).isLessThan(conf.indexOf("include_if_exists"));
    }

    @Test
    void peersAreVerifiedAgainstTheCaAndTheUpstreamStillReadsBack() {
        String conninfo = files(Optional.of(Path.of("/tls/server"))).conninfo("pg-0.pods.demo.svc:5433", true);
        assertThat(conninfo).contains("sslmode=verify-full", "sslrootcert=/tls/server/ca.crt");
        assertThat(InstanceObserver.upstreamAddress(conninfo)).isEqualTo("pg-0.pods.demo.svc:5433");
    }
}
