package org.ferretdboperator.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.PackagedOperator;
import org.junit.jupiter.api.Test;

/**
 * The operator with many databases (issue 18, item 6), on the real control plane without nodes (every backend pod
 * stays Pending, so this measures the operator, not PostgreSQL): N FerretDB objects like the guide's created at once,
 * the time until every one has its children (its backend Postgres with its StatefulSet, both server StatefulSets and
 * Services) and a status on both objects, then the operator's CPU, RSS and the API server's request rate with the
 * operator at rest, against the same rate with the operator stopped. First 20 objects, then 200 more beside them.
 * Not a test: {@code hack/scale-bench.sh} runs it by name and it writes {@code docs/benchmarks/operator-scale/}.
 */
class OperatorScaleBenchIT {

    static final ResourceDefinitionContext FERRETDB = new ResourceDefinitionContext.Builder().withGroup("kubedb.com")
            .withVersion("v1alpha2").withKind("FerretDB").withPlural("ferretdbs").withNamespaced(true).build();
    static final ResourceDefinitionContext POSTGRES = new ResourceDefinitionContext.Builder().withGroup("kubedb.com")
            .withVersion("v1").withKind("Postgres").withPlural("postgreses").withNamespaced(true).build();
    static final Duration RECONCILE_DEADLINE = Duration.ofMinutes(15);
    static final Duration REST_WINDOW = Duration.ofSeconds(60);
    /** After the last object is reconciled, before the at-rest window: status follow-ups and informer resyncs. */
    static final Duration SETTLE = Duration.ofSeconds(30);
    static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    record Step(int objects, int totalObjects, double allReconciledSeconds, double firstReconciledSeconds,
            double p50ObjectSeconds, double p95ObjectSeconds, double operatorCpuPercentDuringCreate,
            double operatorCpuPercentAtRest, long operatorRssMiBAtRest, double apiRequestsPerSecondAtRest,
            double operatorRequestsPerSecondAtRest) {
    }

    @Test
    void manyDatabases() throws Exception {
        Path project = LocalControlPlane.locateProjectDir();
        Path out = Path.of(System.getProperty("scale.report.dir",
                project.resolve("target/operator-scale").toString()));
        Files.createDirectories(out);
        List<Integer> sizes = List.of(Integer.getInteger("scale.first", 20), Integer.getInteger("scale.second", 200));
        Map<String, Object> machine = machine();
        List<Step> steps = new ArrayList<>();
        Rates idle;
        try (LocalControlPlane cp = LocalControlPlane.startDedicated("operator-scale", 0)) {
            KubernetesClient admin = cp.admin();
            Path work = Files.createDirectories(cp.stateDir().resolve("operator"));
            try (PackagedOperator operator = PackagedOperator.startShipped(cp, "ferretdb-operator-0", work)) {
                awaitReady(operator);
                int total = 0;
                for (int size : sizes) {
                    total += size;
                    steps.add(step(admin, operator, "scale-" + size, size, total));
                }
            }
            // the same objects with the operator stopped: what the rest of the control plane asks of the API server
            idle = apiRequestRate(admin, REST_WINDOW);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", machine);
        results.put("apiRequestsPerSecondOperatorStopped", round(idle.all()));
        results.put("serviceAccountRequestsPerSecondOperatorStopped", round(idle.operator()));
        results.put("steps", steps);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("results.json").toFile(), results);
        Files.writeString(out.resolve("report.md"), report(steps, idle, machine));
        System.out.println("[scale] report in " + out);
        assertThat(steps).allSatisfy(s -> assertThat(s.allReconciledSeconds()).isPositive());
    }

