package org.ferretdboperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresStatus;
import org.junit.jupiter.api.Test;

/** The decisions of the status-write path; the writes themselves run in the reconciler tests. */
class StatusWriterTest {

    private static PostgresStatus status(Phase phase, String primary) {
        PostgresStatus status = new PostgresStatus();
        status.setPhase(phase);
        status.setPrimary(primary);
        status.setObservedGeneration(1L);
        status.setConditions(new Conditions(List.of(), 1L, java.time.Instant.EPOCH)
                .set(Conditions.READY, phase == Phase.READY, "R", "m").list());
        return status;
    }

    private static Postgres withGeneration(Long generation) {
        Postgres pg = new Postgres();
        pg.setMetadata(new ObjectMetaBuilder().withName("db").withNamespace("ns").withGeneration(generation).build());
        return pg;
    }

    @Test
    void anEqualStatusIsNotWrittenAndAnyFieldMakesItDifferent() {
        assertThat(StatusWriter.sameStatus(status(Phase.READY, "db-0"), status(Phase.READY, "db-0"))).isTrue();
        assertThat(StatusWriter.sameStatus(status(Phase.READY, "db-0"), status(Phase.READY, "db-1"))).isFalse();
        assertThat(StatusWriter.sameStatus(status(Phase.READY, "db-0"), status(Phase.CRITICAL, "db-0"))).isFalse();
    }

    @Test
    void noStatusYetIsAlwaysWritten() {
        assertThat(StatusWriter.sameStatus(null, new PostgresStatus())).isFalse();
    }

    @Test
    void aGenerationThatMovedOnWhileReconcilingAsksForAnotherReconcile() {
        assertThat(StatusWriter.specChangedMeanwhile(withGeneration(3L), withGeneration(4L))).isTrue();
        assertThat(StatusWriter.specChangedMeanwhile(withGeneration(3L), withGeneration(3L))).isFalse();
        assertThat(StatusWriter.specChangedMeanwhile(withGeneration(3L), null)).isFalse();
    }

    @Test
    void anUnchangedStatusIsNotSentAtAll() {
        Postgres pg = withGeneration(1L);
        pg.setStatus(status(Phase.READY, "db-0"));

        // No context: a write would fail on it.
        assertThat(StatusWriter.writeIfChanged(pg, status(Phase.READY, "db-0"), null, Postgres::new))
                .isEqualTo(StatusWriter.Outcome.UNCHANGED);
    }
}
