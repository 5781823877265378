package org.ferretdboperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.metrics.MetricsEndpointTest.value;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The exposition of OperatorMetrics in a real Prometheus registry: series appear, change and disappear. */
class OperatorMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final OperatorMetrics metrics = new OperatorMetrics(registry);
    private static final String DB = "namespace=\"ns\",postgres=\"db\"";

    @Test
    void gaugesFollowTheBackendAndVanishWithIt() {
        metrics.backendGauges("ns", "db", new BackendGauges(Optional.of("db-0"), Map.of("db-1", 968L, "db-2", 5L), 1, 1));
        metrics.maxLagBeforeFailover("ns", "db", 1024L);
        String m = registry.scrape();
        assertThat(value(m, "ferretdb_operator_postgres_primary_info", DB + ",pod=\"db-0\"")).hasValue(1);
        assertThat(value(m, "ferretdb_operator_postgres_replication_lag_bytes", DB + ",pod=\"db-1\"")).hasValue(968);
        assertThat(value(m, "ferretdb_operator_postgres_sync_standbys", DB)).hasValue(1);
        assertThat(value(m, "ferretdb_operator_postgres_max_lag_before_failover_bytes", DB)).hasValue(1024);

        metrics.backendGauges("ns", "db", new BackendGauges(Optional.of("db-1"), Map.of("db-2", 7L), 0, 1));
        m = registry.scrape();
        assertThat(value(m, "ferretdb_operator_postgres_primary_info", DB + ",pod=\"db-0\"")).isEmpty();
        assertThat(value(m, "ferretdb_operator_postgres_primary_info", DB + ",pod=\"db-1\"")).hasValue(1);
        assertThat(value(m, "ferretdb_operator_postgres_replication_lag_bytes", DB + ",pod=\"db-1\"")).isEmpty();
        assertThat(value(m, "ferretdb_operator_postgres_replication_lag_bytes", DB + ",pod=\"db-2\"")).hasValue(7);

        metrics.backendGone("ns", "db");
        assertThat(registry.scrape()).doesNotContain("postgres=\"db\"");
    }

    @Test
    void phaseKeepsOnlyTheCurrentPhase() {
        metrics.phase("FerretDB", "ns", "f", "Provisioning");
        metrics.phase("FerretDB", "ns", "f", "Ready");
        String m = registry.scrape();
        assertThat(value(m, "ferretdb_operator_phase", "kind=\"FerretDB\",namespace=\"ns\",name=\"f\",phase=\"Ready\"")).hasValue(1);
        assertThat(value(m, "ferretdb_operator_phase", "kind=\"FerretDB\",namespace=\"ns\",name=\"f\",phase=\"Provisioning\"")).isEmpty();
        metrics.phase("FerretDB", "ns", "f", null);
        assertThat(registry.scrape()).doesNotContain("name=\"f\"");
    }

    @Test
    void leaderChangesCountAndObserveDurationsInTheDocumentedBuckets() {
        metrics.backendSeen("ns", "db");
        metrics.leaderChanged("ns", "db", new LeaderChange("db-0", "db-1", 2, LeaderChange.Reason.FAILOVER, Optional.of(Duration.ofMillis(2500))));
        metrics.leaderChanged("ns", "db", new LeaderChange("db-1", "db-0", 3, LeaderChange.Reason.FAILOVER, Optional.empty()));
        String m = registry.scrape();
        String failover = DB + ",reason=\"failover\"";
        assertThat(value(m, "ferretdb_operator_leader_changes_total", failover)).hasValue(2);
        assertThat(value(m, "ferretdb_operator_leader_changes_total", DB + ",reason=\"switchover\"")).hasValue(0);
        assertThat(value(m, "ferretdb_operator_failover_duration_seconds_count", failover)).hasValue(1);
        assertThat(value(m, "ferretdb_operator_failover_duration_seconds_sum", failover)).hasValue(2.5);
        assertThat(value(m, "ferretdb_operator_failover_duration_seconds_bucket", failover + ",le=\"2.0\"")).hasValue(0);
        assertThat(value(m, "ferretdb_operator_failover_duration_seconds_bucket", failover + ",le=\"3.0\"")).hasValue(1);
        assertThat(Set.of("0.1", "0.25", "0.5", "1.0", "2.0", "3.0", "5.0", "10.0", "20.0", "30.0", "60.0", "+Inf"))
                .allSatisfy(le -> assertThat(value(m, "ferretdb_operator_failover_duration_seconds_bucket", failover + ",le=\"" + le + "\""))
                        .as("bucket " + le).isPresent());
    }
}
