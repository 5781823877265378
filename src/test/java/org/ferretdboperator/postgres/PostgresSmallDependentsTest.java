package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import java.util.HashSet;
import java.util.Set;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.contract.PodContract;
import org.junit.jupiter.api.Test;

/** Secrets, Lease, runner ConfigMap and PodDisruptionBudget. */
class PostgresSmallDependentsTest {

    private final Postgres pg = PostgresFixtures.postgres("ns", "pg", 3, DeletionPolicy.DELETE);

    @Test
    void authSecretHoldsTheSuperuserAndALongRandomPassword() {
        Secret secret = new PostgresAuthSecretDependent().desired(pg, null);
        assertThat(secret.getMetadata().getName()).isEqualTo("pg-auth");
        assertThat(secret.getType()).isEqualTo("kubernetes.io/basic-auth");
        assertThat(secret.getStringData()).containsEntry("username", "postgres");
        assertThat(secret.getStringData().get("password")).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9]+");
        assertThat(secret.getMetadata().getLabels()).containsAllEntriesOf(Labels.postgresOwned("pg"));
        assertThat(secret.getMetadata().getOwnerReferences()).isEmpty();
    }

    @Test
    void passwordsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(GeneratedCredentials.password())).isTrue();
        }
    }

    @Test
    void replicationSecretHoldsTheReplicationUser() {
        Secret secret = new PostgresReplicationSecretDependent().desired(pg, null);
        assertThat(secret.getMetadata().getName()).isEqualTo("pg-replication");
        assertThat(secret.getStringData()).containsEntry("username", "replicator");
        assertThat(secret.getStringData().get("password")).hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    void generatedSecretsAreCreateOnlyAndOutsideGarbageCollection() {
        for (Object dependent : new Object[] { new PostgresAuthSecretDependent(), new PostgresReplicationSecretDependent() }) {
            assertThat(dependent).isNotInstanceOf(Updater.class).isNotInstanceOf(GarbageCollected.class)
                    .isNotInstanceOf(Deleter.class);
        }
    }

    @Test
    void authSecretIsGeneratedOnlyWithoutAUserSecret() {
        var generated = new PostgresAuthSecretDependent.Generated();
        assertThat(generated.isMet(null, pg, null)).isTrue();
        SecretReference ref = new SecretReference();
        ref.setName("pg-auth");
        pg.getSpec().setAuthSecret(ref);
        assertThat(generated.isMet(null, pg, null)).as("default name, operator-managed").isTrue();
        ref.setExternallyManaged(true);
        assertThat(generated.isMet(null, pg, null)).as("externally managed").isFalse();
        ref.setExternallyManaged(null);
        ref.setName("mine");
        assertThat(generated.isMet(null, pg, null)).as("user-named").isFalse();
    }

    @Test
    void leaseStartsWithoutHolderAndIsNeverUpdatedByTheOperator() {
        Lease lease = new LeaseDependent().desired(pg, null);
        assertThat(lease.getMetadata().getName()).isEqualTo("pg-leader");
        assertThat(lease.getSpec().getHolderIdentity()).isNull();
        assertThat(new LeaseDependent()).isNotInstanceOf(Updater.class).isInstanceOf(GarbageCollected.class);
    }

    @Test
    void runnerConfigMapShipsTheScript() {
        var cm = new RunnerConfigMapDependent().desired(pg, null);
        assertThat(cm.getMetadata().getName()).isEqualTo("pg-runner");
        assertThat(cm.getData()).containsOnlyKeys(PodContract.RUNNER_SCRIPT_KEY);
        assertThat(cm.getData().get(PodContract.RUNNER_SCRIPT_KEY)).startsWith("#!/usr/bin/env bash").contains("requests");
        // The script and the Java contract name the same allowlist.
        assertThat(cm.getData().get(PodContract.RUNNER_SCRIPT_KEY))
                .contains("ALLOWED_PROGRAMS=(" + String.join(" ", PodContract.RUNNER_ALLOWED_PROGRAMS) + ")")
                .contains("OUTPUT_LIMIT=" + PodContract.RUNNER_OUTPUT_LIMIT_BYTES)
                .contains("RC_REFUSED=" + PodContract.RUNNER_RC_REFUSED)
                .contains("RC_INTERRUPTED=" + PodContract.RUNNER_RC_INTERRUPTED);
    }

    @Test
    void podDisruptionBudgetAllowsOneMemberDownAndOnlyExistsWithSeveralMembers() {
        PodDisruptionBudget pdb = new PostgresPodDisruptionBudgetDependent().desired(pg, null);
        assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getMinAvailable()).isNull();
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(Labels.postgresSelector("pg"));

        var several = new PostgresPodDisruptionBudgetDependent.SeveralMembers();
        assertThat(several.isMet(null, pg, null)).isTrue();
        pg.getSpec().setReplicas(1);
        assertThat(several.isMet(null, pg, null)).isFalse();
        pg.getSpec().setReplicas(3);
        pg.getSpec().setHalted(true);
        assertThat(several.isMet(null, pg, null)).isFalse();
    }
}
