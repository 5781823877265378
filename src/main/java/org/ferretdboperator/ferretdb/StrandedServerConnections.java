package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.metrics.BackendLeaderChange;
import org.ferretdboperator.metrics.LeaderChange;
import org.ferretdboperator.status.EventRecorder;
import org.ferretdboperator.support.HostProbe;
import org.jboss.logging.Logger;

/**
 * Restarts a FerretDB's primary servers once after its backend failed over away from a host that no longer answers.
 *
 * <p>Why: a FerretDB server's pooled connection to the old primary, and the request in flight on it, wait on TCP
 * retransmissions when that host is gone without a word (node lost, network cut): no reset ever comes, so they wait
 * about 15 minutes, and the MongoDB client with them (drivers set no socket timeout by default). FerretDB sets no TCP
 * user timeout, and its PostgreSQL URL cannot carry one. A server started afresh connects to the new primary at once.
 * When the old primary's host answers (the pod was deleted, a container crashed), its kernel has reset those
 * connections already, and nothing is restarted.
 *
 * <p>The host is asked through its kubelet's port: a node that answers TCP there is up, whatever its pods do.
 */
@ApplicationScoped
public class StrandedServerConnections {

    private static final Logger LOG = Logger.getLogger(StrandedServerConnections.class);
    /** What {@link #restartsFor} decides. */
    public record Verdict(boolean restart, String reason) {
    }

    /** The Event reason on the FerretDB when its primary servers are restarted. */
    public static final String EVENT_REASON = "BackendHostLost";

    private final KubernetesClient client;
    private final HostProbe probe;
    private final int probePort;
    private final Duration probeTimeout;
    private final Duration serverGracePeriod;

    @Inject
    public StrandedServerConnections(KubernetesClient client,
            @ConfigProperty(name = "ferretdb-operator.stranded-connections.host-probe-port", defaultValue = "10250") int probePort,
            @ConfigProperty(name = "ferretdb-operator.stranded-connections.host-probe-timeout", defaultValue = "1s") Duration probeTimeout,
            @ConfigProperty(name = "ferretdb-operator.stranded-connections.server-grace-period", defaultValue = "0s") Duration serverGracePeriod) {
        this(client, HostProbe.TCP, probePort, probeTimeout, serverGracePeriod);
    }

    StrandedServerConnections(KubernetesClient client, HostProbe probe, int probePort, Duration probeTimeout,
            Duration serverGracePeriod) {
        this.client = client;
        this.probe = probe;
        this.probePort = probePort;
        this.probeTimeout = probeTimeout;
        this.serverGracePeriod = serverGracePeriod;
    }

    /**
     * The judgement: restart only after a failover (a switchover's old primary closed its connections itself) from a
     * pod that is still the one that served (a replaced or deleted pod's connections were closed with it) on a host
     * that did not answer.
     *
     * @param oldPrimary the old primary's pod as the API has it now, if it exists
     * @param hostAnswer how its host answered; empty when it was not asked
     */
    public static Verdict restartsFor(LeaderChange change, Optional<Pod> oldPrimary, Optional<HostProbe.Answer> hostAnswer) {
        if (change.reason() != LeaderChange.Reason.FAILOVER) {
            return new Verdict(false, "a switchover: the old primary closed its connections");
        }
        if (oldPrimary.isEmpty()) {
            return new Verdict(false, "the old primary's pod " + change.from() + " is gone, and its connections with it");
        }
        Pod pod = oldPrimary.get();
        String host = pod.getStatus() == null ? null : pod.getStatus().getHostIP();
        if (host == null || host.isBlank()) {
            return new Verdict(false, "the old primary's pod " + change.from() + " has no host (never ran)");
        }
        if (hostAnswer.isEmpty()) {
            return new Verdict(false, "the host " + host + " of " + change.from() + " was not asked");
        }
        if (hostAnswer.get() == HostProbe.Answer.ANSWERED) {
            return new Verdict(false, "the host " + host + " of " + change.from() + " answers: it resets connections to "
                    + "a PostgreSQL that is gone");
        }
        return new Verdict(true, "the primary failed over from " + change.from() + ", whose node "
                + pod.getSpec().getNodeName() + " (" + host + ") does not answer: the FerretDB servers' connections to "
                + "it would wait for TCP to give up");
    }

