package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ferretdboperator.coordinator.decision.StalePrimaryLabels.LabelledPod;
import org.junit.jupiter.api.Test;

/** Every branch of {@link StalePrimaryLabels#toClear}. */
class StalePrimaryLabelsTest {

    private static final LabelledPod SELF_UNLABELLED = new LabelledPod("pg-1", "u1", "11", null);
    private static final LabelledPod OLD_PRIMARY = new LabelledPod("pg-0", "u0", "10", "primary");
    private static final LabelledPod SECONDARY = new LabelledPod("pg-2", "u2", "12", "secondary");

    @Test
    void theHolderClearsTheOtherPodsPrimaryLabelAndOnlyThat() {
        assertThat(StalePrimaryLabels.toClear("pg-1", true, List.of(OLD_PRIMARY, SELF_UNLABELLED, SECONDARY)))
                .containsExactly(OLD_PRIMARY);
    }

    @Test
    void aMemberThatDoesNotHoldTheLeaseClearsNothing() {
        assertThat(StalePrimaryLabels.toClear("pg-1", false, List.of(OLD_PRIMARY, SELF_UNLABELLED))).isEmpty();
    }

    @Test
    void theHoldersOwnLabelIsNeverCleared() {
        LabelledPod selfPrimary = new LabelledPod("pg-1", "u1", "11", "primary");
        assertThat(StalePrimaryLabels.toClear("pg-1", true, List.of(selfPrimary, SECONDARY))).isEmpty();
    }

    @Test
    void aPodWithoutUidOrResourceVersionIsLeftAlone() {
        assertThat(StalePrimaryLabels.toClear("pg-1", true, List.of(
                new LabelledPod("pg-0", null, "10", "primary"), new LabelledPod("pg-2", "u2", null, "primary"))))
                .isEmpty();
    }

    @Test
    void everyOtherPodLabelledPrimaryIsCleared() {
        LabelledPod another = new LabelledPod("pg-2", "u2", "12", "primary");
        assertThat(StalePrimaryLabels.toClear("pg-1", true, List.of(OLD_PRIMARY, SELF_UNLABELLED, another)))
                .containsExactly(OLD_PRIMARY, another);
    }
}
