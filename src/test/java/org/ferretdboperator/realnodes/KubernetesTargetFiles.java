package org.ferretdboperator.realnodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The targets Prometheus's Kubernetes service discovery would find for the {@code pod} and {@code endpoints} roles,
 * with its {@code __meta_kubernetes_*} labels, written as file_sd target files and rewritten every few seconds. It
 * stands in for that discovery because the Prometheus available here (Debian's 2.42) is built without it; the scrape
 * jobs' relabelling, derived from the chart (ChartScrapeConfig), is applied by Prometheus to these labels unchanged.
 * Only the labels those jobs read, and their neighbours, are written (see Prometheus's kubernetes_sd_config docs).
 */
final class KubernetesTargetFiles implements AutoCloseable {

    /** One job's discovery: its role, the namespaces it watches (empty: every namespace) and its target file. */
    record Discovery(String role, List<String> namespaces, Path file) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final List<Discovery> discoveries;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubernetes-target-files");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastError;

    private KubernetesTargetFiles(KubernetesClient client, List<Discovery> discoveries) {
        this.client = client;
        this.discoveries = List.copyOf(discoveries);
    }

    /** Writes every file once (failing on an error), then again every {@code every}. */
    static KubernetesTargetFiles start(KubernetesClient client, List<Discovery> discoveries, Duration every) throws IOException {
        KubernetesTargetFiles files = new KubernetesTargetFiles(client, discoveries);
        files.refresh();
        files.timer.scheduleWithFixedDelay(() -> {
            try {
                files.refresh();
                files.lastError = null;
            } catch (IOException | RuntimeException e) {
                files.lastError = e.toString();
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return files;
    }

    /** The last refresh's failure, if it failed (for failure messages). */
    String lastError() {
        return lastError;
    }

    void refresh() throws IOException {
        for (Discovery d : discoveries) {
            ArrayNode groups = JSON.createArrayNode();
            for (String ns : d.namespaces().isEmpty() ? List.of("") : d.namespaces()) {
                switch (d.role()) {
                    case "pod" -> podTargets(ns).forEach(groups::add);
                    case "endpoints" -> endpointsTargets(ns).forEach(groups::add);
                    default -> throw new IllegalArgumentException("role " + d.role() + " is not discovered here");
                }
            }
            Files.createDirectories(d.file().getParent());
            Path tmp = d.file().resolveSibling(d.file().getFileName() + ".tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(groups));
            Files.move(tmp, d.file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private List<Pod> pods(String ns) {
        return ns.isEmpty() ? client.pods().inAnyNamespace().list().getItems()
                : client.pods().inNamespace(ns).list().getItems();
    }

    /** Role pod: one target per declared container port of every pod with an IP. */
    private List<ObjectNode> podTargets(String ns) {
        List<ObjectNode> out = new ArrayList<>();
        for (Pod pod : pods(ns)) {
            if (pod.getStatus() == null || pod.getStatus().getPodIP() == null) {
                continue;
            }
            for (Container c : pod.getSpec().getContainers()) {
                for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                    Map<String, String> labels = podLabels(pod);
                    containerLabels(labels, c, p);
                    out.add(group(pod.getStatus().getPodIP() + ":" + p.getContainerPort(), labels));
                }
            }
        }
        return out;
    }

    /** Role endpoints: one target per address and port of every Endpoints object, with its Service's and pod's labels. */
    private List<ObjectNode> endpointsTargets(String ns) {
        List<ObjectNode> out = new ArrayList<>();
        List<Endpoints> all = ns.isEmpty() ? client.endpoints().inAnyNamespace().list().getItems()
                : client.endpoints().inNamespace(ns).list().getItems();
        Map<String, Pod> podsByName = new HashMap<>();
        pods(ns).forEach(p -> podsByName.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p));
        for (Endpoints e : all) {
            String namespace = e.getMetadata().getNamespace();
            Service service = client.services().inNamespace(namespace).withName(e.getMetadata().getName()).get();
            for (EndpointSubset subset : e.getSubsets() == null ? List.<EndpointSubset>of() : e.getSubsets()) {
                for (EndpointPort port : subset.getPorts()) {
                    addresses(out, namespace, e, service, port, subset.getAddresses(), true, podsByName);
                    addresses(out, namespace, e, service, port, subset.getNotReadyAddresses(), false, podsByName);
                }
            }
        }
        return out;
    }

    private static void addresses(List<ObjectNode> out, String namespace, Endpoints e, Service service, EndpointPort port,
            List<EndpointAddress> addresses, boolean ready, Map<String, Pod> podsByName) {
        for (EndpointAddress a : addresses == null ? List.<EndpointAddress>of() : addresses) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("__meta_kubernetes_namespace", namespace);
            labels.put("__meta_kubernetes_endpoints_name", e.getMetadata().getName());
            labels.put("__meta_kubernetes_endpoint_port_name", port.getName() == null ? "" : port.getName());
            labels.put("__meta_kubernetes_endpoint_port_protocol", port.getProtocol());
            labels.put("__meta_kubernetes_endpoint_ready", String.valueOf(ready));
            if (a.getNodeName() != null) {
                labels.put("__meta_kubernetes_endpoint_node_name", a.getNodeName());
            }
            if (a.getTargetRef() != null) {
                labels.put("__meta_kubernetes_endpoint_address_target_kind", a.getTargetRef().getKind());
                labels.put("__meta_kubernetes_endpoint_address_target_name", a.getTargetRef().getName());
            }
            if (service != null) {
                labels.put("__meta_kubernetes_service_name", service.getMetadata().getName());
                kubernetesLabels(labels, "__meta_kubernetes_service", service.getMetadata().getLabels());
            }
            Pod pod = a.getTargetRef() != null && "Pod".equals(a.getTargetRef().getKind())
                    ? podsByName.get(namespace + "/" + a.getTargetRef().getName()) : null;
            if (pod != null) {
                labels.putAll(podLabels(pod));
                for (Container c : pod.getSpec().getContainers()) {
                    for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                        if (p.getContainerPort().equals(port.getPort())) {
                            containerLabels(labels, c, p);
                        }
                    }
                }
            }
            out.add(group(a.getIp() + ":" + port.getPort(), labels));
        }
    }

    private static Map<String, String> podLabels(Pod pod) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__meta_kubernetes_namespace", pod.getMetadata().getNamespace());
        labels.put("__meta_kubernetes_pod_name", pod.getMetadata().getName());
        labels.put("__meta_kubernetes_pod_ip", pod.getStatus().getPodIP() == null ? "" : pod.getStatus().getPodIP());
        labels.put("__meta_kubernetes_pod_phase", pod.getStatus().getPhase() == null ? "" : pod.getStatus().getPhase());
        labels.put("__meta_kubernetes_pod_ready", String.valueOf(RealNodeCluster.ready(pod)));
        labels.put("__meta_kubernetes_pod_node_name", pod.getSpec().getNodeName() == null ? "" : pod.getSpec().getNodeName());
        labels.put("__meta_kubernetes_pod_uid", pod.getMetadata().getUid());
        kubernetesLabels(labels, "__meta_kubernetes_pod", pod.getMetadata().getLabels());
        return labels;
    }

    private static void containerLabels(Map<String, String> labels, Container c, ContainerPort p) {
        labels.put("__meta_kubernetes_pod_container_name", c.getName());
        labels.put("__meta_kubernetes_pod_container_port_name", p.getName() == null ? "" : p.getName());
        labels.put("__meta_kubernetes_pod_container_port_number", String.valueOf(p.getContainerPort()));
        labels.put("__meta_kubernetes_pod_container_port_protocol", p.getProtocol() == null ? "TCP" : p.getProtocol());
    }

    private static void kubernetesLabels(Map<String, String> out, String prefix, Map<String, String> labels) {
        if (labels != null) {
            labels.forEach((k, v) -> {
                out.put(prefix + "_label_" + ChartScrapeConfig.sanitize(k), v);
                out.put(prefix + "_labelpresent_" + ChartScrapeConfig.sanitize(k), "true");
            });
        }
    }

    private static ObjectNode group(String address, Map<String, String> labels) {
        ObjectNode group = JSON.createObjectNode();
        group.putArray("targets").add(address);
        ObjectNode l = group.putObject("labels");
        labels.forEach(l::put);
        return group;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
