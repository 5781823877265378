package org.ferretdboperator.realnodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.testsupport.Helm;

/**
 * A Prometheus configuration derived from the chart's rendered monitoring objects (ServiceMonitor, PodMonitor,
 * PrometheusRule), with the scrape jobs the Prometheus Operator generates for them: Kubernetes service discovery with
 * the same namespaces, label selectors, port names, paths, intervals and honorLabels, and the same target labels
 * ({@code namespace}, {@code pod}, {@code service}, {@code container}, {@code job}, {@code endpoint}). The Prometheus
 * Operator itself is not run (it is not built here); this class stands where it would generate the configuration.
 * Service discovery reads the API server through {@code kubeconfig}, as an out-of-cluster Prometheus does.
 */
final class ChartScrapeConfig {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ChartScrapeConfig() {
    }

    /**
     * The chart's monitoring objects as a user enables them (the ServiceMonitor, both PodMonitors, the PrometheusRule),
     * rendered by {@code helm template} for {@code release} in {@code namespace}, every monitor scraping every
     * {@code interval} with that as its timeout.
     */
    static List<JsonNode> render(String release, String namespace, String interval) {
        List<String> args = new ArrayList<>(List.of("template", release, "helm/ferretdb-operator", "--namespace", namespace,
                "--kube-version", "1.34.2", "--show-only", "templates/monitoring.yaml"));
        for (String monitor : List.of("serviceMonitor", "coordinatorPodMonitor", "ferretdbPodMonitor")) {
            args.addAll(List.of("--set", "monitoring." + monitor + ".enabled=true",
                    "--set", "monitoring." + monitor + ".interval=" + interval,
                    // the default 10s exceeds a shorter interval, which Prometheus refuses
                    "--set", "monitoring." + monitor + ".scrapeTimeout=" + interval));
        }
        args.addAll(List.of("--set", "monitoring.prometheusRule.enabled=true"));
        String yaml = Helm.run(Duration.ofMinutes(2), args.toArray(String[]::new)).requireSuccess().stdout();
        return documents(yaml);
    }

