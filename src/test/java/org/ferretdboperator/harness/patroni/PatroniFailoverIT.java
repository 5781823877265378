package org.ferretdboperator.harness.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.ferretdboperator.harness.Harness;
import org.ferretdboperator.harness.Outcome;
import org.ferretdboperator.harness.PrimaryLoss;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's peer setup, tested: three Patroni members with etcd come up at Patroni's fastest documented timings,
 * the primary's agent and PostgreSQL are killed once (and restarted on the same directory, as a StatefulSet would),
 * and Patroni must elect another member while the writer, following GET /primary, recovers with no acknowledged write
 * lost in synchronous mode and no split brain. Needs Patroni and etcd from hack/tools.sh and PostgreSQL 15: in CI a
 * missing tool fails the run, elsewhere the test is skipped and says why.
 */
class PatroniFailoverIT {

    @Test
    void patroniFailsOverACrashedPrimaryWithoutLosingAcknowledgedWrites() throws Exception {
        Path project = Harness.projectDir();
        PatroniTools tools = PatroniTools.require(project);
        try (PatroniCluster cluster = PatroniCluster.start(tools, PatroniSettings.FAST, project)) {
            Outcome o = PrimaryLoss.KILL.runOn(cluster);
            assertThat(o.primaryAfter()).as("the member Patroni leaves as primary after the crash of %s (%s)",
                    o.primaryBefore(), o.summary()).isNotEqualTo(o.primaryBefore());
            assertThat(o.failoverSeconds()).as("the writer got writes acknowledged after the crash").isNotNull();
            assertThat(o.lostAcknowledged()).as("acknowledged writes lost in synchronous_mode: %s", o.lostSample()).isZero();
            assertThat(o.splitBrain()).as("split brain").isEmpty();
            assertThat(o.violations()).as("every check of the run").isEmpty();
        }
    }
}
