package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.junit.jupiter.api.Test;

class PostgresServicesTest {

    private final Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);

    @Test
    void primaryServiceSelectsOnlyThePodLabelledPrimary() {
        Service svc = new PostgresPrimaryServiceDependent().desired(pg, null);
        assertThat(svc.getMetadata().getName()).isEqualTo("pg");
        assertThat(svc.getSpec().getSelector()).containsAllEntriesOf(Labels.postgresSelector("pg"))
                .containsEntry("kubedb.com/role", "primary").hasSize(3);
        assertThat(svc.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(5432);
            assertThat(p.getName()).isEqualTo("postgres");
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("postgres");
        });
        assertThat(svc.getSpec().getClusterIP()).isNull();
    }

    @Test
    void standbyServiceSelectsThePodsLabelledSecondary() {
        Service svc = new PostgresStandbyServiceDependent().desired(pg, null);
        assertThat(svc.getMetadata().getName()).isEqualTo("pg-standby");
        assertThat(svc.getSpec().getSelector()).containsEntry("kubedb.com/role", "secondary")
                .containsAllEntriesOf(Labels.postgresSelector("pg"));
    }

    @Test
    void governingServiceIsHeadlessAndPublishesNotReadyMembers() {
        Service svc = new PostgresGoverningServiceDependent().desired(pg, null);
        assertThat(svc.getMetadata().getName()).isEqualTo("pg-pods");
        assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(svc.getSpec().getSelector()).isEqualTo(Labels.postgresSelector("pg"));
        assertThat(svc.getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(5432, 9187);
    }

    @Test
    void everyServiceIsLabelledAsOurs() {
        for (Service svc : new Service[] { new PostgresPrimaryServiceDependent().desired(pg, null),
                new PostgresStandbyServiceDependent().desired(pg, null), new PostgresGoverningServiceDependent().desired(pg, null) }) {
            assertThat(svc.getMetadata().getLabels()).containsAllEntriesOf(Labels.postgresOwned("pg"));
            assertThat(svc.getMetadata().getNamespace()).isEqualTo("ns");
        }
    }
}
