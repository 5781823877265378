package org.ferretdboperator.ferretdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.common.StandbyMode;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.common.StreamingMode;
import org.ferretdboperator.api.ferretdb.BackendSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.junit.jupiter.api.Test;

class BackendPostgresBuilderTest {

    @Test
    void defaultsGiveThreeSynchronousHotReplicasFromTheCatalogsPostgres() {
        FerretDB ferret = Fixtures.seedLike();
        Postgres postgres = BackendPostgresBuilder.build(ferret, Fixtures.v2());

        assertThat(postgres.getMetadata().getName()).isEqualTo("ferret-pg-backend");
        assertThat(postgres.getMetadata().getNamespace()).isEqualTo("demo");
        assertThat(postgres.getSpec().getReplicas()).isEqualTo(3);
        assertThat(postgres.getSpec().getVersion()).isEqualTo("17-documentdb");
        assertThat(postgres.getSpec().getImage()).isEqualTo("ghcr.io/ferretdb/postgres-documentdb:17-0.102.0-ferretdb-2.0.0");
        assertThat(postgres.getSpec().getStreamingMode()).isEqualTo(StreamingMode.SYNCHRONOUS);
        assertThat(postgres.getSpec().getStandbyMode()).isEqualTo(StandbyMode.HOT);
        assertThat(postgres.getSpec().getStorageType()).isEqualTo(StorageType.DURABLE);
        assertThat(postgres.getSpec().getDeletionPolicy()).as("FerretDB's default").isEqualTo(DeletionPolicy.WIPE_OUT);
        assertThat(postgres.getSpec().getHalted()).isFalse();
        assertThat(postgres.getSpec().getUsers()).singleElement().satisfies(user -> {
            assertThat(user.getSecretName()).isEqualTo("ferret-auth");
            assertThat(user.getDatabase()).as("FerretDB 2.x works in DocumentDB's database").isEqualTo("postgres");
        });
    }

    @Test
    void ferretDb1KeepsItsDataInItsOwnDatabase() {
        Postgres postgres = BackendPostgresBuilder.build(Fixtures.seedLike(), Fixtures.v1());
        assertThat(postgres.getSpec().getUsers()).singleElement()
                .satisfies(user -> assertThat(user.getDatabase()).isEqualTo("ferretdb"));
    }

    @Test
    void backendBlockPolicyAndHaltingAreCarriedOver() {
        FerretDB ferret = Fixtures.seedLike();
        BackendSpec backend = new BackendSpec();
        backend.setReplicas(5);
        backend.setStreamingMode(StreamingMode.ASYNCHRONOUS);
        backend.setStorage(new PersistentVolumeClaimSpecBuilder().withNewResources()
                .addToRequests("storage", new Quantity("10Gi")).endResources().build());
        ferret.getSpec().setBackend(backend);
        ferret.getSpec().setDeletionPolicy(DeletionPolicy.HALT);
        ferret.getSpec().setHalted(true);
        ferret.getSpec().setAuthSecret(new SecretReference());
        ferret.getSpec().getAuthSecret().setName("app-creds");

        Postgres postgres = BackendPostgresBuilder.build(ferret, Fixtures.v1());
        assertThat(postgres.getSpec().getReplicas()).isEqualTo(5);
        assertThat(postgres.getSpec().getStreamingMode()).isEqualTo(StreamingMode.ASYNCHRONOUS);
        assertThat(postgres.getSpec().getStorage().getResources().getRequests()).containsEntry("storage", new Quantity("10Gi"));
        assertThat(postgres.getSpec().getDeletionPolicy()).isEqualTo(DeletionPolicy.HALT);
        assertThat(postgres.getSpec().getHalted()).isTrue();
        assertThat(postgres.getSpec().getVersion()).isEqualTo("17.4");
        assertThat(postgres.getSpec().getUsers().get(0).getSecretName()).isEqualTo("app-creds");
    }

    @Test
    void ephemeralBackendsGetNoStorage() {
        FerretDB ferret = Fixtures.seedLike();
        BackendSpec backend = new BackendSpec();
        backend.setStorageType(StorageType.EPHEMERAL);
        ferret.getSpec().setBackend(backend);
        Postgres postgres = BackendPostgresBuilder.build(ferret, Fixtures.v2());
        assertThat(postgres.getSpec().getStorageType()).isEqualTo(StorageType.EPHEMERAL);
        assertThat(postgres.getSpec().getStorage()).isNull();
        assertThat(postgres.getSpec().getReplicas()).as("block without replicas still defaults").isEqualTo(3);
    }
}
