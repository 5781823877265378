package org.ferretdboperator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The operator's own view of every backend and object, published on /q/metrics (prefix {@code ferretdb_operator_}).
 * docs/metrics.md documents each name; MetricsEndpointTest checks the dashboard and alert rules against it.
 */
@ApplicationScoped
public class OperatorMetrics {

    public static final String PREFIX = "ferretdb_operator_";
    public static final String FAILOVER_DURATION = PREFIX + "failover_duration";
    public static final String LEADER_CHANGES = PREFIX + "leader_changes";
    public static final String PRIMARY_INFO = PREFIX + "postgres_primary_info";
    public static final String PRIMARY_AVAILABLE = PREFIX + "postgres_primary_available";
    public static final String REPLICATION_LAG = PREFIX + "postgres_replication_lag_bytes";
    public static final String SYNC_STANDBYS = PREFIX + "postgres_sync_standbys";
    public static final String SYNC_STANDBYS_REQUIRED = PREFIX + "postgres_sync_standbys_required";
    public static final String MAX_LAG_BEFORE_FAILOVER = PREFIX + "postgres_max_lag_before_failover_bytes";
    public static final String PHASE = PREFIX + "phase";

    /** Sub-second to a minute: a lease expiry takes seconds, a slow promotion tens of seconds. */
    static final Duration[] FAILOVER_BUCKETS = { Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60) };

    private final MeterRegistry registry;
    private final GaugeFamily primaryInfo;
    private final GaugeFamily primaryAvailable;
    private final GaugeFamily lag;
    private final GaugeFamily syncStandbys;
    private final GaugeFamily syncRequired;
    private final GaugeFamily maxLag;
    private final GaugeFamily phase;
    private final Map<Tags, Timer> durations = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        primaryInfo = new GaugeFamily(registry, PRIMARY_INFO, "1 for the pod that holds the Lease and serves as primary");
        primaryAvailable = new GaugeFamily(registry, PRIMARY_AVAILABLE,
                "1 while some pod holds the Lease and serves as primary, 0 otherwise");
        lag = new GaugeFamily(registry, REPLICATION_LAG, "bytes a standby is behind the primary's position");
        syncStandbys = new GaugeFamily(registry, SYNC_STANDBYS, "synchronous standbys (Lease sync-members) whose WAL receiver streams");
        syncRequired = new GaugeFamily(registry, SYNC_STANDBYS_REQUIRED, "synchronous standbys the primary waits for (Lease sync-quorum)");
        maxLag = new GaugeFamily(registry, MAX_LAG_BEFORE_FAILOVER, "spec.leaderElection.maximumLagBeforeFailover");
        phase = new GaugeFamily(registry, PHASE, "1 for the object's current status.phase");
    }

    private static Tags backend(String namespace, String postgres) {
        return Tags.of("namespace", namespace, "postgres", postgres);
    }

    /** Registers the counter and histogram of a backend at zero, so a first change shows as an increase. */
    public void backendSeen(String namespace, String postgres) {
        for (LeaderChange.Reason reason : LeaderChange.Reason.values()) {
            counter(namespace, postgres, reason);
            timer(namespace, postgres, reason);
        }
    }

    public void leaderChanged(String namespace, String postgres, LeaderChange change) {
        counter(namespace, postgres, change.reason()).increment();
        change.duration().ifPresent(d -> timer(namespace, postgres, change.reason()).record(d));
    }

    private Counter counter(String namespace, String postgres, LeaderChange.Reason reason) {
        return Counter.builder(LEADER_CHANGES).tags(backend(namespace, postgres)).tag("reason", reason.label())
                .description("changes of primary, by reason (failover: the Lease lapsed; switchover: handed over or released)")
                .register(registry);
    }

    private Timer timer(String namespace, String postgres, LeaderChange.Reason reason) {
        Tags tags = backend(namespace, postgres).and("reason", reason.label());
        return durations.computeIfAbsent(tags, t -> Timer.builder(FAILOVER_DURATION).tags(t)
                .description("from the old primary's last Lease renewal (or release) to the new primary labelled and serving")
                .serviceLevelObjectives(FAILOVER_BUCKETS).register(registry));
    }

    public void backendGauges(String namespace, String postgres, BackendGauges g) {
        Tags tags = backend(namespace, postgres);
        Predicate<Tags> ofBackend = same(namespace, postgres);
        primaryInfo.removeIf(ofBackend.and(t -> g.primary().map(p -> !GaugeFamily.has("pod", p).test(t)).orElse(true)));
        g.primary().ifPresent(p -> primaryInfo.set(tags.and("pod", p), 1));
        primaryAvailable.set(tags, g.primary().isPresent() ? 1 : 0);
        lag.removeIf(ofBackend.and(t -> t.stream().noneMatch(tag -> tag.getKey().equals("pod")
                && g.lagBytes().containsKey(tag.getValue()))));
        g.lagBytes().forEach((member, bytes) -> lag.set(tags.and("pod", member), bytes));
        syncStandbys.set(tags, g.syncStandbys());
        syncRequired.set(tags, g.syncStandbysRequired());
    }

    public void maxLagBeforeFailover(String namespace, String postgres, Long bytes) {
        if (bytes == null) {
            maxLag.removeIf(same(namespace, postgres));
        } else {
            maxLag.set(backend(namespace, postgres), bytes);
        }
    }

    /** Forgets a deleted backend's gauges (its counters and histograms stay: Prometheus handles counter resets). */
    public void backendGone(String namespace, String postgres) {
        Predicate<Tags> ofBackend = same(namespace, postgres);
        for (GaugeFamily f : new GaugeFamily[] { primaryInfo, primaryAvailable, lag, syncStandbys, syncRequired, maxLag }) {
            f.removeIf(ofBackend);
        }
    }

    /** Sets the phase series of an object: 1 for {@code current}, no series for other phases; null removes all. */
    public void phase(String kind, String namespace, String name, String current) {
        Predicate<Tags> ofObject = GaugeFamily.has("kind", kind).and(GaugeFamily.has("namespace", namespace))
                .and(GaugeFamily.has("name", name));
        phase.removeIf(ofObject.and(t -> current == null || !GaugeFamily.has("phase", current).test(t)));
        if (current != null) {
            phase.set(Tags.of("kind", kind, "namespace", namespace, "name", name, "phase", current), 1);
        }
    }

    private static Predicate<Tags> same(String namespace, String postgres) {
        return GaugeFamily.has("namespace", namespace).and(GaugeFamily.has("postgres", postgres));
    }
}
