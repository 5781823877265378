package org.ferretdboperator.metrics;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.ferretdboperator.Mode;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.contract.MemberStateCodec;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.postgres.PostgresSpecs;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.jboss.logging.Logger;

/**
 * Feeds {@link OperatorMetrics} from informers on the backends' Leases and pods and on the Postgres and FerretDB
 * objects: read-only, and independent of whether any coordinator answers. Each completed change of primary is also
 * published as a {@link BackendLeaderChange} (so {@code ferretdb-operator.metrics.derived.enabled=false} also stops
 * what reacts to them). Runs in the operator only (the same binary
 * also runs as the pg-coordinator, which sets {@code ferretdb-operator.metrics.derived.enabled=false}).
 */
@ApplicationScoped
public class BackendWatch {

    private static final Logger LOG = Logger.getLogger(BackendWatch.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final KubernetesClient client;
    private final OperatorMetrics metrics;
    private final boolean enabled;
    private final Optional<List<String>> namespaces;
    private final Map<String, FailoverTracker> trackers = new HashMap<>();
    private final Map<String, LeaseView> leases = new HashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final Event<BackendLeaderChange> leaderChanges;

    public BackendWatch(KubernetesClient client, OperatorMetrics metrics, Event<BackendLeaderChange> leaderChanges,
            @ConfigProperty(name = "ferretdb-operator.metrics.derived.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "quarkus.operator-sdk.namespaces") Optional<List<String>> namespaces) {
        this.client = client;
        this.metrics = metrics;
        this.leaderChanges = leaderChanges;
        this.enabled = enabled;
        this.namespaces = namespaces;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled || coordinatorMode()) {
            return;
        }
        // Explicit names (the chart's watchNamespaces) narrow the watch; the SDK's placeholders for "all" or "as built"
        // (built for all namespaces) mean all.
        List<String> watched = namespaces.orElse(List.of()).stream()
                .filter(n -> !n.isBlank() && (!n.startsWith("JOSDK_") && !n.startsWith("QOSDK_") || "JOSDK_WATCH_CURRENT".equals(n)))
                .toList();
        if (namespaces.orElse(List.of()).contains("JOSDK_ALL_NAMESPACES")) {
            watched = List.of();
        }
        if (watched.isEmpty()) {
            startAll(null);
        } else {
            // The operator SDK's placeholder for the operator's own namespace.
            watched.stream().map(n -> "JOSDK_WATCH_CURRENT".equals(n) ? client.getNamespace() : n).distinct().forEach(this::startAll);
        }
    }

    /** The same binary runs as the pg-coordinator sidecar, which must not watch other pods. */
    static boolean coordinatorMode() {
        return Mode.coordinator();
    }

    void stop(@Observes ShutdownEvent event) {
        informers.forEach(SharedIndexInformer::close);
    }

    private void startAll(String namespace) {
        watch(in(client.leases(), namespace).withLabelSelector(Labels.POSTGRES_OWNED_SELECTOR), Lease.class, this::onLease, this::onLeaseGone);
        watch(in(client.pods(), namespace).withLabelSelector(Labels.POSTGRES_OWNED_SELECTOR), Pod.class, this::onPod, this::onPodGone);
        watch(in(client.resources(Postgres.class), namespace), Postgres.class, this::onPostgres, this::onPostgresGone);
        watch(in(client.resources(FerretDB.class), namespace), FerretDB.class, this::onFerretDB, this::onFerretDBGone);
    }

    private static <T extends HasMetadata, L> FilterWatchListDeletable<T, L, ?> in(
            MixedOperation<T, L, ? extends Resource<T>> op, String namespace) {
        return namespace == null ? op.inAnyNamespace() : op.inNamespace(namespace);
    }

    private <T extends HasMetadata> void watch(FilterWatchListDeletable<T, ?, ?> op,
            Class<T> type, BiConsumer<T, Long> upsert, BiConsumer<T, Long> gone) {
        SharedIndexInformer<T> informer = op.runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                handle(obj, upsert);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                handle(newObj, upsert);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                handle(obj, gone);
            }
        });
        informer.start().whenComplete((v, e) -> {
            if (e != null) {
                LOG.warnf("Cannot watch %s for the operator's metrics: %s", type.getSimpleName(), e.getMessage());
            }
        });
        informers.add(informer);
    }

    private <T extends HasMetadata> void handle(T obj, BiConsumer<T, Long> handler) {
        long now = System.nanoTime();
        synchronized (this) {
            try {
                handler.accept(obj, now);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Metrics: cannot read %s %s/%s", obj.getKind(), obj.getMetadata().getNamespace(),
                        obj.getMetadata().getName());
            }
        }
    }

    private static String key(String namespace, String postgres) {
        return namespace + "/" + postgres;
    }

    private static String postgresOf(HasMetadata obj) {
        Map<String, String> labels = obj.getMetadata().getLabels();
        return labels == null ? null : labels.get(Labels.INSTANCE);
    }

    private FailoverTracker tracker(String namespace, String postgres) {
        return trackers.computeIfAbsent(key(namespace, postgres), k -> {
            metrics.backendSeen(namespace, postgres);
            return new FailoverTracker();
        });
    }

    private void onLease(Lease lease, long now) {
        String pg = postgresOf(lease);
        if (pg == null || !lease.getMetadata().getName().equals(Names.lease(pg))) {
            return;
        }
        String ns = lease.getMetadata().getNamespace();
        LeaseView view = leaseView(lease);
        leases.put(key(ns, pg), view);
        FailoverTracker t = tracker(ns, pg);
        t.lease(now, view).ifPresent(c -> recorded(ns, pg, c));
        publish(ns, pg, t);
    }

    private void onLeaseGone(Lease lease, long now) {
        String pg = postgresOf(lease);
        if (pg != null && lease.getMetadata().getName().equals(Names.lease(pg))) {
            leases.remove(key(lease.getMetadata().getNamespace(), pg));
        }
    }

    private void onPod(Pod pod, long now) {
        String pg = postgresOf(pod);
        if (pg == null) {
            return;
        }
        String ns = pod.getMetadata().getNamespace();
        FailoverTracker t = tracker(ns, pg);
        t.member(now, memberView(pod)).ifPresent(c -> recorded(ns, pg, c));
        publish(ns, pg, t);
    }

    private void onPodGone(Pod pod, long now) {
        String pg = postgresOf(pod);
        if (pg == null) {
            return;
        }
        String ns = pod.getMetadata().getNamespace();
        FailoverTracker t = trackers.get(key(ns, pg));
        if (t != null) {
            t.memberGone(pod.getMetadata().getName());
            publish(ns, pg, t);
        }
    }

    private void recorded(String ns, String pg, LeaderChange c) {
        LOG.infof("Postgres %s/%s: %s from %s to %s (term %d)%s", ns, pg, c.reason().label(), c.from(), c.to(), c.term(),
                c.duration().map(d -> " took " + d.toMillis() + " ms").orElse(", duration unknown (not watched from its start)"));
        metrics.leaderChanged(ns, pg, c);
        // observers may do I/O (StrandedServerConnections probes a host): never on the informer's thread
        leaderChanges.fireAsync(new BackendLeaderChange(ns, pg, c));
    }

    private void publish(String ns, String pg, FailoverTracker t) {
        metrics.backendGauges(ns, pg, BackendGauges.of(leases.get(key(ns, pg)), t.members()));
    }

    private void onPostgres(Postgres pg, long now) {
        String ns = pg.getMetadata().getNamespace();
        String name = pg.getMetadata().getName();
        metrics.phase("Postgres", ns, name, phase(pg.getStatus() == null ? null : pg.getStatus().getPhase()));
        // the value the coordinators enforce: the default when spec.leaderElection leaves it out
        metrics.maxLagBeforeFailover(ns, name, pg.getSpec() == null ? null : PostgresSpecs.maximumLagBytes(pg));
    }

    private void onPostgresGone(Postgres pg, long now) {
        String ns = pg.getMetadata().getNamespace();
        String name = pg.getMetadata().getName();
        metrics.phase("Postgres", ns, name, null);
        metrics.backendGone(ns, name);
        trackers.remove(key(ns, name));
        leases.remove(key(ns, name));
    }

    private void onFerretDB(FerretDB fdb, long now) {
        metrics.phase("FerretDB", fdb.getMetadata().getNamespace(), fdb.getMetadata().getName(),
                phase(fdb.getStatus() == null ? null : fdb.getStatus().getPhase()));
    }

    private void onFerretDBGone(FerretDB fdb, long now) {
        metrics.phase("FerretDB", fdb.getMetadata().getNamespace(), fdb.getMetadata().getName(), null);
    }

    /** The phase as the STATUS column shows it; an object without one yet counts as Provisioning. */
    static String phase(Phase phase) {
        if (phase == null) {
            return "Provisioning";
        }
        return JSON.convertValue(phase, String.class);
    }

    /** The Lease as the coordinators wrote it, read with their own codec ({@link LeaseAnnotations}). */
    static LeaseView leaseView(Lease lease) {
        var spec = lease.getSpec();
        String holder = spec == null ? null : spec.getHolderIdentity();
        long transitions = spec == null || spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
        LeaderRecord record = LeaseAnnotations.decode(lease.getMetadata().getAnnotations());
        String handover = record.handoverTo();
        return new LeaseView(holder, transitions, handover == null || handover.isBlank() ? null : handover,
                Lsn.known(record.leaderLsn()) ? record.leaderLsn() : null, record.syncMembers(), record.syncQuorum());
    }

    /** The pod's role label and the member state its coordinator published, read with their codec ({@link MemberStateCodec}). */
    static MemberView memberView(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        boolean labelled = Labels.ROLE_PRIMARY.equals(labels.get(Labels.ROLE));
        String json = pod.getMetadata().getAnnotations() == null ? null
                : pod.getMetadata().getAnnotations().get(PodContract.MEMBER_STATE_ANNOTATION);
        // unreadable: the member proves nothing, as for the coordinators
        return MemberStateCodec.decode(json)
                .map(s -> new MemberView(pod.getMetadata().getName(), labelled, s.role(), s.healthy(),
                        Lsn.known(s.lsn()) ? s.lsn() : null, s.walReceiverStreaming()))
                .orElseGet(() -> new MemberView(pod.getMetadata().getName(), labelled, null, null, null, null));
    }
}
