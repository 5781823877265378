package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import org.ferretdboperator.coordinator.CoordinatorConfig;
import org.junit.jupiter.api.Test;

/**
 * One set of leader-election defaults: what the API server fills in when spec.leaderElection is present, what the
 * reconciler uses when it is absent, and what a coordinator falls back to without the environment. They had drifted
 * apart once (3000/1800/300 in the reconciler, 2000/1200/200 in the schema).
 */
class LeaderElectionDefaultsTest {

    @Test
    void schemaReconcilerAndCoordinatorAgree() throws Exception {
        JsonNode crd = new YAMLMapper().readTree(Path.of("kubernetes/crds/postgreses.kubedb.com.yaml").toFile());
        JsonNode le = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema").path("properties")
                .path("spec").path("properties").path("leaderElection").path("properties");
        assertThat(le.path("leaseDurationMillis").path("default").asLong(-1))
                .isEqualTo(PostgresSpecs.DEFAULT_LEASE_DURATION_MS).isEqualTo(CoordinatorConfig.DEFAULT_LEASE_DURATION_MS);
        assertThat(le.path("renewDeadlineMillis").path("default").asLong(-1))
                .isEqualTo(PostgresSpecs.DEFAULT_RENEW_DEADLINE_MS).isEqualTo(CoordinatorConfig.DEFAULT_RENEW_DEADLINE_MS);
        assertThat(le.path("retryPeriodMillis").path("default").asLong(-1))
                .isEqualTo(PostgresSpecs.DEFAULT_RETRY_PERIOD_MS).isEqualTo(CoordinatorConfig.DEFAULT_RETRY_PERIOD_MS);
        assertThat(le.path("maximumLagBeforeFailover").path("default").asLong(-1))
                .isEqualTo(PostgresSpecs.DEFAULT_MAXIMUM_LAG_BYTES);
    }
}