    void onLeaderChange(@ObservesAsync BackendLeaderChange event) {
        try {
            react(event);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Postgres %s/%s: could not check or restart the FerretDB servers after the %s from %s",
                    event.namespace(), event.postgres(), event.change().reason().label(), event.change().from());
        }
    }

    void react(BackendLeaderChange event) {
        Instant seen = Instant.now();
        LeaderChange change = event.change();
        if (change.reason() != LeaderChange.Reason.FAILOVER) {
            return;
        }
        String ns = event.namespace();
        Optional<Pod> oldPrimary = Optional.ofNullable(client.pods().inNamespace(ns).withName(change.from()).get());
        Optional<HostProbe.Answer> answer = oldPrimary.map(p -> p.getStatus() == null ? null : p.getStatus().getHostIP())
                .filter(h -> !h.isBlank()).map(h -> probe.probe(h, probePort, probeTimeout));
        Verdict verdict = restartsFor(change, oldPrimary, answer);
        if (!verdict.restart()) {
            LOG.infof("Postgres %s/%s: FerretDB servers kept: %s", ns, event.postgres(), verdict.reason());
            return;
        }
        Optional<FerretDB> owner = ownerFerretDB(ns, event.postgres());
        if (owner.isEmpty()) {
            LOG.infof("Postgres %s/%s: %s; no FerretDB uses it as its backend", ns, event.postgres(), verdict.reason());
            return;
        }
        FerretDB ferretdb = owner.get();
        List<Pod> servers = client.pods().inNamespace(ns).withLabels(ServerGroup.PRIMARY.selector(ferretdb)).list().getItems();
        List<String> restarted = servers.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> startedBefore(p, seen)).filter(this::evict).map(p -> p.getMetadata().getName()).toList();
        if (restarted.isEmpty()) {
            return;
        }
        String message = verdict.reason() + ": restarted the primary servers " + restarted + " so they connect to "
                + change.to();
        LOG.warnf("FerretDB %s/%s: %s", ns, ferretdb.getMetadata().getName(), message);
        new EventRecorder(client).warning(ferretdb, EVENT_REASON, message);
    }

    /**
     * Every operator replica watches the backends and reacts (a standby replica as well as the leader, so that the
     * reaction does not wait for an operator failover when the leader was on the lost node); only servers that existed
     * before the change was seen are evicted, so a replacement a faster replica already started is never restarted.
     * Creation times have whole seconds: one second of margin.
     */
    static boolean startedBefore(Pod pod, Instant seen) {
        String created = pod.getMetadata().getCreationTimestamp();
        return created != null && Instant.parse(created).isBefore(seen.minusSeconds(1));
    }

    /**
     * An eviction without a grace period by default: the API object goes at once, so the StatefulSet starts the
     * replacement while the kubelet still stops the old server (its requests on the dead host's connections cannot
     * finish anyway; a server is stateless, so two for a moment do no harm).
     */
    private boolean evict(Pod pod) {
        var eviction = new EvictionBuilder().withNewMetadata().withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace()).endMetadata()
                .withDeleteOptions(new DeleteOptionsBuilder().withGracePeriodSeconds(serverGracePeriod.toSeconds())
                        .withNewPreconditions().withUid(pod.getMetadata().getUid()).endPreconditions().build())
                .build();
        boolean evicted;
        try {
            evicted = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .evict(eviction);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 409) {
                return false; // gone, or replaced: another replica's eviction came first
            }
            throw e;
        }
        if (!evicted) {
            LOG.warnf("FerretDB server %s/%s: eviction refused by a PodDisruptionBudget; it keeps its connections",
                    pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        }
        return evicted;
    }

    /** The FerretDB whose backend this Postgres is. */
    private Optional<FerretDB> ownerFerretDB(String namespace, String postgres) {
        Postgres pg = client.resources(Postgres.class).inNamespace(namespace).withName(postgres).get();
        if (pg == null) {
            return Optional.empty();
        }
        return BackendPostgresBuilder.owningFerretDB(pg)
                .map(name -> client.resources(FerretDB.class).inNamespace(namespace).withName(name).get());
    }
}
