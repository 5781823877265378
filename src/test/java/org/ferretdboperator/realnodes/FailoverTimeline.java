package org.ferretdboperator.realnodes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * Where the time of one failover went, as seen from the API server: informers on the backend's pods, its Lease, the
 * primary Service's EndpointSlices and the nodes record, after the fault is marked, the first moment of each step
 * (seconds after the fault, this JVM's monotonic clock): victim pod marked for deletion and gone, replacement pod
 * created, scheduled, postgres running, Ready; a killed container running again; Lease holder change; role labels;
 * the primary Service's ready endpoints; a lost node NotReady. {@link #coordinatorSteps} adds the coordinators' own
 * log lines (kubectl logs --timestamps, same machine clock). Observations, not assertions.
 */
final class FailoverTimeline implements AutoCloseable {

    private final String postgres;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final SharedIndexInformer<Pod> servers;
    private final Map<String, Double> steps = new ConcurrentHashMap<>();
    private volatile long faultNanos;
    private volatile boolean marked;
    private Set<String> victimUids = Set.of();
    private Set<String> uidsBefore = Set.of();
    private String primaryBefore;
    private String primaryUidBefore;
    private String holderBefore;
    private Set<String> endpointsBefore = Set.of();
    private String lostNode;
    private final Map<String, Integer> restartsBefore = new ConcurrentHashMap<>();
    private final Set<String> replacedReady = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> endpointsBySlice = new ConcurrentHashMap<>();

    /** The FerretDB's primary servers that existed at the fault (a restart by the operator replaces them). */
    private Set<String> serverUidsBefore = Set.of();

    /**
     * @param ferretdb the FerretDB whose primary servers to follow (the operator restarts them after a lost host);
     *                 null for none
     */
    FailoverTimeline(KubernetesClient client, String namespace, String postgres, String ferretdb) {
        this.postgres = postgres;
        informers.add(client.pods().inNamespace(namespace).withLabels(Labels.postgresSelector(postgres))
                .inform(handler(this::pod, this::podGone), 0));
        informers.add(client.leases().inNamespace(namespace).inform(handler(this::lease, l -> { }), 0));
        informers.add(client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", Names.primaryService(postgres))
                .inform(handler(this::slice, s -> { }), 0));
        informers.add(client.nodes().inform(handler(this::node, n -> { }), 0));
        if (ferretdb != null) {
            servers = client.pods().inNamespace(namespace).withLabels(Labels.ferretdbSelector(ferretdb, "primary"))
                    .inform(handler(this::server, this::serverGone), 0);
            informers.add(servers); // after the others: markFault reads them by index
        } else {
            servers = null;
        }
    }

    private static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> seen,
            java.util.function.Consumer<T> gone) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                seen.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                seen.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                gone.accept(obj);
            }
        };
    }

    /**
     * The moment of the fault and what it is applied to: the pods it targets, the current primary, and the lost node
     * (null unless a node is stopped). Called just before the fault.
     */
    synchronized void markFault(long faultNanos, List<Pod> victims, Pod primary, String lostNode) {
        this.victimUids = victims.stream().map(p -> p.getMetadata().getUid()).collect(java.util.stream.Collectors.toSet());
        this.uidsBefore = new HashSet<>();
        for (Object o : informers.get(0).getStore().list()) {
            uidsBefore.add(((Pod) o).getMetadata().getUid());
        }
        victims.forEach(p -> restartsBefore.put(p.getMetadata().getUid(), postgresRestarts(p)));
        this.primaryBefore = primary.getMetadata().getName();
        this.primaryUidBefore = primary.getMetadata().getUid();
        this.holderBefore = informers.get(1).getStore().list().stream().map(o -> (Lease) o)
                .filter(l -> l.getMetadata().getName().equals(Names.lease(postgres))).findFirst()
                .map(l -> String.valueOf(l.getSpec().getHolderIdentity())).orElse("");
        this.endpointsBefore = readyEndpoints();
        this.lostNode = lostNode;
        this.serverUidsBefore = servers == null ? Set.of() : servers.getStore().list().stream()
                .map(p -> p.getMetadata().getUid()).collect(java.util.stream.Collectors.toSet());
        this.faultNanos = faultNanos;
        this.marked = true;
    }

    /** Steps by name, seconds after the fault, in order of occurrence. */
    Map<String, Double> steps() {
        Map<String, Double> out = new LinkedHashMap<>();
        steps.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private void step(String name) {
        if (marked) {
            steps.putIfAbsent(name, Math.round((System.nanoTime() - faultNanos) / 1e6) / 1e3);
        }
    }

    private synchronized void pod(Pod pod) {
        if (!marked) {
            return;
        }
        String uid = pod.getMetadata().getUid();
        String name = pod.getMetadata().getName();
        boolean ready = RealNodeCluster.ready(pod);
        if (victimUids.contains(uid)) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                step("victim pod marked for deletion");
            }
            if (postgresRestarts(pod) > restartsBefore.getOrDefault(uid, Integer.MAX_VALUE)) {
                step("killed postgres container restarted");
                if (ready) {
                    step("victim pod Ready again");
                }
            }
            if (!podReadyCondition(pod)) {
                step("victim pod NotReady");
            }
        } else if (!uidsBefore.contains(uid)) {
            step("replacement pod created");
            if (pod.getSpec().getNodeName() != null) {
                step("replacement pod scheduled");
            }
            if (postgresRunning(pod)) {
                step("replacement pod's postgres running");
            }
            if (ready) {
                step("replacement pod Ready");
                replacedReady.add(name);
                if (replacedReady.size() == victimUids.size()) {
                    step("every replacement pod Ready");
                }
            }
        }
        String role = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(Labels.ROLE);
        if (Labels.ROLE_PRIMARY.equals(role) && !name.equals(primaryBefore)) {
            step("primary label on the new primary");
        }
        if (uid.equals(primaryUidBefore) && !Labels.ROLE_PRIMARY.equals(role)) {
            step("old primary's primary label gone");
        }
    }

    private void podGone(Pod pod) {
        if (victimUids.contains(pod.getMetadata().getUid())) {
            step("victim pod removed from the API");
        }
        if (pod.getMetadata().getUid().equals(primaryUidBefore)) {
            step("old primary's primary label gone");
        }
    }

    private void lease(Lease lease) {
        if (!marked || !lease.getMetadata().getName().equals(Names.lease(postgres))) {
            return;
        }
        String holder = lease.getSpec().getHolderIdentity() == null ? "" : lease.getSpec().getHolderIdentity();
        if (holder.isEmpty()) {
            step("Lease released");
        } else if (!holder.equals(holderBefore)) {
            step("Lease holder changed");
        }
    }

    private void slice(EndpointSlice slice) {
        Set<String> ready = new TreeSet<>();
        if (slice.getEndpoints() != null) {
            for (Endpoint e : slice.getEndpoints()) {
                if (e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady())
                        && e.getTargetRef() != null) {
                    ready.add(e.getTargetRef().getName());
                }
            }
        }
        endpointsBySlice.put(slice.getMetadata().getName(), ready);
        if (!marked) {
            return;
        }
        Set<String> now = readyEndpoints();
        if (!now.equals(endpointsBefore)) {
            step("primary Service endpoints changed");
        }
        if (!now.contains(primaryBefore) && endpointsBefore.contains(primaryBefore)) {
            step("primary Service endpoint on the old primary gone");
        }
        if (now.size() == 1 && !now.contains(primaryBefore)) {
            step("primary Service endpoint on the new primary");
        }
    }

    private synchronized void server(Pod pod) {
        if (!marked) {
            return;
        }
        if (serverUidsBefore.contains(pod.getMetadata().getUid())) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                step("FerretDB server evicted");
            }
            return;
        }
        step("FerretDB server replacement created");
        if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
            step("FerretDB server replacement scheduled");
        }
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null && pod.getStatus()
                .getContainerStatuses().stream().anyMatch(c -> c.getState() != null && c.getState().getRunning() != null)) {
            step("FerretDB server replacement running");
        }
        if (podReadyCondition(pod)) {
            step("FerretDB server replacement Ready");
        }
    }

    private synchronized void serverGone(Pod pod) {
        if (marked && serverUidsBefore.contains(pod.getMetadata().getUid())) {
            step("FerretDB server gone from the API");
        }
    }

    private Set<String> readyEndpoints() {
        Set<String> all = new TreeSet<>();
        endpointsBySlice.values().forEach(all::addAll);
        return all;
    }

    private void node(Node node) {
        if (!marked || lostNode == null || !node.getMetadata().getName().equals(lostNode)) {
            return;
        }
        boolean ready = node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        if (!ready) {
            step("lost node NotReady in the API");
        }
    }

    /** Which coordinator log lines count as a step, and the step's name. */
    static final Map<Pattern, String> COORDINATOR_STEPS = new LinkedHashMap<>();

    static {
        COORDINATOR_STEPS.put(Pattern.compile("promoting \\(term"), "coordinator decides to promote");
        COORDINATOR_STEPS.put(Pattern.compile("done: .*Promote \\d+ ms"), "coordinator promoted PostgreSQL");
        COORDINATOR_STEPS.put(Pattern.compile("removed the primary label of"), "coordinator removed a stale primary label");
        COORDINATOR_STEPS.put(Pattern.compile("fencing"), "a coordinator fences");
        COORDINATOR_STEPS.put(Pattern.compile("releasing the Lease|released the Lease"), "coordinator releases the Lease");
        COORDINATOR_STEPS.put(Pattern.compile("rewinding|Rewind"), "coordinator rewinds a former primary");
        COORDINATOR_STEPS.put(Pattern.compile("following .* -> \\[.*(StartStandby|Repoint)"), "a standby (re)starts following");
    }

    private static final Pattern TIMESTAMPED = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T[^ ]+Z) (.*)$");

    /**
     * Steps from coordinator log lines ({@code kubectl logs --timestamps} output of every backend pod), seconds after
     * the fault ({@code faultWall}, the same machine's wall clock): the first line after the fault of each kind.
     */
    static Map<String, Double> coordinatorSteps(List<String> logs, Instant faultWall) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String log : logs) {
            for (String line : log.split("\n")) {
                Matcher m = TIMESTAMPED.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                Instant at;
                try {
                    at = Instant.parse(m.group(1));
                } catch (RuntimeException e) {
                    continue;
                }
                double seconds = Math.round((at.toEpochMilli() - faultWall.toEpochMilli())) / 1e3;
                if (seconds < 0) {
                    continue;
                }
                COORDINATOR_STEPS.forEach((p, name) -> {
                    if (p.matcher(m.group(2)).find()) {
                        out.merge(name, seconds, Math::min);
                    }
                });
            }
        }
        return out;
    }

    private static boolean podReadyCondition(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static boolean postgresRunning(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null && pod.getStatus()
                .getContainerStatuses().stream().anyMatch(c -> "postgres".equals(c.getName()) && c.getState() != null
                        && c.getState().getRunning() != null);
    }

    private static int postgresRestarts(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? 0
                : pod.getStatus().getContainerStatuses().stream().filter(c -> "postgres".equals(c.getName()))
                        .mapToInt(ContainerStatus::getRestartCount).sum();
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
