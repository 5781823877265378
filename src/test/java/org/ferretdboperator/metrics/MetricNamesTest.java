package org.ferretdboperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric the dashboard and the alert rules query is documented in docs/metrics.md (whose operator names
 * MetricsEndpointTest finds on a running operator's /q/metrics), so neither can silently query a series nobody publishes.
 */
class MetricNamesTest {

    static final Path DASHBOARD = Path.of("docs/dashboards/ferretdb-operator.json");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "bool", "offset", "inf", "nan", "atan2");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void dashboardIsJsonAndQueriesOnlyDocumentedMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher m = Pattern.compile("label_values\\((.*),\\s*\\w+\\)").matcher(variable.path("definition").asText());
            if (m.find()) {
                exprs.add(m.group(1));
            }
        }
        Set<String> names = metricNames(exprs);
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
        assertDocumented(metricNames(exprs), "alert rules");
    }

    @Test
    void extractsMetricNamesNotFunctionsLabelsOrKeywords() {
        assertThat(metricNames(List.of("max by (namespace, le) (increase(a_total{x=\"y\", z=~\"$ns\"}[$__rate_interval])) "
                + "> on (namespace) group_left max(b_bytes) or vector(0)"))).containsExactly("a_total", "b_bytes");
    }

    private static void assertDocumented(Set<String> names, String where) {
        MetricCatalog catalog = MetricCatalog.load();
        assertThat(names).as(where + " queries metrics").isNotEmpty();
        assertThat(names).as(where + ": metrics not documented in " + MetricCatalog.DOC).allMatch(catalog::documents);
    }

    static Set<String> metricNames(List<String> exprs) {
        Set<String> names = new LinkedHashSet<>();
        for (String expr : exprs) {
            String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", " ").replaceAll("'(\\\\.|[^'\\\\])*'", " ")
                    .replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                    .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
            Matcher m = IDENT.matcher(s);
            while (m.find()) {
                String token = m.group();
                boolean call = s.substring(m.end()).matches("(?s)\\s*\\(.*");
                boolean partOfNumber = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
                if (!call && !partOfNumber && !KEYWORDS.contains(token.toLowerCase()) && !s.startsWith("$", Math.max(0, m.start() - 1))) {
                    names.add(token);
                }
            }
        }
        return names;
    }
}
