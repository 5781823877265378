package org.ferretdboperator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.SyncSetting;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.junit.jupiter.api.Test;

/** Unknown WAL positions and lag are no series at all, never a -1 that reads as a position. */
class CoordinatorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CoordinatorMetrics metrics = new CoordinatorMetrics(registry);

    @Test
    void unknownPositionsAndLagHaveNoSeries() {
        assertThat(registry.find("pg_coordinator_lsn_bytes").gauges()).isEmpty();
        assertThat(registry.find("pg_coordinator_lag_bytes").gauges()).isEmpty();

        metrics.observed(standby(5000, 4000), "standby", 6000, 0, false, false);
        assertThat(gauge("pg_coordinator_lsn_bytes", "receive")).isEqualTo(5000);
        assertThat(gauge("pg_coordinator_lsn_bytes", "replay")).isEqualTo(4000);
        assertThat(registry.find("pg_coordinator_lsn_bytes").tag("kind", "flush").gauge()).isNull();
        assertThat(registry.get("pg_coordinator_lag_bytes").gauge().value()).isEqualTo(1000);

        // the leader's position is not known any more: the lag series goes, the positions stay
        metrics.observed(standby(5500, 5500), "standby", Lsn.UNKNOWN, 0, false, false);
        assertThat(registry.find("pg_coordinator_lag_bytes").gauges()).isEmpty();
        assertThat(gauge("pg_coordinator_lsn_bytes", "receive")).isEqualTo(5500);

        // promoted: a primary has no lag and no receive/replay position, only its flush position
        metrics.observed(primary(7000), "primary", 7000, 0, true, false);
        assertThat(registry.find("pg_coordinator_lag_bytes").gauges()).isEmpty();
        assertThat(registry.find("pg_coordinator_lsn_bytes").tag("kind", "receive").gauge()).isNull();
        assertThat(gauge("pg_coordinator_lsn_bytes", "flush")).isEqualTo(7000);

        // demoted again: the series come back
        metrics.observed(standby(7100, 7100), "standby", 7200, 0, false, false);
        assertThat(registry.get("pg_coordinator_lag_bytes").gauge().value()).isEqualTo(100);
        assertThat(registry.find("pg_coordinator_lsn_bytes").gauges()).extracting(Gauge::value)
                .allSatisfy(v -> assertThat(v).isNotNegative());
    }

    private double gauge(String name, String kind) {
        return registry.get(name).tag("kind", kind).gauge().value();
    }

    private static LocalInstance standby(long receive, long replay) {
        return new LocalInstance(true, true, true, true, true, 2, 1, receive, replay, Lsn.UNKNOWN, true, "db-0", 0,
                Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
    }

    private static LocalInstance primary(long flush) {
        return new LocalInstance(true, false, true, true, false, 3, 1, Lsn.UNKNOWN, Lsn.UNKNOWN, flush, false, null, 0,
                Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
    }
}