    private Step step(KubernetesClient admin, PackagedOperator operator, String namespace, int size, int total)
            throws Exception {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
        long cpu0 = cpuTicks(operator.pid());
        long start = System.nanoTime();
        for (int i = 0; i < size; i++) {
            admin.genericKubernetesResources(FERRETDB).inNamespace(namespace).resource(ferretdb(namespace, "db-" + i))
                    .create();
        }
        Map<String, Double> doneAt = new LinkedHashMap<>();
        long deadline = start + RECONCILE_DEADLINE.toNanos();
        while (doneAt.size() < size) {
            assertThat(System.nanoTime()).as("every object reconciled within " + RECONCILE_DEADLINE + "; done: "
                    + doneAt.size() + "/" + size + "\n" + operator.logTail()).isLessThan(deadline);
            assertThat(operator.alive()).as("operator alive\n" + operator.logTail()).isTrue();
            double now = (System.nanoTime() - start) / 1e9;
            for (String name : reconciled(admin, namespace)) {
                doneAt.putIfAbsent(name, now);
            }
            Thread.sleep(500); // poll interval of the deadline loop above
        }
        double all = (System.nanoTime() - start) / 1e9;
        double cpuDuringCreate = percent(cpuTicks(operator.pid()) - cpu0, all);
        List<Double> times = doneAt.values().stream().sorted().toList();

        Thread.sleep(SETTLE.toMillis()); // part of the measurement's definition, not a wait for a condition
        long restCpu0 = cpuTicks(operator.pid());
        long restStart = System.nanoTime();
        Rates rates = apiRequestRate(admin, REST_WINDOW);
        double restCpu = percent(cpuTicks(operator.pid()) - restCpu0, (System.nanoTime() - restStart) / 1e9);
        Step s = new Step(size, total, round(all), round(times.get(0)), round(percentile(times, 50)),
                round(percentile(times, 95)), round(cpuDuringCreate), round(restCpu), rssMiB(operator.pid()),
                round(rates.all()), round(rates.operator()));
        System.out.println("[scale] " + s);
        return s;
    }

    /** Names of the FerretDB objects whose children exist and whose status (and their backend's) is written. */
    private static Set<String> reconciled(KubernetesClient admin, String namespace) {
        Set<String> statefulSets = names(admin.apps().statefulSets().inNamespace(namespace).list().getItems());
        Set<String> services = names(admin.services().inNamespace(namespace).list().getItems());
        Set<String> backendsWithStatus = admin.genericKubernetesResources(POSTGRES).inNamespace(namespace).list().getItems()
                .stream().filter(OperatorScaleBenchIT::hasPhase).map(r -> r.getMetadata().getName()).collect(Collectors.toSet());
        Set<String> done = new HashSet<>();
        for (GenericKubernetesResource f : admin.genericKubernetesResources(FERRETDB).inNamespace(namespace).list().getItems()) {
            String n = f.getMetadata().getName();
            if (hasPhase(f) && backendsWithStatus.contains(n + "-pg-backend")
                    && statefulSets.containsAll(List.of(n, n + "-secondary", n + "-pg-backend"))
                    && services.containsAll(List.of(n, n + "-secondary"))) {
                done.add(n);
            }
        }
        return done;
    }

    private static boolean hasPhase(GenericKubernetesResource r) {
        Object status = r.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m && m.get("phase") != null;
    }

    private static Set<String> names(List<? extends HasMetadata> items) {
        return items.stream().map(i -> i.getMetadata().getName()).collect(Collectors.toSet());
    }

