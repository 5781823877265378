package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.HashMap;
import java.util.Map;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresSpec;
import org.ferretdboperator.support.Labels;

/** Postgres objects and member pods as tests need them. */
public final class PostgresFixtures {

    private PostgresFixtures() {
    }

    static Postgres postgres(String namespace, String name, int replicas, DeletionPolicy policy) {
        Postgres pg = new Postgres();
        pg.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(1L)
                .withUid("uid-" + name).build());
        PostgresSpec spec = new PostgresSpec();
        spec.setVersion("16.4");
        spec.setReplicas(replicas);
        spec.setDeletionPolicy(policy);
        pg.setSpec(spec);
        return pg;
    }

    /** A member pod as the StatefulSet controller and its coordinator would leave it. */
    public static Pod member(String namespace, String postgres, int ordinal, boolean ready, String role) {
        Map<String, String> labels = new HashMap<>(Labels.postgresOwned(postgres));
        labels.put(Labels.COMPONENT, Labels.COMPONENT_DATABASE);
        if (role != null) {
            labels.put(Labels.ROLE, role);
        }
        return new PodBuilder()
                .withNewMetadata().withNamespace(namespace).withName(postgres + "-" + ordinal).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16.4").endContainer().endSpec()
                .withNewStatus()
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus()
                .build();
    }
}
