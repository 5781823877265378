package org.ferretdboperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every metric the dashboard and the alert rules query is documented in docs/metrics.md (whose operator names
 * MetricsEndpointTest finds on a running operator's /q/metrics), so neither can silently query a series nobody publishes.
 */
class MetricNamesTest {

    @Test
    void dashboardIsJsonAndQueriesOnlyDocumentedMetrics() throws Exception {
        Set<String> names = DashboardQueries.metricNames();
        assertThat(names).as("metrics the dashboard shows").contains("ferretdb_operator_failover_duration_seconds_bucket",
                "ferretdb_operator_leader_changes_total", "ferretdb_operator_postgres_replication_lag_bytes", "ferretdb_operator_phase");
        assertDocumented(names, "dashboard");
    }

    @Test
    void alertRulesQueryOnlyDocumentedMetrics() throws Exception {
        JsonNode rules = new YAMLMapper().readTree(AlertRulesTest.RULES.toFile());
        List<String> exprs = new ArrayList<>();
        rules.findValues("expr").forEach(e -> exprs.add(e.asText()));
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(6);
        assertDocumented(DashboardQueries.metricNames(exprs), "alert rules");
    }

    @Test
    void extractsMetricNamesNotFunctionsLabelsOrKeywords() {
        assertThat(DashboardQueries.metricNames(List.of("max by (namespace, le) (increase(a_total{x=\"y\", z=~\"$ns\"}[$__rate_interval])) "
                + "> on (namespace) group_left max(b_bytes) or vector(0)"))).containsExactly("a_total", "b_bytes");
    }

    private static void assertDocumented(Set<String> names, String where) {
        MetricCatalog catalog = MetricCatalog.load();
        assertThat(names).as(where + " queries metrics").isNotEmpty();
        assertThat(names).as(where + ": metrics not documented in " + MetricCatalog.DOC).allMatch(catalog::documents);
    }
}