    /** The guide's object under another name. */
    private static GenericKubernetesResource ferretdb(String namespace, String name) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("kubedb.com/v1alpha2");
        r.setKind("FerretDB");
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        r.setAdditionalProperty("spec", Map.of(
                "version", "1.24.2",
                "backend", Map.of("storage", Map.of("accessModes", List.of("ReadWriteOnce"),
                        "resources", Map.of("requests", Map.of("storage", "1Gi")))),
                "deletionPolicy", "WipeOut",
                "server", Map.of("primary", Map.of("replicas", 2), "secondary", Map.of("replicas", 2))));
        return r;
    }

    /** Requests per second over {@code window}: every request the API server served, and the operator's. */
    record Rates(double all, double operator) {
    }

    /**
     * From the API server's own metrics: {@code apiserver_request_total} (every request) and API Priority and
     * Fairness's {@code apiserver_flowcontrol_dispatched_requests_total} of flow schema {@code service-accounts},
     * which holds the requests of ServiceAccounts outside kube-system: here only the operator's (no nodes, no pods
     * run; kube-controller-manager's and the scheduler's requests have schemas of their own, and this test's are
     * exempt).
     */
    private static Rates apiRequestRate(KubernetesClient admin, Duration window) throws InterruptedException {
        String before = admin.raw("/metrics");
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis()); // a measurement window, not a wait for a condition
        String after = admin.raw("/metrics");
        double seconds = (System.nanoTime() - t0) / 1e9;
        double operatorBefore = sum(before, "apiserver_flowcontrol_dispatched_requests_total{", "flow_schema=\"service-accounts\"");
        double operatorAfter = sum(after, "apiserver_flowcontrol_dispatched_requests_total{", "flow_schema=\"service-accounts\"");
        assertThat(after).as("API Priority and Fairness metrics").contains("apiserver_flowcontrol_dispatched_requests_total{");
        // the first /metrics read is itself a request
        return new Rates((sum(after, "apiserver_request_total{", "") - sum(before, "apiserver_request_total{", "") - 1) / seconds,
                (operatorAfter - operatorBefore) / seconds);
    }

    private static double sum(String metrics, String prefix, String labelMatch) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix) && line.contains(labelMatch)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields 14 and 15 of stat (utime, stime), counted from the state field (3) after the command name
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static double percent(long ticks, double seconds) {
        return 100.0 * ticks / CLOCK_TICKS / seconds;
    }

    private static void awaitReady(PackagedOperator operator) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!operator.ready()) {
            assertThat(System.nanoTime()).as("operator ready\n" + operator.logTail()).isLessThan(deadline);
            assertThat(operator.alive()).as("operator alive\n" + operator.logTail()).isTrue();
            Thread.sleep(250);
        }
    }

    static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Map<String, Object> machine() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", Instant.now().toString());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).strip());
        return m;
    }

    private static String report(List<Step> steps, Rates idle, Map<String, Object> machine) throws IOException {
        StringBuilder md = new StringBuilder("# Operator scale: many FerretDB objects\n\n");
        md.append("Written by `hack/scale-bench.sh` (`OperatorScaleBenchIT`). Real control plane (etcd, kube-apiserver, "
                + "kube-controller-manager, kube-scheduler), no nodes: backend pods stay Pending, so this measures the "
                + "operator and the API server, not PostgreSQL. The packaged operator jar as one process (`-Xmx256m`), "
                + "under the shipped ServiceAccount. Each object is the guide's FerretDB (two primary and two secondary "
                + "servers, a three-member backend) under another name.\n\n");
        md.append("Machine: ").append(machine.get("cores")).append(" cores, load average at start ")
                .append(machine.get("loadAverageAtStart")).append(", ").append(machine.get("date")).append(".\n\n");
        md.append("| objects created | objects in all | all reconciled (s) | first (s) | p50 (s) | p95 (s) | operator CPU "
                + "while creating (% of a core) | operator CPU at rest | operator RSS at rest (MiB) | API requests/s at "
                + "rest | the operator's requests/s at rest |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Step s : steps) {
            md.append(String.format("| %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f | %d | %.1f | %.1f |%n", s.objects(),
                    s.totalObjects(), s.allReconciledSeconds(), s.firstReconciledSeconds(), s.p50ObjectSeconds(),
                    s.p95ObjectSeconds(), s.operatorCpuPercentDuringCreate(), s.operatorCpuPercentAtRest(),
                    s.operatorRssMiBAtRest(), s.apiRequestsPerSecondAtRest(), s.operatorRequestsPerSecondAtRest()));
        }
        md.append(String.format("%nThe operator's requests are those API Priority and Fairness files under flow schema "
                + "`service-accounts` (ServiceAccounts outside kube-system: here only the operator's). With the operator "
                + "stopped afterwards (all objects still present) the API server served %.1f requests/s in all and %.2f "
                + "under that schema. \"At rest\": a %d s window that starts %d s after the last object was "
                + "reconciled.%n%n", idle.all(), idle.operator(), REST_WINDOW.toSeconds(), SETTLE.toSeconds()));
        md.append("\"Reconciled\": the FerretDB and its backend Postgres have a status phase, and the StatefulSets "
                + "`<name>`, `<name>-secondary`, `<name>-pg-backend` and Services `<name>`, `<name>-secondary` exist. "
                + "Times are from the start of creation (all objects are created back to back by one client).\n");
        return md.toString();
    }
}
