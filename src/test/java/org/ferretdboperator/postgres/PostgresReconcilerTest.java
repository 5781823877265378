package org.ferretdboperator.postgres;

import org.ferretdboperator.status.Conditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against the fabric8 mock API server (no StatefulSet controller, no garbage collector): what the
 * operator itself creates, reports and deletes.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class PostgresReconcilerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    KubernetesClient client;

    @Test
    void createsEveryOwnedObjectWithOwnerReferencesAndSecretsWithout() {
        String ns = "create";
        Postgres pg = create(PostgresFixtures.postgres(ns, "db", 3, DeletionPolicy.DELETE));

        StatefulSet sts = await().atMost(TIMEOUT).until(() -> get(StatefulSet.class, ns, "db"), o -> o != null);
        assertOwnedBy(sts, pg);
        assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
        // The coordinator runs the operator's own image, from configuration with the project version filled in.
        assertThat(sts.getSpec().getTemplate().getSpec().getContainers()).filteredOn(c -> c.getName().equals("pg-coordinator"))
                .singleElement().satisfies(c -> assertThat(c.getImage())
                        .matches("ghcr\\.io/ferretdb-operator/ferretdb-operator:[0-9][^$]*"));
        for (String service : List.of("db", "db-standby", "db-pods")) {
            assertOwnedBy(await().atMost(TIMEOUT).until(() -> get(Service.class, ns, service), o -> o != null), pg);
        }
        assertOwnedBy(await().atMost(TIMEOUT).until(() -> get(PodDisruptionBudget.class, ns, "db"), o -> o != null), pg);
        assertOwnedBy(get(ServiceAccount.class, ns, "db-coordinator"), pg);
        assertOwnedBy(get(Role.class, ns, "db-coordinator"), pg);
        assertOwnedBy(get(RoleBinding.class, ns, "db-coordinator"), pg);
        assertOwnedBy(get(Lease.class, ns, "db-leader"), pg);
        assertOwnedBy(get(ConfigMap.class, ns, "db-runner"), pg);

        for (String secretName : List.of("db-auth", "db-replication")) {
            Secret secret = get(Secret.class, ns, secretName);
            assertThat(secret).as(secretName).isNotNull();
            assertThat(secret.getMetadata().getOwnerReferences()).as("owner references of " + secretName).isEmpty();
            assertThat(decode(secret, "password")).hasSizeGreaterThanOrEqualTo(32);
        }
        assertThat(decode(get(Secret.class, ns, "db-auth"), "username")).isEqualTo("postgres");
        assertThat(decode(get(Secret.class, ns, "db-replication"), "username")).isEqualTo("replicator");

        Postgres reported = await().atMost(TIMEOUT).until(() -> get(Postgres.class, ns, "db"),
                p -> p.getStatus() != null && p.getStatus().getPhase() == Phase.PROVISIONING);
        assertThat(condition(reported, Conditions.PROVISIONING_STARTED)).map(Condition::getStatus).hasValue("True");
        // The status write must not have touched the spec.
        assertThat(reported.getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void withTlsKeepsACaAndAServerCertificateForEveryMemberAndRenewsItWhenScaled() {
        String ns = "tls";
        Postgres pg = PostgresFixtures.postgres(ns, "db", 2, DeletionPolicy.DELETE);
        pg.getSpec().setTls(new org.ferretdboperator.api.common.TlsSpec());
        create(pg);
        Secret ca = await().atMost(TIMEOUT).until(() -> get(Secret.class, ns, "db-ca"), o -> o != null);
        Secret first = await().atMost(TIMEOUT).until(() -> get(Secret.class, ns, "db-server-cert"), o -> o != null);
        assertThat(ca.getMetadata().getOwnerReferences()).as("the CA survives like the credentials").isEmpty();
        org.ferretdboperator.tls.CertificateAuthority authority = org.ferretdboperator.tls.ManagedCertificates.readCa(ca);
        assertThat(names(first, authority)).contains("db-1.db-pods.tls.svc").doesNotContain("db-2.db-pods.tls.svc");
        StatefulSet sts = await().atMost(TIMEOUT).until(() -> get(StatefulSet.class, ns, "db"), o -> o != null);
        assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getSecret()).isNotNull().satisfies(s -> assertThat(s.getSecretName()).isEqualTo("db-server-cert")));

        client.resources(Postgres.class).inNamespace(ns).withName("db").edit(p -> {
            p.getSpec().setReplicas(3);
            return p;
        });
        await().atMost(TIMEOUT).until(() -> names(get(Secret.class, ns, "db-server-cert"), authority)
                .contains("db-2.db-pods.tls.svc"));
        assertThat(decode(get(Secret.class, ns, "db-ca"), "tls.key")).as("the CA is kept").isEqualTo(decode(ca, "tls.key"));

        client.resources(Postgres.class).inNamespace(ns).withName("db").edit(p -> {
            p.getSpec().setDeletionPolicy(DeletionPolicy.WIPE_OUT);
            return p;
        });
        await().atMost(TIMEOUT).until(() -> get(Postgres.class, ns, "db").getSpec().getDeletionPolicy() == DeletionPolicy.WIPE_OUT);
        client.resources(Postgres.class).inNamespace(ns).withName("db").delete();
        await().atMost(TIMEOUT).until(() -> get(Secret.class, ns, "db-ca") == null && get(Secret.class, ns, "db-server-cert") == null);
    }

    private static java.util.Set<String> names(Secret secret, org.ferretdboperator.tls.CertificateAuthority ca) {
        return org.ferretdboperator.tls.CertificateFacts.of(org.ferretdboperator.tls.Pem.readCertificate(decode(secret, "tls.crt")),
                ca.certificate().getPublicKey()).dnsNames();
    }

    @Test
    void generatedPasswordSurvivesLaterReconciliationsScalingAndHalting() {
        String ns = "password";
        create(PostgresFixtures.postgres(ns, "db", 1, DeletionPolicy.DELETE));
        Secret first = await().atMost(TIMEOUT).until(() -> get(Secret.class, ns, "db-auth"), o -> o != null);
        await().atMost(TIMEOUT).until(() -> get(StatefulSet.class, ns, "db"), o -> o != null);
        assertThat(get(PodDisruptionBudget.class, ns, "db")).as("no PDB over a single member").isNull();
        // Trigger further reconciliations with a spec change.
        client.resources(Postgres.class).inNamespace(ns).withName("db").edit(p -> {
            p.getSpec().setReplicas(2);
            return p;
        });
        await().atMost(TIMEOUT).until(() -> get(StatefulSet.class, ns, "db").getSpec().getReplicas() == 2);
        await().atMost(TIMEOUT).until(() -> get(PodDisruptionBudget.class, ns, "db") != null);
        assertThat(decode(get(Secret.class, ns, "db-auth"), "password")).isEqualTo(decode(first, "password"));
        assertThat(get(Role.class, ns, "db-coordinator").getRules().stream()
                .filter(r -> r.getVerbs().contains("patch") && r.getResources().contains("pods"))
                .findFirst().orElseThrow().getResourceNames()).containsExactly("db-0", "db-1");

        // Halting stops the members and drops the PDB, which would otherwise block node drains for nothing.
        client.resources(Postgres.class).inNamespace(ns).withName("db").edit(p -> {
            p.getSpec().setHalted(true);
            return p;
        });
        await().atMost(TIMEOUT).until(() -> get(PodDisruptionBudget.class, ns, "db") == null);
        assertThat(get(StatefulSet.class, ns, "db").getSpec().getReplicas()).isZero();
        assertThat(awaitPhase(ns, "db", Phase.HALTED).getStatus().getPrimary()).isNull();
        assertThat(decode(get(Secret.class, ns, "db-auth"), "password")).isEqualTo(decode(first, "password"));
    }

    @Test
    void statusFollowsMemberReadinessAndRoleLabels() {
        String ns = "status";
        create(PostgresFixtures.postgres(ns, "db", 3, DeletionPolicy.DELETE));
        await().atMost(TIMEOUT).until(() -> get(StatefulSet.class, ns, "db"), o -> o != null);
        awaitPhase(ns, "db", Phase.PROVISIONING);

        putPod(PostgresFixtures.member(ns, "db", 0, true, Labels.ROLE_PRIMARY));
        putPod(PostgresFixtures.member(ns, "db", 1, true, Labels.ROLE_SECONDARY));
        putPod(PostgresFixtures.member(ns, "db", 2, false, null));
        // Never fully ready yet: still provisioning.
        await().during(Duration.ofMillis(500)).atMost(TIMEOUT)
                .until(() -> get(Postgres.class, ns, "db").getStatus().getPhase() == Phase.PROVISIONING);

        putPod(PostgresFixtures.member(ns, "db", 2, true, Labels.ROLE_SECONDARY));
        Postgres ready = awaitPhase(ns, "db", Phase.READY);
        assertThat(ready.getStatus().getPrimary()).isEqualTo("db-0");
        assertThat(condition(ready, Conditions.PROVISIONED)).map(Condition::getStatus).hasValue("True");

        putPod(PostgresFixtures.member(ns, "db", 2, false, Labels.ROLE_SECONDARY));
        awaitPhase(ns, "db", Phase.CRITICAL);

        putPod(PostgresFixtures.member(ns, "db", 0, false, Labels.ROLE_PRIMARY));
        awaitPhase(ns, "db", Phase.NOT_READY);

        // Failover: db-1 becomes primary, the old one is back as a standby.
        putPod(PostgresFixtures.member(ns, "db", 0, true, Labels.ROLE_SECONDARY));
        putPod(PostgresFixtures.member(ns, "db", 1, true, Labels.ROLE_PRIMARY));
        putPod(PostgresFixtures.member(ns, "db", 2, true, Labels.ROLE_SECONDARY));
        assertThat(awaitPhase(ns, "db", Phase.READY).getStatus().getPrimary()).isEqualTo("db-1");

        var events = client.v1().events().inNamespace(ns).list().getItems();
        assertThat(events).anyMatch(e -> "Critical".equals(e.getReason()) && "Warning".equals(e.getType()));
    }

    @Test
    void missingAuthSecretIsReportedOnTheFieldAndNothingIsCreatedUntilItExists() {
        String ns = "badsecret";
        Postgres pg = PostgresFixtures.postgres(ns, "db", 3, DeletionPolicy.DELETE);
        SecretReference ref = new SecretReference();
        ref.setName("my-superuser");
        pg.getSpec().setAuthSecret(ref);
        create(pg);

        Postgres reported = await().atMost(TIMEOUT).until(() -> get(Postgres.class, ns, "db"),
                p -> condition(p, Conditions.VALID).map(c -> "False".equals(c.getStatus())).orElse(false));
        assertThat(condition(reported, Conditions.VALID).orElseThrow().getMessage())
                .contains("spec.authSecret.name").contains("my-superuser").contains("not found");
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anyMatch(e -> Conditions.REASON_INVALID_SPEC.equals(e.getReason())
                        && e.getMessage().contains("spec.authSecret.name"));
        assertThat(get(StatefulSet.class, ns, "db")).isNull();
        assertThat(get(Secret.class, ns, "db-auth")).isNull();

        // A Secret without a password is still wrong, and says so.
        client.resource(userSecret(ns, "my-superuser", Map.of("username", "admin"))).create();
        await().atMost(TIMEOUT).until(() -> condition(get(Postgres.class, ns, "db"), Conditions.VALID)
                .map(c -> c.getMessage().contains("password") && !c.getMessage().contains("not found")).orElse(false));
        assertThat(get(StatefulSet.class, ns, "db")).isNull();

        // Fixing the Secret alone (no change to the Postgres object) lets provisioning proceed.
        client.resource(userSecret(ns, "my-superuser", Map.of("username", "admin", "password", "s3cret-enough"))).update();
        StatefulSet sts = await().atMost(TIMEOUT).until(() -> get(StatefulSet.class, ns, "db"), o -> o != null);
        assertThat(sts.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getProjected()).isNotNull());
        assertThat(get(Secret.class, ns, "db-auth")).as("no generated superuser Secret next to the user's").isNull();
        await().atMost(TIMEOUT).until(() -> condition(get(Postgres.class, ns, "db"), Conditions.VALID)
                .map(c -> "True".equals(c.getStatus())).orElse(false));
    }

    @Test
    void doNotTerminateKeepsTheFinalizerAndSaysWhy() {
        String ns = "donotterminate";
        create(PostgresFixtures.postgres(ns, "db", 1, DeletionPolicy.DO_NOT_TERMINATE));
        await().atMost(TIMEOUT).until(() -> get(StatefulSet.class, ns, "db"), o -> o != null);
        client.resources(Postgres.class).inNamespace(ns).withName("db").delete();

        await().atMost(TIMEOUT).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> Conditions.DELETION_BLOCKED.equals(e.getReason()) && "Warning".equals(e.getType())
                        && e.getMessage().contains("spec.deletionPolicy is DoNotTerminate")));
        Postgres blocked = await().atMost(TIMEOUT).until(() -> get(Postgres.class, ns, "db"),
                p -> condition(p, Conditions.DELETION_BLOCKED).isPresent());
        assertThat(blocked.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(blocked.getMetadata().getFinalizers()).isNotEmpty();
        assertThat(get(StatefulSet.class, ns, "db")).isNotNull();

        // Changing the policy lets the deletion finish.
        client.resources(Postgres.class).inNamespace(ns).withName("db").edit(p -> {
            p.getSpec().setDeletionPolicy(DeletionPolicy.HALT);
            return p;
        });
        await().atMost(TIMEOUT).until(() -> get(Postgres.class, ns, "db") == null);
    }

    @Test
    void haltRemovesWorkloadsAndKeepsDataAndSecrets() {
        String ns = "halt";
        deleteWith(ns, DeletionPolicy.HALT);
        assertWorkloadsGone(ns);
        assertThat(get(PersistentVolumeClaim.class, ns, "data-db-0")).isNotNull();
        assertThat(get(Secret.class, ns, "db-auth")).isNotNull();
        assertThat(get(Secret.class, ns, "db-replication")).isNotNull();
    }

    @Test
    void deleteRemovesWorkloadsAndDataAndKeepsSecrets() {
        String ns = "delete";
        deleteWith(ns, DeletionPolicy.DELETE);
        assertWorkloadsGone(ns);
        assertThat(get(PersistentVolumeClaim.class, ns, "data-db-0")).isNull();
        assertThat(get(PersistentVolumeClaim.class, ns, "data-db-1")).isNull();
        assertThat(get(PersistentVolumeClaim.class, ns, "unrelated")).isNotNull();
        assertThat(get(Secret.class, ns, "db-auth")).isNotNull();
        assertThat(get(Secret.class, ns, "db-replication")).isNotNull();
    }

    @Test
    void wipeOutRemovesEverythingTheOperatorMadeButNotTheUsersSecrets() {
        String ns = "wipeout";
        client.resource(userSecret(ns, "app-user", Map.of("username", "app", "password", "app-password"))).create();
        Postgres pg = PostgresFixtures.postgres(ns, "db", 2, DeletionPolicy.WIPE_OUT);
        var user = new org.ferretdboperator.api.postgres.DatabaseUser();
        user.setSecretName("app-user");
        user.setDatabase("app");
        pg.getSpec().setUsers(List.of(user));
        deleteWith(pg);
        assertWorkloadsGone(ns);
        assertThat(get(PersistentVolumeClaim.class, ns, "data-db-0")).isNull();
        assertThat(get(Secret.class, ns, "db-auth")).isNull();
        assertThat(get(Secret.class, ns, "db-replication")).isNull();
        assertThat(get(Secret.class, ns, "app-user")).isNotNull();
    }

    private void deleteWith(String ns, DeletionPolicy policy) {
        deleteWith(PostgresFixtures.postgres(ns, "db", 2, policy));
    }

    /** Creates the object, waits for its objects, adds the PVCs a StatefulSet controller would make, deletes it. */
    private void deleteWith(Postgres pg) {
        String ns = pg.getMetadata().getNamespace();
        create(pg);
        await().atMost(TIMEOUT).until(() -> get(StatefulSet.class, ns, "db"), o -> o != null);
        await().atMost(TIMEOUT).until(() -> get(Secret.class, ns, "db-auth") != null && get(PodDisruptionBudget.class, ns, "db") != null);
        for (String claim : List.of("data-db-0", "data-db-1", "unrelated")) {
            client.resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withNamespace(ns).withName(claim).withLabels(Labels.postgresSelector("db")).endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce").endSpec()
                    .build()).create();
        }
        client.resources(Postgres.class).inNamespace(ns).withName("db").delete();
        await().atMost(TIMEOUT).until(() -> get(Postgres.class, ns, "db") == null);
    }

    private void assertWorkloadsGone(String ns) {
        assertThat(get(StatefulSet.class, ns, "db")).isNull();
        assertThat(get(Service.class, ns, "db")).isNull();
        assertThat(get(Service.class, ns, "db-standby")).isNull();
        assertThat(get(Service.class, ns, "db-pods")).isNull();
        assertThat(get(PodDisruptionBudget.class, ns, "db")).isNull();
        assertThat(get(ConfigMap.class, ns, "db-runner")).isNull();
        assertThat(get(Lease.class, ns, "db-leader")).isNull();
        assertThat(get(Role.class, ns, "db-coordinator")).isNull();
        assertThat(get(RoleBinding.class, ns, "db-coordinator")).isNull();
        assertThat(get(ServiceAccount.class, ns, "db-coordinator")).isNull();
    }

    private Postgres create(Postgres pg) {
        pg.getMetadata().setUid(null);
        pg.getMetadata().setGeneration(null);
        return client.resource(pg).create();
    }

    private Postgres awaitPhase(String ns, String name, Phase phase) {
        return await().atMost(TIMEOUT).until(() -> get(Postgres.class, ns, name),
                p -> p.getStatus() != null && p.getStatus().getPhase() == phase);
    }

    private void putPod(Pod pod) {
        Pod existing = get(Pod.class, pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        if (existing == null) {
            client.resource(pod).create();
        } else {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(p -> {
                p.getMetadata().setLabels(pod.getMetadata().getLabels());
                p.setStatus(pod.getStatus());
                return p;
            });
        }
    }

    private <T extends HasMetadata> T get(Class<T> type, String ns, String name) {
        return client.resources(type).inNamespace(ns).withName(name).get();
    }

    private static Optional<Condition> condition(Postgres pg, String type) {
        if (pg == null || pg.getStatus() == null) {
            return Optional.empty();
        }
        return pg.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static void assertOwnedBy(HasMetadata child, Postgres pg) {
        assertThat(child).isNotNull();
        assertThat(child.getMetadata().getOwnerReferences())
                .as("owner references of " + child.getKind() + " " + child.getMetadata().getName())
                .anySatisfy(o -> {
                    assertThat(o.getUid()).isEqualTo(pg.getMetadata().getUid());
                    assertThat(o.getKind()).isEqualTo("Postgres");
                });
    }

    private static String decode(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)));
        }
        return secret.getStringData().get(key);
    }

    private static Secret userSecret(String ns, String name, Map<String, String> values) {
        var data = new java.util.HashMap<String, String>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes())));
        return new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata().withData(data).build();
    }
}
