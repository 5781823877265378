package org.ferretdboperator.realnodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The panels of the shipped Grafana dashboard (docs/dashboards/ferretdb-operator.json) with their queries, and the
 * substitution Grafana does before sending a query: the dashboard's variables and its interval macros.
 */
record DashboardPanels(List<Panel> panels) {

    record Target(String expr, String legendFormat) {
    }

    record Panel(String title, String type, List<Target> targets) {
    }

    static DashboardPanels load(Path dashboard) {
        try {
            JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
            List<Panel> panels = new ArrayList<>();
            for (JsonNode p : root.path("panels")) {
                List<Target> targets = new ArrayList<>();
                p.path("targets").forEach(t -> targets.add(new Target(t.path("expr").asText(),
                        t.hasNonNull("legendFormat") ? t.get("legendFormat").asText() : null)));
                if (!targets.isEmpty()) {
                    panels.add(new Panel(p.path("title").asText(), p.path("type").asText(), List.copyOf(targets)));
                }
            }
            return new DashboardPanels(List.copyOf(panels));
        } catch (IOException e) {
            throw new UncheckedIOException(dashboard.toString(), e);
        }
    }

    /**
     * {@code expr} as Grafana sends it with one namespace and one postgres selected: the variables by their values
     * (they sit in {@code =~} matchers), {@code $__rate_interval} and {@code $__range} by the given durations.
     */
    static String resolve(String expr, String namespace, String postgres, String rateInterval, String range) {
        String out = expr.replace("$__rate_interval", rateInterval).replace("$__range", range)
                .replace("$namespace", namespace)
                .replace("$postgres", postgres);
        if (out.contains("$")) {
            throw new IllegalArgumentException("a variable or macro not substituted in " + out);
        }
        return out;
    }

    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    /** A series' legend as Grafana draws it: the legend format's {{label}}s filled in, or the label set. */
    static String legend(String legendFormat, Map<String, String> labels) {
        if (legendFormat == null || legendFormat.isBlank()) {
            return labels.isEmpty() ? "value" : labels.toString();
        }
        Matcher m = LEGEND_LABEL.matcher(legendFormat);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(labels.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
