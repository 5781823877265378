package org.ferretdboperator.api.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PhaseTest {

    @ParameterizedTest
    @EnumSource(Phase.class)
    void theDisplayNameIsTheNameInTheStatus(Phase phase) {
        assertThat(phase.displayName()).isEqualTo(Serialization.asJson(phase).replace("\"", ""));
    }
}
