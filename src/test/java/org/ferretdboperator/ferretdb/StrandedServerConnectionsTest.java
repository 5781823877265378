package org.ferretdboperator.ferretdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.Optional;
import org.ferretdboperator.metrics.LeaderChange;
import org.ferretdboperator.support.HostProbe;
import org.junit.jupiter.api.Test;

class StrandedServerConnectionsTest {

    private static final LeaderChange FAILOVER = new LeaderChange("pg-1", "pg-0", 4, LeaderChange.Reason.FAILOVER,
            Optional.of(Duration.ofSeconds(3)));
    private static final LeaderChange SWITCHOVER = new LeaderChange("pg-1", "pg-0", 4, LeaderChange.Reason.SWITCHOVER,
            Optional.of(Duration.ofSeconds(1)));

    private static Pod onHost(String hostIp) {
        return new PodBuilder().withNewMetadata().withName("pg-1").endMetadata().withNewSpec().withNodeName("node-2")
                .endSpec().withNewStatus().withHostIP(hostIp).endStatus().build();
    }

    @Test
    void aFailoverFromAHostThatDoesNotAnswerRestartsTheServers() {
        var verdict = StrandedServerConnections.restartsFor(FAILOVER, Optional.of(onHost("10.0.0.2")),
                Optional.of(HostProbe.Answer.NO_ANSWER));
        assertThat(verdict.restart()).isTrue();
        assertThat(verdict.reason()).contains("pg-1", "node-2", "10.0.0.2", "does not answer");
    }

    @Test
    void aFailoverFromAHostThatAnswersKeepsThem() {
        assertThat(StrandedServerConnections.restartsFor(FAILOVER, Optional.of(onHost("10.0.0.2")),
                Optional.of(HostProbe.Answer.ANSWERED)).restart()).isFalse();
    }

    @Test
    void aSwitchoverKeepsThemWhateverTheHost() {
        assertThat(StrandedServerConnections.restartsFor(SWITCHOVER, Optional.of(onHost("10.0.0.2")),
                Optional.of(HostProbe.Answer.NO_ANSWER)).restart()).isFalse();
    }

    @Test
    void aGoneOrNeverScheduledOldPrimaryKeepsThem() {
        assertThat(StrandedServerConnections.restartsFor(FAILOVER, Optional.empty(), Optional.empty()).restart()).isFalse();
        assertThat(StrandedServerConnections.restartsFor(FAILOVER, Optional.of(onHost(null)), Optional.empty()).restart())
                .isFalse();
        assertThat(StrandedServerConnections.restartsFor(FAILOVER, Optional.of(onHost("10.0.0.2")), Optional.empty())
                .restart()).as("a host nobody asked").isFalse();
    }

    @Test
    void onlyServersOlderThanTheChangeByMoreThanTheTimestampsGrainAreRestarted() {
        java.time.Instant seen = java.time.Instant.parse("2026-12-06T19:00:05.400Z");
        assertThat(StrandedServerConnections.startedBefore(created("2026-12-06T18:00:00Z"), seen)).isTrue();
        assertThat(StrandedServerConnections.startedBefore(created("2026-12-06T19:00:04Z"), seen)).isTrue();
        assertThat(StrandedServerConnections.startedBefore(created("2026-12-06T19:00:05Z"), seen))
                .as("created in the second the change was seen: a replacement, perhaps").isFalse();
        assertThat(StrandedServerConnections.startedBefore(created("2026-12-06T19:00:07Z"), seen)).isFalse();
    }

    private static Pod created(String at) {
        return new PodBuilder().withNewMetadata().withName("ferret-0").withCreationTimestamp(at).endMetadata().build();
    }
}
