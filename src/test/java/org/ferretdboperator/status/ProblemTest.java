package org.ferretdboperator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProblemTest {

    @Test
    void anInvalidSpecProblemSaysTheFieldFirst() {
        Problem problem = Problem.invalidSpec("spec.users[1].secretName", "is required");

        assertThat(problem.reason()).isEqualTo(Problem.INVALID_SPEC);
        assertThat(problem.field()).isEqualTo("spec.users[1].secretName");
        assertThat(problem.message()).isEqualTo("spec.users[1].secretName: is required");
    }

    @Test
    void aMessageThatDoesNotStartWithItsFieldIsRefused() {
        assertThatThrownBy(() -> new Problem(Problem.INVALID_VERSION, "spec.version", "the version is unknown"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spec.version");
    }

    @Test
    void aMessageMayContinueTheFieldPathWithoutAColon() {
        Problem problem = new Problem(Problem.INVALID_SPEC, "spec.server.primary.replicas",
                "spec.server.primary.replicas must be at least 1");

        assertThat(problem.message()).startsWith(problem.field());
    }
}
