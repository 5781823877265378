package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which stored synchronous_commit defaults end "no acknowledged write lost": every branch of {@link SyncCommitOverride}. */
class SyncCommitOverrideTest {

    @ParameterizedTest
    @ValueSource(strings = { "local", "off", "remote_write", "OFF", "false", "no", "0", " Local ", "bogus" })
    void valuesThatAcknowledgeBeforeASynchronousStandbyHoldsTheCommitWeaken(String value) {
        assertThat(new SyncCommitOverride("app", "app", value).weakens()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "on", "ON", "true", "yes", "1", "remote_apply", "Remote_Apply" })
    void valuesThatWaitForTheSynchronousStandbysDoNot(String value) {
        assertThat(new SyncCommitOverride(null, "app", value).weakens()).isFalse();
    }

    @Test
    void anUnreadableValueWeakens() {
        assertThat(new SyncCommitOverride(null, null, null).weakens()).isTrue();
    }

    @Test
    void synchronousModeRevertsOnlyTheWeakeningOnes() {
        SyncCommitOverride weak = new SyncCommitOverride("app", null, "local");
        SyncCommitOverride strong = new SyncCommitOverride(null, "app", "on");
        assertThat(SyncCommitOverride.toRevert(true, Set.of(weak, strong))).containsExactly(weak);
        assertThat(SyncCommitOverride.toRevert(true, Set.of(strong))).isEmpty();
    }

    @Test
    void asynchronousModeRevertsNothing() {
        assertThat(SyncCommitOverride.toRevert(false, Set.of(new SyncCommitOverride(null, null, "off")))).isEmpty();
    }

    @Test
    void describesItsScope() {
        assertThat(new SyncCommitOverride(null, null, "off")).hasToString(
                "synchronous_commit=off for every role in every database");
        assertThat(new SyncCommitOverride("db", "app", "local")).hasToString(
                "synchronous_commit=local for role app in database db");
    }
}
