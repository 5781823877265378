package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coordinator log lines that count as steps of a failover, on lines in the format of kubectl logs --timestamps. */
class FailoverTimelineTest {

    private static final Instant FAULT = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void theFirstLineOfEachKindAfterTheFaultAcrossPodsInSecondsAfterTheFault() {
        String pg1 = """
                2026-12-06T11:59:59.500000000Z 2026-12-06 11:59:59,500 INFO  [CoordinatorLoop] promoting (term 2): before the fault
                2026-12-06T12:00:11.250000000Z 2026-12-06 12:00:11,250 INFO  [CoordinatorLoop] promoting (term 3): most advanced -> [AcquireLease, Promote, PublishRole]
                2026-12-06T12:00:11.900000000Z 2026-12-06 12:00:11,900 INFO  [ActionExecutor] removed the primary label of pg-0 (uid u, resourceVersion 5): this member holds the Lease
                2026-12-06T12:00:12.100000000Z 2026-12-06 12:00:12,100 INFO  [ActionExecutor] done: AcquireLease 40 ms, Promote 612 ms, PublishRole 30 ms
                not a timestamped line
                """;
        String pg0 = """
                2026-12-06T12:00:30.000000000Z 2026-12-06 12:00:30,000 WARN  [ActionExecutor] fencing PostgreSQL: the Lease is held by pg-1
                2026-12-06T12:00:09.000000000Z 2026-12-06 12:00:09,000 INFO  [CoordinatorLoop] promoting (term 3): an earlier line in another pod's log
                """;
        var steps = FailoverTimeline.coordinatorSteps(List.of(pg1, pg0), FAULT);
        assertThat(steps).containsEntry("coordinator decides to promote", 9.0)
                .containsEntry("coordinator removed a stale primary label", 11.9)
                .containsEntry("coordinator promoted PostgreSQL", 12.1)
                .containsEntry("a coordinator fences", 30.0)
                .doesNotContainKey("coordinator releases the Lease");
    }

    @Test
    void linesBeforeTheFaultAreNotSteps() {
        assertThat(FailoverTimeline.coordinatorSteps(List.of(
                "2026-12-06T11:59:00Z x promoting (term 2): y\n"), FAULT)).isEmpty();
    }
}
