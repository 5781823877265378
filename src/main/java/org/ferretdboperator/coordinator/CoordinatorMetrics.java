package org.ferretdboperator.coordinator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.MemberState;

/** The coordinator's Prometheus view (prefix {@code pg_coordinator_}) of its member. */
public final class CoordinatorMetrics {

    private static final String[] ROLES = { MemberState.PRIMARY, MemberState.STANDBY, MemberState.STOPPED, MemberState.FENCED,
            org.ferretdboperator.coordinator.decision.LongAction.CLONING,
            org.ferretdboperator.coordinator.decision.LongAction.REWINDING };

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> role = new ConcurrentHashMap<>();
    private final AtomicLong timeline = new AtomicLong();
    private final KnownGauge receiveLsn;
    private final KnownGauge replayLsn;
    private final KnownGauge flushLsn;
    private final KnownGauge lagBytes;
    private final AtomicLong leaseAgeMillis = new AtomicLong();
    private final AtomicLong leaseHeld = new AtomicLong();
    private final AtomicLong failoverBlocked = new AtomicLong();
    private final AtomicLong ready = new AtomicLong();
    private final AtomicLong apiOutageFailsafe = new AtomicLong();
    private final Counter apiOutageFailsafeStarts;
    private final Counter failovers;
    private final Counter switchovers;
    private final Counter fences;
    private final Counter syncCommitReverted;
    private final Timer failoverDuration;

    public CoordinatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String r : ROLES) {
            AtomicLong v = new AtomicLong();
            role.put(r, v);
            Gauge.builder("pg_coordinator_role", v, AtomicLong::get).tag("role", r)
                    .description("1 for the role this member holds now").register(registry);
        }
        Gauge.builder("pg_coordinator_timeline", timeline, AtomicLong::get).register(registry);
        String lsnHelp = "WAL position of this member as bytes (no series while unknown)";
        receiveLsn = new KnownGauge(registry, "pg_coordinator_lsn_bytes", lsnHelp, "kind", "receive");
        replayLsn = new KnownGauge(registry, "pg_coordinator_lsn_bytes", lsnHelp, "kind", "replay");
        flushLsn = new KnownGauge(registry, "pg_coordinator_lsn_bytes", lsnHelp, "kind", "flush");
        lagBytes = new KnownGauge(registry, "pg_coordinator_lag_bytes",
                "standby: bytes behind the leader's last published position (no series on a primary or while unknown)");
        Gauge.builder("pg_coordinator_lease_age_seconds", leaseAgeMillis, v -> v.get() / 1000.0)
                .description("time since this member last saw the Lease change").register(registry);
        Gauge.builder("pg_coordinator_lease_held", leaseHeld, AtomicLong::get).register(registry);
        Gauge.builder("pg_coordinator_failover_blocked", failoverBlocked, AtomicLong::get)
                .description("1 while a failover is refused because no candidate can be proven safe").register(registry);
        Gauge.builder("pg_coordinator_ready", ready, AtomicLong::get).register(registry);
        Gauge.builder("pg_coordinator_api_outage_failsafe", apiOutageFailsafe, AtomicLong::get)
                .description("1 while this primary serves past its renew deadline because the API server is unreachable "
                        + "and every other member streams from it")
                .register(registry);
        apiOutageFailsafeStarts = Counter.builder("pg_coordinator_api_outage_failsafe_activations")
                .description("times this primary started serving through an API outage on its members' direct confirmation")
                .register(registry);
        failovers = Counter.builder("pg_coordinator_failovers").description("promotions after the leader's Lease lapsed")
                .register(registry);
        switchovers = Counter.builder("pg_coordinator_switchovers").description("promotions after a graceful handover")
                .register(registry);
        fences = Counter.builder("pg_coordinator_fenced").description("times this member fenced its primary").register(registry);
        syncCommitReverted = Counter.builder("pg_coordinator_synchronous_commit_overrides_reverted")
                .description("stored synchronous_commit defaults (ALTER ROLE|DATABASE ... SET) that weakened Synchronous mode, "
                        + "reverted by this member as primary")
                .register(registry);
        failoverDuration = Timer.builder("pg_coordinator_failover_duration")
                .description("from the old leader's last observed renew (or handover) to this member promoted and labelled")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofSeconds(120))
                .register(registry);
    }

    public void decided(String action) {
        registry.counter("pg_coordinator_decisions", "action", action).increment();
    }

    public void observed(LocalInstance local, String roleName, long leaderLsn, long leaseAge, boolean held, boolean blocked) {
        role.forEach((r, v) -> v.set(r.equals(roleName) ? 1 : 0));
        timeline.set(local.timeline());
        receiveLsn.set(local.receiveLsn());
        replayLsn.set(local.replayLsn());
        flushLsn.set(local.flushLsn());
        lagBytes.set(local.isStandby() && Lsn.known(leaderLsn) && Lsn.known(local.position())
                ? Math.max(0, leaderLsn - local.position()) : Lsn.UNKNOWN);
        leaseAgeMillis.set(leaseAge);
        leaseHeld.set(held ? 1 : 0);
        failoverBlocked.set(blocked ? 1 : 0);
    }

    public void apiOutageFailsafe(boolean active) {
        apiOutageFailsafe.set(active ? 1 : 0);
        if (active) {
            apiOutageFailsafeStarts.increment();
        }
    }

    public void ready(boolean isReady) {
        ready.set(isReady ? 1 : 0);
    }

    public void promoted(boolean switchover, Duration took) {
        (switchover ? switchovers : failovers).increment();
        failoverDuration.record(took);
    }

    public void fenced() {
        fences.increment();
    }

    public void synchronousCommitReverted(int overrides) {
        syncCommitReverted.increment(overrides);
    }

    /**
     * A gauge whose series exists only while its value is known ({@link Lsn#known}): an unknown position is no sample
     * rather than a -1 that a query such as {@code max(...)} or a lag graph would take for a position.
     */
    static final class KnownGauge {
        private final MeterRegistry registry;
        private final String name;
        private final String description;
        private final String[] tags;
        private final AtomicLong value = new AtomicLong();
        private Gauge gauge;

        KnownGauge(MeterRegistry registry, String name, String description, String... tags) {
            this.registry = registry;
            this.name = name;
            this.description = description;
            this.tags = tags;
        }

        synchronized void set(long v) {
            if (!Lsn.known(v)) {
                if (gauge != null) {
                    registry.remove(gauge);
                    gauge = null;
                }
                return;
            }
            value.set(v);
            if (gauge == null) {
                gauge = Gauge.builder(name, value, AtomicLong::get).tags(tags).description(description)
                        .strongReference(true).register(registry);
            }
        }
    }
}
