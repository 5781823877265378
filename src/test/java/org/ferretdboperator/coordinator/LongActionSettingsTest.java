package org.ferretdboperator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LongActionSettingsTest {

    @Test
    void unsetMeansAnUnlimitedCloneAndTheDefaultStallTimeout() {
        LongActionSettings s = LongActionSettings.fromEnvironment(Map.of());
        assertThat(s.baseBackupMaxRate()).isEmpty();
        assertThat(s.stallTimeoutMillis()).isEqualTo(LongActionSettings.DEFAULT_STALL_TIMEOUT_MS);
    }

    @Test
    void takesPgBasebackupsRateSyntax() {
        assertThat(LongActionSettings.fromEnvironment(Map.of("BASEBACKUP_MAX_RATE", "512k")).baseBackupMaxRate())
                .isEqualTo(Optional.of("512k"));
        assertThat(LongActionSettings.fromEnvironment(Map.of("BASEBACKUP_MAX_RATE", " 64M ")).baseBackupMaxRate())
                .isEqualTo(Optional.of("64M"));
        assertThat(LongActionSettings.fromEnvironment(Map.of("BASEBACKUP_MAX_RATE", "32")).baseBackupMaxRate())
                .isEqualTo(Optional.of("32"));
        assertThat(LongActionSettings.fromEnvironment(Map.of("LONG_ACTION_STALL_TIMEOUT_MS", "60000")).stallTimeoutMillis())
                .isEqualTo(60_000);
    }

    @Test
    void badValuesAreRefusedTogetherNamingEachVariable() {
        assertThatThrownBy(() -> LongActionSettings.fromEnvironment(Map.of("BASEBACKUP_MAX_RATE", "10MB/s",
                "LONG_ACTION_STALL_TIMEOUT_MS", "soon")))
                .hasMessageContaining("BASEBACKUP_MAX_RATE must be kB/s").hasMessageContaining("'10MB/s'")
                .hasMessageContaining("LONG_ACTION_STALL_TIMEOUT_MS must be a whole number").hasMessageContaining("'soon'");
    }

    @Test
    void ratesOutsidePgBasebackupsRangeAndTooShortStallTimeoutsAreRefused() {
        assertThatThrownBy(() -> LongActionSettings.fromEnvironment(Map.of("BASEBACKUP_MAX_RATE", "31k")))
                .hasMessageContaining("between 32k and 1024M");
        assertThatThrownBy(() -> LongActionSettings.fromEnvironment(Map.of("BASEBACKUP_MAX_RATE", "1025M")))
                .hasMessageContaining("between 32k and 1024M");
        assertThatThrownBy(() -> LongActionSettings.fromEnvironment(Map.of("LONG_ACTION_STALL_TIMEOUT_MS", "9999")))
                .hasMessageContaining("at least 10000");
    }
}
