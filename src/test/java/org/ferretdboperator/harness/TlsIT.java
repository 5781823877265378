package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.ferretdboperator.ferretdb.FerretDBDefaults;
import org.ferretdboperator.harness.ferretdb.MongoWorkload;
import org.ferretdboperator.harness.ferretdb.SetChecker;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.tls.CertificateAuthority;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS end to end on real processes: three real PostgreSQL members with real coordinators, started with a server
 * certificate from the operator's {@code tls} package (as the {@code <pg>-server-cert} volume gives it to a pod), and
 * two real FerretDB servers with TLS-only listeners (the operator's {@code sslMode: requireSSL}) connecting to
 * PostgreSQL with {@code sslmode=verify-full}. Asserted from PostgreSQL's own view ({@code pg_stat_ssl}): every WAL
 * sender and every FerretDB backend is encrypted, before and after the guide's case 1 (the primary's pod deleted), and
 * a plaintext login from the network is refused; from the client's view: the MongoDB Java driver connects over TLS
 * verifying the CA and the host name, and neither a plaintext client nor one trusting another CA gets an answer.
 * Nothing acknowledged is lost through the failover (Synchronous mode).
 */
@ExtendWith(HarnessResources.class)
class TlsIT {

    private static Path ferretdb;

    @BeforeAll
    static void prerequisites() {
        Member.requirePrerequisites(Harness.projectDir());
        ferretdb = FerretDbFront.binary(Harness.projectDir());
    }