    /** The objects of a multi-document YAML stream ({@code helm template} output), empty documents dropped. */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && doc.has("kind")) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered chart is not YAML", e);
        }
        return docs;
    }

    /**
     * prometheus.yml for every ServiceMonitor and PodMonitor in {@code objects}, loading {@code rulesFile}, evaluated
     * every {@code evaluationInterval} (a setting of the Prometheus server, not of the chart).
     */
    static String prometheusYaml(List<JsonNode> objects, Path kubeconfig, Path rulesFile, String evaluationInterval) {
        ObjectNode config = YAML.createObjectNode();
        config.putObject("global").put("evaluation_interval", evaluationInterval);
        config.putArray("rule_files").add(rulesFile.toString());
        ArrayNode jobs = config.putArray("scrape_configs");
        for (JsonNode o : objects) {
            switch (o.path("kind").asText()) {
                case "ServiceMonitor" -> serviceMonitorJobs(o, kubeconfig, jobs);
                case "PodMonitor" -> podMonitorJobs(o, kubeconfig, jobs);
                default -> {
                }
            }
        }
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("no ServiceMonitor or PodMonitor among the rendered objects");
        }
        return write(config);
    }

    /** A configuration whose jobs read file_sd target files, and the discovery that writes those files. */
    record FileDiscovery(String config, List<KubernetesTargetFiles.Discovery> discoveries) {
    }

    /**
     * {@code prometheusYaml} with every job's kubernetes_sd_configs replaced by a file_sd_config of a file under
     * {@code dir} (for a Prometheus built without Kubernetes discovery); relabelling and everything else unchanged.
     */
    static FileDiscovery withFileDiscovery(String prometheusYaml, Path dir) {
        try {
            JsonNode config = YAML.readTree(prometheusYaml);
            List<KubernetesTargetFiles.Discovery> discoveries = new ArrayList<>();
            int i = 0;
            for (JsonNode job : config.path("scrape_configs")) {
                JsonNode sd = job.path("kubernetes_sd_configs");
                if (sd.size() != 1) {
                    throw new IllegalArgumentException(job.path("job_name").asText() + ": not one kubernetes_sd_config");
                }
                List<String> namespaces = new ArrayList<>();
                sd.get(0).at("/namespaces/names").forEach(n -> namespaces.add(n.asText()));
                Path file = dir.resolve("job-" + i++ + ".json");
                discoveries.add(new KubernetesTargetFiles.Discovery(sd.get(0).path("role").asText(), namespaces, file));
                ObjectNode o = (ObjectNode) job;
                o.remove("kubernetes_sd_configs");
                ObjectNode fileSd = o.putArray("file_sd_configs").addObject();
                fileSd.putArray("files").add(file.toString());
                fileSd.put("refresh_interval", "5s");
            }
            return new FileDiscovery(write(config), discoveries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rule file of every PrometheusRule in {@code objects}: their groups, as the Prometheus Operator mounts them. */
    static String rulesYaml(List<JsonNode> objects) {
        ObjectNode rules = YAML.createObjectNode();
        ArrayNode groups = rules.putArray("groups");
        objects.stream().filter(o -> "PrometheusRule".equals(o.path("kind").asText()))
                .forEach(o -> o.at("/spec/groups").forEach(groups::add));
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no PrometheusRule groups among the rendered objects");
        }
        return write(rules);
    }

    private static void serviceMonitorJobs(JsonNode monitor, Path kubeconfig, ArrayNode jobs) {
        String ns = monitor.at("/metadata/namespace").asText();
        String name = monitor.at("/metadata/name").asText();
        JsonNode endpoints = monitor.at("/spec/endpoints");
        for (int i = 0; i < endpoints.size(); i++) {
            JsonNode endpoint = endpoints.get(i);
            ObjectNode job = job(jobs, "serviceMonitor/" + ns + "/" + name + "/" + i, endpoint, "path");
            discovery(job, "endpoints", monitor, kubeconfig);
            ArrayNode relabel = job.putArray("relabel_configs");
            relabel.add(replace(List.of("job"), "__tmp_prometheus_job_name", null, null));
            selector(relabel, "__meta_kubernetes_service", monitor.at("/spec/selector/matchLabels"));
            String port = requiredText(endpoint, "port", monitor);
            relabel.add(keep(List.of("__meta_kubernetes_endpoint_port_name"), port));
            relabel.add(replace(List.of("__meta_kubernetes_endpoint_address_target_kind",
                    "__meta_kubernetes_endpoint_address_target_name"), "node", "Node;(.*)", "${1}"));
            relabel.add(replace(List.of("__meta_kubernetes_endpoint_address_target_kind",
                    "__meta_kubernetes_endpoint_address_target_name"), "pod", "Pod;(.*)", "${1}"));
            dropFinishedPods(relabel);
            relabel.add(replace(List.of("__meta_kubernetes_namespace"), "namespace", null, null));
            relabel.add(replace(List.of("__meta_kubernetes_service_name"), "service", null, null));
            relabel.add(replace(List.of("__meta_kubernetes_pod_name"), "pod", null, null));
            relabel.add(replace(List.of("__meta_kubernetes_pod_container_name"), "container", null, null));
            relabel.add(replace(List.of("__meta_kubernetes_service_name"), "job", null, "${1}"));
            relabel.add(constant("endpoint", port));
        }
    }

    private static void podMonitorJobs(JsonNode monitor, Path kubeconfig, ArrayNode jobs) {
        String ns = monitor.at("/metadata/namespace").asText();
        String name = monitor.at("/metadata/name").asText();
        JsonNode endpoints = monitor.at("/spec/podMetricsEndpoints");
        for (int i = 0; i < endpoints.size(); i++) {
            JsonNode endpoint = endpoints.get(i);
            ObjectNode job = job(jobs, "podMonitor/" + ns + "/" + name + "/" + i, endpoint, "path");
            discovery(job, "pod", monitor, kubeconfig);
            ArrayNode relabel = job.putArray("relabel_configs");
            relabel.add(replace(List.of("job"), "__tmp_prometheus_job_name", null, null));
            dropFinishedPods(relabel);
            selector(relabel, "__meta_kubernetes_pod", monitor.at("/spec/selector/matchLabels"));
            String port = requiredText(endpoint, "port", monitor);
            relabel.add(keep(List.of("__meta_kubernetes_pod_container_port_name"), port));
            relabel.add(replace(List.of("__meta_kubernetes_namespace"), "namespace", null, null));
            relabel.add(replace(List.of("__meta_kubernetes_pod_container_name"), "container", null, null));
            relabel.add(replace(List.of("__meta_kubernetes_pod_name"), "pod", null, null));
            relabel.add(constant("job", ns + "/" + name));
            relabel.add(constant("endpoint", port));
        }
    }

    private static ObjectNode job(ArrayNode jobs, String name, JsonNode endpoint, String pathField) {
        ObjectNode job = jobs.addObject();
        job.put("job_name", name);
        job.put("honor_labels", endpoint.path("honorLabels").asBoolean(false));
        job.put("metrics_path", endpoint.path(pathField).asText("/metrics"));
        job.put("scheme", endpoint.path("scheme").asText("http"));
        if (endpoint.hasNonNull("interval")) {
            job.put("scrape_interval", endpoint.get("interval").asText());
        }
        if (endpoint.hasNonNull("scrapeTimeout")) {
            job.put("scrape_timeout", endpoint.get("scrapeTimeout").asText());
        }
        return job;
    }

    private static void discovery(ObjectNode job, String role, JsonNode monitor, Path kubeconfig) {
        ObjectNode sd = job.putArray("kubernetes_sd_configs").addObject();
        sd.put("role", role);
        sd.put("kubeconfig_file", kubeconfig.toString());
        JsonNode namespaces = monitor.at("/spec/namespaceSelector");
        if (!namespaces.path("any").asBoolean(false)) {
            ArrayNode names = sd.putObject("namespaces").putArray("names");
            if (namespaces.path("matchNames").isArray() && !namespaces.path("matchNames").isEmpty()) {
                namespaces.path("matchNames").forEach(n -> names.add(n.asText()));
            } else {
                // the Prometheus Operator's default: the monitor's own namespace
                names.add(monitor.at("/metadata/namespace").asText());
            }
        }
    }

    /** One keep rule per matchLabels entry, on the label's value and its presence. */
    private static void selector(ArrayNode relabel, String metaPrefix, JsonNode matchLabels) {
        if (!matchLabels.isObject() || matchLabels.isEmpty()) {
            throw new IllegalArgumentException("a monitor without selector.matchLabels: " + matchLabels);
        }
        for (Map.Entry<String, JsonNode> e : matchLabels.properties()) {
            String label = sanitize(e.getKey());
            relabel.add(keep(List.of(metaPrefix + "_label_" + label, metaPrefix + "_labelpresent_" + label),
                    "(" + e.getValue().asText() + ");true"));
        }
    }

    private static void dropFinishedPods(ArrayNode relabel) {
        ObjectNode drop = relabel.addObject();
        drop.putArray("source_labels").add("__meta_kubernetes_pod_phase");
        drop.put("regex", "(Failed|Succeeded)");
        drop.put("action", "drop");
    }

    private static ObjectNode keep(List<String> sources, String regex) {
        ObjectNode rule = YAML.createObjectNode();
        rule.put("action", "keep");
        sources.forEach(rule.putArray("source_labels")::add);
        rule.put("regex", regex);
        return rule;
    }

    private static ObjectNode replace(List<String> sources, String target, String regex, String replacement) {
        ObjectNode rule = YAML.createObjectNode();
        sources.forEach(rule.putArray("source_labels")::add);
        if (sources.size() > 1) {
            rule.put("separator", ";");
        }
        if (regex != null) {
            rule.put("regex", regex);
        }
        if (replacement != null) {
            rule.put("replacement", replacement);
        }
        rule.put("target_label", target);
        return rule;
    }

    private static ObjectNode constant(String target, String value) {
        ObjectNode rule = YAML.createObjectNode();
        rule.put("target_label", target);
        rule.put("replacement", value);
        return rule;
    }

    private static String requiredText(JsonNode endpoint, String field, JsonNode monitor) {
        String value = endpoint.path(field).asText("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException(monitor.at("/metadata/name").asText() + ": an endpoint without " + field
                    + " (only named ports are derived)");
        }
        return value;
    }

    /** As Prometheus names a Kubernetes label in its meta labels: every character outside [a-zA-Z0-9_] becomes _. */
    static String sanitize(String label) {
        return label.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    private static String write(JsonNode node) {
        try {
            return YAML.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
