package org.ferretdboperator.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names PromQL expressions query: those of the shipped Grafana dashboard, or of any expressions. */
public final class DashboardQueries {

    public static final Path DASHBOARD = Path.of("docs/dashboards/ferretdb-operator.json");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "bool", "offset", "inf", "nan", "atan2");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private DashboardQueries() {
    }

    /** Every metric the dashboard's panels and template variables query (it must parse as JSON). */
    public static Set<String> metricNames() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher m = Pattern.compile("label_values\\((.*),\\s*\\w+\\)").matcher(variable.path("definition").asText());
            if (m.find()) {
                exprs.add(m.group(1));
            }
        }
        return metricNames(exprs);
    }

    public static Set<String> metricNames(List<String> exprs) {
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
