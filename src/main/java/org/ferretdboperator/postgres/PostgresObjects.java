package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.HashMap;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;

/** Metadata shared by every object made for a Postgres object. */
final class PostgresObjects {

    private PostgresObjects() {
    }

    static ObjectMeta metadata(Postgres pg, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(pg.getMetadata().getNamespace())
                .withLabels(new HashMap<>(Labels.postgresOwned(pg.getMetadata().getName())))
                .withAnnotations(new HashMap<>())
                .build();
    }

    static String name(Postgres pg) {
        return pg.getMetadata().getName();
    }
}
