package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HA harness: every failure scenario once, on a fresh three-member cluster of real PostgreSQL servers and real
 * coordinator processes against the real control plane. Each run asserts the shared safety checks (no two members
 * acknowledging writes at once, exactly one primary label once settled, every member back in its role, every row
 * committed before the fault on the new primary, and in Synchronous mode no acknowledged write lost, except in the
 * forced failover a person asked for, which checks the loss against its record instead) plus its own.
 */
@ExtendWith(HarnessResources.class)
class FailoverScenariosIT {

    @BeforeAll
    static void members() {
        Member.requirePrerequisites(Harness.projectDir());
    }

    /** All scenarios; {@code -Dharness.scenarios=slug,slug} narrows the set while working on one. */
    static List<Scenario> scenarios() {
        String only = System.getProperty("harness.scenarios", "");
        return Arrays.stream(Scenario.values())
                .filter(s -> only.isBlank() || Arrays.asList(only.split(",")).contains(s.slug))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void survives(Scenario scenario, LocalControlPlane controlPlane) throws Exception {
        Outcome outcome = scenario.run(controlPlane, ClusterSpec.Timings.TESTS);
        assertThat(outcome.violations()).as(scenario.title + ": " + outcome.summary()).isEmpty();
    }
}
