package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a failed probe of the last holder's PostgreSQL says about it: every branch of {@link LeaderProbe#afterError}. */
class LeaderProbeTest {

    @ParameterizedTest
    @ValueSource(strings = { "53300", "28000", "28P01", "57P03", "57P01", "3D000", "42501", "XX000" })
    void aServerThatAnswersWithAnErrorIsRunning(String sqlState) {
        assertThat(LeaderProbe.afterError(sqlState)).isEqualTo(LeaderProbe.REFUSING);
    }

    @ParameterizedTest
    @ValueSource(strings = { "08001", "08006", "08004", "08P01" })
    void aConnectionThatNeverReachedAServerIsUnreachable(String sqlState) {
        assertThat(LeaderProbe.afterError(sqlState)).isEqualTo(LeaderProbe.UNREACHABLE);
    }

    @Test
    void noOrMalformedSqlStateIsUnreachable() {
        assertThat(LeaderProbe.afterError(null)).isEqualTo(LeaderProbe.UNREACHABLE);
        assertThat(LeaderProbe.afterError("")).isEqualTo(LeaderProbe.UNREACHABLE);
        assertThat(LeaderProbe.afterError("0800")).isEqualTo(LeaderProbe.UNREACHABLE);
    }
}
