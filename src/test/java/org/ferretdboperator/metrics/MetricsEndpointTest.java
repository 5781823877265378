package org.ferretdboperator.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.postgres.LeaderElectionSpec;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresSpec;
import org.junit.jupiter.api.Test;

/**
 * The operator's /q/metrics against the fabric8 mock API server: a Postgres object, its Lease and member pods as the
 * coordinators would write them, a failover acted out on them, and the series the operator derives from that alone.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MetricsEndpointTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String NS = "metrics";
    private static final String BACKEND = "namespace=\"" + NS + "\",postgres=\"db\"";

    @Inject
    KubernetesClient client;

    @Test
    void failoverLagSyncStandbysAndPhaseAreDerivedFromLeaseAndPods() throws Exception {
        Postgres pg = new Postgres();
        pg.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("db").build());
        PostgresSpec spec = new PostgresSpec();
        spec.setVersion("16.4");
        spec.setReplicas(3);
        spec.setDeletionPolicy(DeletionPolicy.DELETE);
        LeaderElectionSpec le = new LeaderElectionSpec();
        le.setMaximumLagBeforeFailover(67108864L);
        spec.setLeaderElection(le);
        pg.setSpec(spec);
        client.resource(pg).create();
        await().atMost(TIMEOUT).until(() -> client.leases().inNamespace(NS).withName("db-leader").get() != null);

        client.resource(BackendPods.member(NS, "db-0", true, "{\"role\":\"primary\",\"healthy\":true,\"lsn\":50331968}")).create();
        client.resource(BackendPods.member(NS, "db-1", false, "{\"role\":\"standby\",\"healthy\":true,\"lsn\":50331000,\"walReceiverStreaming\":true}"))
                .create();
        client.resource(BackendPods.member(NS, "db-2", false, "{\"role\":\"standby\",\"healthy\":true,\"lsn\":50000000,\"walReceiverStreaming\":false}"))
                .create();
        writeLease("db-0", 1, "0/3000140", "db-1,db-2", "1");
        writeLease("db-0", 1, "0/3000140", "db-1,db-2", "1"); // a renewal: the operator now knows db-0 was alive

        // Steady state: db-0 serves, standbys lag behind its own published position, one of two sync standbys streams.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            String m = scrape();
            assertThat(value(m, "ferretdb_operator_postgres_primary_info", BACKEND + ",pod=\"db-0\"")).hasValue(1);
            assertThat(value(m, "ferretdb_operator_postgres_replication_lag_bytes", BACKEND + ",pod=\"db-1\"")).hasValue(968);
            assertThat(value(m, "ferretdb_operator_postgres_replication_lag_bytes", BACKEND + ",pod=\"db-2\"")).hasValue(331968);
            assertThat(value(m, "ferretdb_operator_postgres_sync_standbys", BACKEND)).hasValue(1);
            assertThat(value(m, "ferretdb_operator_postgres_sync_standbys_required", BACKEND)).hasValue(1);
            assertThat(value(m, "ferretdb_operator_postgres_max_lag_before_failover_bytes", BACKEND)).hasValue(67108864);
            assertThat(value(m, "ferretdb_operator_leader_changes_total", BACKEND + ",reason=\"failover\"")).hasValue(0);
        });
        String phase = await().atMost(TIMEOUT).until(() -> phaseOf(client.resources(Postgres.class).inNamespace(NS).withName("db").get()),
                p -> p != null);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(value(scrape(), "ferretdb_operator_phase",
                "kind=\"Postgres\",name=\"db\",namespace=\"" + NS + "\",phase=\"" + phase + "\"")).hasValue(1));

        // Failover: db-0 stops renewing; db-1 takes the Lease, then its coordinator labels it primary.
        long lastRenewal = System.nanoTime();
        writeLease("db-0", 1, "0/3000148", "db-1,db-2", "1");
        await().pollDelay(Duration.ofMillis(1500)).atMost(TIMEOUT).until(() -> true); // the outage the test measures
        writeLease("db-1", 2, "0/3000148", "db-2", "1");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(value(scrape(), "ferretdb_operator_postgres_primary_available", BACKEND))
                .hasValue(0));
        BackendPods.relabel(client, NS, "db-0", false, "{\"role\":\"stopped\",\"healthy\":false}");
        BackendPods.relabel(client, NS, "db-1", true, "{\"role\":\"primary\",\"healthy\":true,\"lsn\":50332000}");
        double measured = (System.nanoTime() - lastRenewal) / 1e9;

        await().atMost(TIMEOUT).untilAsserted(() -> {
            String m = scrape();
            assertThat(value(m, "ferretdb_operator_leader_changes_total", BACKEND + ",reason=\"failover\"")).hasValue(1);
            assertThat(value(m, "ferretdb_operator_leader_changes_total", BACKEND + ",reason=\"switchover\"")).hasValue(0);
            assertThat(value(m, "ferretdb_operator_failover_duration_seconds_count", BACKEND + ",reason=\"failover\"")).hasValue(1);
            assertThat(value(m, "ferretdb_operator_failover_duration_seconds_sum", BACKEND + ",reason=\"failover\"").orElse(-1))
                    .isBetween(1.5, measured + 0.5);
            assertThat(value(m, "ferretdb_operator_failover_duration_seconds_bucket", BACKEND + ",reason=\"failover\",le=\"1.0\""))
                    .hasValue(0);
            assertThat(value(m, "ferretdb_operator_failover_duration_seconds_bucket", BACKEND + ",reason=\"failover\",le=\"60.0\""))
                    .hasValue(1);
            assertThat(value(m, "ferretdb_operator_postgres_primary_info", BACKEND + ",pod=\"db-1\"")).hasValue(1);
            assertThat(value(m, "ferretdb_operator_postgres_primary_info", BACKEND + ",pod=\"db-0\"")).isEmpty();
            assertThat(value(m, "ferretdb_operator_postgres_primary_available", BACKEND)).hasValue(1);
            assertThat(value(m, "ferretdb_operator_postgres_replication_lag_bytes", BACKEND + ",pod=\"db-2\"")).hasValue(332000);
            assertThat(value(m, "ferretdb_operator_postgres_replication_lag_bytes", BACKEND + ",pod=\"db-1\"")).isEmpty();
            assertThat(value(m, "ferretdb_operator_postgres_sync_standbys", BACKEND)).hasValue(0);
        });

        // Renewals of the new term add nothing.
        writeLease("db-1", 2, "0/3000200", "db-2", "1");
        BackendPods.relabel(client, NS, "db-1", true, "{\"role\":\"primary\",\"healthy\":true,\"lsn\":50332100}");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(value(scrape(), "ferretdb_operator_postgres_replication_lag_bytes",
                BACKEND + ",pod=\"db-2\"")).hasValue(332100));
        assertThat(value(scrape(), "ferretdb_operator_leader_changes_total", BACKEND + ",reason=\"failover\"")).hasValue(1);

        // Every metric of the operator that docs/metrics.md lists is on the endpoint.
        String m = scrape();
        for (String documented : MetricCatalog.load().operator()) {
            assertThat(Pattern.compile("(?m)^" + Pattern.quote(documented) + "(_bucket|_count|_sum)?[{ ]")
                    .matcher(m).find()).as(documented + " on /q/metrics").isTrue();
        }
        for (String sdk : MetricCatalog.load().sdk()) {
            assertThat(Pattern.compile("(?m)^" + Pattern.quote(sdk) + "(_bucket|_count|_sum)?[{ ]").matcher(m).find())
                    .as(sdk + " on /q/metrics").isTrue();
        }
        // ... and only under the operator's prefix (SdkMetricsPrefix): no bare JOSDK name is left to mix with another operator's.
        assertThat(m).doesNotContainPattern("(?m)^(reconciliations_|events_received|custom_resources)");

        // Deleting the object removes its gauges.
        client.resources(Postgres.class).inNamespace(NS).withName("db").delete();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            String after = scrape();
            assertThat(value(after, "ferretdb_operator_postgres_primary_available", BACKEND)).isEmpty();
            assertThat(after).doesNotContain("kind=\"Postgres\",name=\"db\",namespace=\"" + NS + "\"");
        });
    }

    private static String phaseOf(Postgres pg) {
        return pg == null || pg.getStatus() == null || pg.getStatus().getPhase() == null ? null : BackendWatch.phase(pg.getStatus().getPhase());
    }

    /** Writes the Lease as a coordinator does: holder, term and the leader record annotations. */
    private void writeLease(String holder, int term, String lsn, String syncMembers, String quorum) {
        client.leases().inNamespace(NS).withName("db-leader").edit((Lease l) -> {
            l.getSpec().setHolderIdentity(holder);
            l.getSpec().setLeaseTransitions(term);
            Map<String, String> a = l.getMetadata().getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(l.getMetadata().getAnnotations());
            a.put("coordinator.kubedb.com/leader-lsn", lsn);
            a.put("coordinator.kubedb.com/sync-members", syncMembers);
            a.put("coordinator.kubedb.com/sync-quorum", quorum);
            a.put("coordinator.kubedb.com/write-id", Long.toString(System.nanoTime())); // every write changes the object
            l.getMetadata().setAnnotations(a);
            return l;
        });
    }

    private static String scrape() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the series with exactly these labels (in any order), if it is exposed. */
    static OptionalDouble value(String exposition, String name, String labels) {
        Set<String> wanted = Set.of(labels.split(",(?=[a-zA-Z_]+=\")"));
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{(.*)\\} (\\S+)$").matcher(exposition);
        while (matcher.find()) {
            if (Set.of(matcher.group(1).replaceFirst(",$", "").split(",(?=[a-zA-Z_]+=\")")).equals(wanted)) {
                return OptionalDouble.of(Double.parseDouble(matcher.group(2)));
            }
        }
        return OptionalDouble.empty();
    }
}