    @Test
    void replicationFerretDbAndItsClientsStayEncryptedThroughAFailover(LocalControlPlane controlPlane) throws Exception {
        Scenario scenario = Scenario.CASE1_DELETE_PRIMARY;
        try (Cluster cluster = Cluster.fresh(controlPlane, "tls", true, scenario.maxLagBytes(), ClusterSpec.Timings.TESTS, true)) {
            cluster.bootstrap();
            try (FerretDbFront front = FerretDbFront.start(cluster, ferretdb)) {
                List<Object> seedIds = front.seed(50);
                Awaitility.await("a first read through the secondary FerretDB server").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> front.secondaryCollection(FerretDbFront.COLLECTION_SEED)
                                .find(Filters.eq("_id", seedIds.get(0))).first() != null);
                Settled before = Settling.await(cluster, Experiment.SETTLE_TIMEOUT);
                assertEncrypted(cluster, before, "before the failover");

                int primaryPort = cluster.member(before.primary()).spec().pgPort();
                assertThatThrownBy(() -> plaintextLogin(primaryPort, front.login()))
                        .as("a plaintext network login of FerretDB's role").isInstanceOf(SQLException.class)
                        .hasMessageContaining("no pg_hba.conf entry").hasMessageContaining("no encryption");

                assertThatThrownBy(() -> ping(front.primaryClient(Optional.empty(), Duration.ofSeconds(3))))
                        .as("a plaintext MongoDB client of the TLS-only listener").isInstanceOf(MongoTimeoutException.class);
                CertificateAuthority stranger = CertificateAuthority.create("stranger", null, Instant.now(), Duration.ofHours(1));
                assertThatThrownBy(() -> ping(front.primaryClient(Optional.of(trusting(stranger)), Duration.ofSeconds(3))))
                        .as("a MongoDB client trusting another CA").isInstanceOf(MongoTimeoutException.class)
                        .hasMessageContaining("PKIX");
                Path ca = org.ferretdboperator.contract.PostgresTls.caFile(cluster.tlsDir().orElseThrow());
                ping(front.primaryClient(Optional.of(FerretDbFront.trustingOnly(ca)), Duration.ofSeconds(10)));

                MongoWorkload workload = new MongoWorkload(front.primaryCollection(FerretDbFront.COLLECTION_WRITES), 2,
                        Duration.ofMillis(20), front.secondaryCollection(FerretDbFront.COLLECTION_SEED), seedIds,
                        Duration.ofMillis(20)).start();
                AtomicLong fault = new AtomicLong();
                Settled after;
                try {
                    long started = System.nanoTime();
                    Awaitility.await("inserts acknowledged before the fault").atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> workload.acks().stream().filter(a -> a.sentNanos() > started).count() >= 20);
                    cluster.deletePods(List.of(before.primary()), true, () -> fault.set(System.nanoTime()), () -> {
                    }, List.of(before.primary()));
                    after = Settling.await(cluster, Experiment.SETTLE_TIMEOUT);
                    long settledAt = after.atNanos();
                    Harness.log("tls: settled %.1f s after deleting %s: primary %s, standbys %s",
                            Harness.seconds(settledAt - fault.get()), before.primary(), after.primary(), after.standbys());
                    Awaitility.await("inserts acknowledged after settling").atMost(Experiment.SETTLE_TIMEOUT)
                            .pollInterval(Duration.ofMillis(50))
                            .until(() -> workload.acks().stream().filter(a -> a.sentNanos() > settledAt).count() >= 20);
                } finally {
                    workload.stop(Duration.ofSeconds(30));
                }
                Settled last = Settling.await(cluster, Experiment.SETTLE_TIMEOUT);
                assertThat(last.primary()).as("a standby took over").isNotEqualTo(before.primary());
                SetChecker.Result check = SetChecker.compare(workload.attempted(),
                        workload.acks().stream().map(MongoWorkload.Ack::id).toList(),
                        SetChecker.readIds(front.primaryCollection(FerretDbFront.COLLECTION_WRITES)));
                Harness.log("tls SUMMARY: acknowledged %d, missing %d, unexpected %d, write failures %d; primary %s -> %s",
                        check.acknowledged(), check.lost().size(), check.unexpected().size(),
                        workload.writeFailures().size(), before.primary(), last.primary());
                assertThat(check.lost()).as("acknowledged inserts missing after the failover").isEmpty();
                assertThat(check.unexpected()).as("ids never inserted").isEmpty();
                // a read through the secondary server opens FerretDB backends on a standby again
                front.secondaryCollection(FerretDbFront.COLLECTION_SEED).find(Filters.eq("_id", seedIds.get(1))).first();
                assertEncrypted(cluster, last, "after the failover");
            }
        }
    }

    /**
     * On the primary: one WAL sender per standby, each over TLS; on every member: each of FerretDB's backends (those
     * it has open) over TLS, and at least one on the primary.
     */
    private static void assertEncrypted(Cluster cluster, Settled settled, String when) throws SQLException {
        Awaitility.await("both standbys streaming from " + settled.primary() + " " + when).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    try (Connection c = superuser(cluster, settled.primary())) {
                        return Sql.queryLong(c, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
                                == settled.standbys().size();
                    }
                });
        try (Connection c = superuser(cluster, settled.primary())) {
            List<String> senders = rows(c, "SELECT r.application_name || ' ssl=' || s.ssl || ' ' || coalesce(s.version, '')"
                    + " FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)");
            Harness.log("tls %s: WAL senders on %s: %s", when, settled.primary(), senders);
            assertThat(senders).as("WAL senders on %s %s", settled.primary(), when).hasSize(settled.standbys().size())
                    .allMatch(s -> s.contains(" ssl=true TLSv1."));
            List<String> ferret = rows(c, ferretdbBackends());
            Harness.log("tls %s: FerretDB backends on %s: %s", when, settled.primary(), ferret);
            assertThat(ferret).as("FerretDB backends on the primary %s", when).isNotEmpty().allMatch(s -> s.endsWith("ssl=true"));
        }
        for (String standby : settled.standbys()) {
            try (Connection c = superuser(cluster, standby)) {
                List<String> ferret = rows(c, ferretdbBackends());
                Harness.log("tls %s: FerretDB backends on %s: %s", when, standby, ferret);
                assertThat(ferret).as("FerretDB backends on %s %s", standby, when).allMatch(s -> s.endsWith("ssl=true"));
            }
        }
    }

    private static String ferretdbBackends() {
        return "SELECT a.usename || ' ssl=' || s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
                + " WHERE a.usename = '" + FerretDBDefaults.USERNAME + "' AND a.backend_type = 'client backend'";
    }

    private static Connection superuser(Cluster cluster, String member) throws SQLException {
        return Sql.connect(cluster.member(member).spec().pgPort(), cluster.superuser(), "harness-tls", 10);
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void plaintextLogin(int port, Sql.Login login) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", login.user());
        p.setProperty("password", login.password());
        p.setProperty("sslmode", "disable");
        p.setProperty("connectTimeout", "3");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + FerretDBDefaults.DATABASE, p)) {
            c.isValid(1);
        }
    }

    private static void ping(MongoClient client) {
        client.getDatabase(FerretDBDefaults.DATABASE).runCommand(new Document("ping", 1));
    }

    private static javax.net.ssl.SSLContext trusting(CertificateAuthority ca) throws Exception {
        Path file = java.nio.file.Files.createTempFile("stranger-ca", ".crt");
        try {
            java.nio.file.Files.writeString(file, ca.certificatePem());
            return FerretDbFront.trustingOnly(file);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
