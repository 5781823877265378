package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.ferretdboperator.api.catalog.BackendPostgresSpec;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.catalog.ImageSpec;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.FerretDBSpec;
import org.ferretdboperator.api.ferretdb.ServerGroupSpec;
import org.ferretdboperator.api.ferretdb.ServerSpec;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresStatus;

/** Objects for plain unit tests. */
final class Fixtures {

    private Fixtures() {
    }

    static FerretDB ferretdb(String name, String namespace) {
        FerretDB ferretdb = new FerretDB();
        ferretdb.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withGeneration(1L)
                .withUid("uid-" + name).build());
        FerretDBSpec spec = new FerretDBSpec();
        spec.setVersion("2.0.0");
        ferretdb.setSpec(spec);
        return ferretdb;
    }

    /** As the seed: 2 primary and 2 secondary servers. */
    static FerretDB seedLike() {
        FerretDB ferretdb = ferretdb("ferret", "demo");
        ServerSpec server = new ServerSpec();
        server.setPrimary(group(2));
        server.setSecondary(group(2));
        ferretdb.getSpec().setServer(server);
        return ferretdb;
    }

    static ServerGroupSpec group(Integer replicas) {
        ServerGroupSpec group = new ServerGroupSpec();
        group.setReplicas(replicas);
        return group;
    }

    static FerretDBVersionSpec version(String version, String image, String pgVersion, String pgImage,
            String distribution) {
        FerretDBVersionSpec spec = new FerretDBVersionSpec();
        spec.setVersion(version);
        ImageSpec db = new ImageSpec();
        db.setImage(image);
        spec.setDb(db);
        BackendPostgresSpec postgres = new BackendPostgresSpec();
        postgres.setVersion(pgVersion);
        postgres.setImage(pgImage);
        postgres.setDistribution(distribution);
        spec.setPostgres(postgres);
        return spec;
    }

    static FerretDBVersionSpec v1() {
        return version("1.24.0", "ghcr.io/ferretdb/ferretdb:1.24.0", "17.4", "postgres:17.4-bookworm", "PostgreSQL");
    }

    static FerretDBVersionSpec v2() {
        return version("2.0.0", "ghcr.io/ferretdb/ferretdb:2.0.0", "17-documentdb",
                "ghcr.io/ferretdb/postgres-documentdb:17-0.102.0-ferretdb-2.0.0", "DocumentDB");
    }

    static StatefulSet statefulSet(String name, int replicas, int ready) {
        return new StatefulSetBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec()
                .withNewStatus().withReplicas(replicas).withReadyReplicas(ready).endStatus()
                .build();
    }

    static Postgres backend(Phase phase) {
        Postgres postgres = new Postgres();
        postgres.setMetadata(new ObjectMetaBuilder().withName("ferret-pg-backend").build());
        if (phase != null) {
            PostgresStatus status = new PostgresStatus();
            status.setPhase(phase);
            postgres.setStatus(status);
        }
        return postgres;
    }
}
