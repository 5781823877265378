package org.ferretdboperator.ferretdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.catalog.VersionSecurityContext;
import org.ferretdboperator.api.common.PodTemplate;
import org.ferretdboperator.api.common.PodTemplateMetadata;
import org.ferretdboperator.api.common.PodTemplateOverrides;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.ServerSpec;
import org.junit.jupiter.api.Test;

class ServerStatefulSetBuilderTest {

    @Test
    void seedLikeGroupsGetTheirNamesReplicasAndGoverningServices() {
        FerretDB ferret = Fixtures.seedLike();
        StatefulSet primary = ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v2());
        StatefulSet secondary = ServerStatefulSetBuilder.build(ferret, ServerGroup.SECONDARY, Fixtures.v2());

        assertThat(primary.getMetadata().getName()).isEqualTo("ferret");
        assertThat(secondary.getMetadata().getName()).isEqualTo("ferret-secondary");
        assertThat(primary.getSpec().getReplicas()).isEqualTo(2);
        assertThat(primary.getSpec().getServiceName()).isEqualTo("ferret-pods");
        assertThat(secondary.getSpec().getServiceName()).isEqualTo("ferret-secondary-pods");
        assertThat(primary.getSpec().getSelector().getMatchLabels())
                .containsEntry("ferretdb.kubedb.com/server", "primary")
                .containsEntry("app.kubernetes.io/instance", "ferret");
        assertThat(primary.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(primary.getSpec().getSelector().getMatchLabels());
        assertThat(secondary.getSpec().getSelector().getMatchLabels())
                .containsEntry("ferretdb.kubedb.com/server", "secondary");
    }

    @Test
    void replicasDefaultToOnePrimaryAndAreZeroWhileHalted() {
        FerretDB ferret = Fixtures.ferretdb("f", "ns");
        assertThat(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v2()).getSpec().getReplicas())
                .isEqualTo(1);
        ferret.getSpec().setServer(new ServerSpec());
        ferret.getSpec().getServer().setSecondary(Fixtures.group(null));
        assertThat(ServerGroup.SECONDARY.desiredReplicas(ferret)).as("empty block means one").isEqualTo(1);
        ferret.getSpec().setHalted(true);
        assertThat(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v2()).getSpec().getReplicas())
                .isZero();
        assertThat(ServerStatefulSetBuilder.build(ferret, ServerGroup.SECONDARY, Fixtures.v2()).getSpec()
                .getReplicas()).isZero();
        assertThat(ServerGroup.SECONDARY.enabled(ferret)).as("halting keeps the objects").isTrue();
    }

    @Test
    void ferretdb1RunsOnePrimaryServerWhateverTheSpecAsksAnd2RunsWhatItAsks() {
        FerretDB ferret = Fixtures.ferretdb("f", "ns");
        ferret.getSpec().setServer(new ServerSpec());
        ferret.getSpec().getServer().setPrimary(Fixtures.group(2));
        ferret.getSpec().getServer().setSecondary(Fixtures.group(2));
        assertThat(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v1()).getSpec().getReplicas())
                .as("1.x: one server caches the collection catalogue per process").isEqualTo(1);
        assertThat(ServerGroup.PRIMARY.capped(ferret, Fixtures.v1())).isTrue();
        assertThat(ServerStatefulSetBuilder.build(ferret, ServerGroup.SECONDARY, Fixtures.v1()).getSpec()
                .getReplicas()).as("read-only servers write no catalogue").isEqualTo(2);
        assertThat(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v2()).getSpec().getReplicas())
                .isEqualTo(2);
        assertThat(ServerGroup.PRIMARY.capped(ferret, Fixtures.v2())).isFalse();
        ferret.getSpec().setHalted(true);
        assertThat(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v1()).getSpec().getReplicas())
                .isZero();
        assertThat(ServerGroup.PRIMARY.capped(ferret, Fixtures.v1())).as("halted is not capped").isFalse();
    }

    @Test
    void secondaryGroupIsAbsentWithoutItsBlockOrWithZeroReplicas() {
        FerretDB ferret = Fixtures.ferretdb("f", "ns");
        assertThat(ServerGroup.SECONDARY.enabled(ferret)).isFalse();
        ferret.getSpec().setServer(new ServerSpec());
        ferret.getSpec().getServer().setSecondary(Fixtures.group(0));
        assertThat(ServerGroup.SECONDARY.enabled(ferret)).isFalse();
        ferret.getSpec().getServer().setSecondary(Fixtures.group(3));
        assertThat(ServerGroup.SECONDARY.enabled(ferret)).isTrue();
    }

    @Test
    void version2ConnectsToDatabasePostgresWithCredentialsFromTheSecretOnly() {
        FerretDB ferret = Fixtures.seedLike();
        Container primary = container(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v2()));
        Container secondary = container(ServerStatefulSetBuilder.build(ferret, ServerGroup.SECONDARY, Fixtures.v2()));

        assertThat(primary.getName()).isEqualTo("ferretdb");
        assertThat(primary.getImage()).isEqualTo("ghcr.io/ferretdb/ferretdb:2.0.0");
        assertThat(env(primary, "FERRETDB_POSTGRESQL_URL")).contains("postgres://ferret-pg-backend.demo.svc:5432/postgres?connect_timeout=3");
        assertThat(env(secondary, "FERRETDB_POSTGRESQL_URL"))
                .contains("postgres://ferret-pg-backend-standby.demo.svc:5432/postgres?connect_timeout=3");
        assertThat(env(primary, "FERRETDB_HANDLER")).as("2.x has no --handler").isEmpty();
        assertThat(primary.getEnv()).filteredOn(e -> e.getName().equals("PGPASSWORD")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getValue()).isNull();
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ferret-auth");
                    assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
                });
        assertThat(primary.getEnv()).allSatisfy(e -> assertThat(String.valueOf(e.getValue())).doesNotContain("@"));
    }

    @Test
    void version1UsesThePostgresqlHandlerDatabaseFerretdbAndNoCredentialsInThePod() {
        FerretDB ferret = Fixtures.seedLike();
        Container primary = container(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v1()));

        assertThat(env(primary, "FERRETDB_HANDLER")).contains("postgresql");
        assertThat(env(primary, "FERRETDB_POSTGRESQL_URL")).contains("postgres://ferret-pg-backend.demo.svc:5432/ferretdb?connect_timeout=3");
        assertThat(primary.getEnv()).extracting(EnvVar::getName).doesNotContain("PGUSER", "PGPASSWORD");
        assertThat(env(primary, "FERRETDB_LISTEN_ADDR")).contains(":27017");
        assertThat(env(primary, "FERRETDB_DEBUG_ADDR")).contains(":8088");
        assertThat(env(primary, "FERRETDB_TELEMETRY")).contains("disable");
        assertThat(env(primary, "FERRETDB_STATE_DIR")).contains("/state");
        assertThat(primary.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/state"));
    }

    @Test
    void probesUseTheHealthEndpointsWhereTheReleaseHasThem() {
        FerretDB ferret = Fixtures.seedLike();
        Container v2 = container(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v2()));
        assertThat(v2.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/debug/readyz");
        assertThat(v2.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/debug/livez");
        assertThat(v2.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");

        Container v123 = container(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY,
                Fixtures.version("1.23.0", "img", "17.4", "pg", null)));
        assertThat(v123.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/debug/readyz");

        Container v118 = container(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY,
                Fixtures.version("1.18.0", "img", "17.4", "pg", null)));
        assertThat(v118.getReadinessProbe().getHttpGet()).as("1.18 has no /debug/readyz").isNull();
        assertThat(v118.getReadinessProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("mongodb");
        assertThat(v118.getLivenessProbe().getTcpSocket()).isNotNull();
    }

    @Test
    void podsMeetTheRestrictedPodSecurityStandardWithTheCatalogsUser() {
        FerretDBVersionSpec version = Fixtures.v2();
        version.setSecurityContext(new VersionSecurityContext());
        version.getSecurityContext().setRunAsUser(4242L);
        StatefulSet statefulSet = ServerStatefulSetBuilder.build(Fixtures.seedLike(), ServerGroup.PRIMARY, version);
        var pod = statefulSet.getSpec().getTemplate().getSpec();
        var container = container(statefulSet).getSecurityContext();

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(4242L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getRunAsNonRoot()).isTrue();
        assertThat(container.getRunAsUser()).isEqualTo(4242L);

        StatefulSet defaulted = ServerStatefulSetBuilder.build(Fixtures.seedLike(), ServerGroup.PRIMARY, Fixtures.v2());
        assertThat(container(defaulted).getSecurityContext().getRunAsUser()).isEqualTo(1000L);
    }

    @Test
    void podTemplateOverridesApplyWithoutBreakingSelectorsOrSecurity() {
        FerretDB ferret = Fixtures.seedLike();
        PodTemplate template = new PodTemplate();
        template.setMetadata(new PodTemplateMetadata());
        template.getMetadata().setLabels(Map.of("team", "db", "ferretdb.kubedb.com/server", "hijacked"));
        template.getMetadata().setAnnotations(Map.of("example.org/owner", "db-team"));
        template.setSpec(new PodTemplateOverrides());
        template.getSpec().setResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("250m")).build());
        template.getSpec().setEnv(List.of(new EnvVarBuilder().withName("FERRETDB_LOG_LEVEL").withValue("debug").build()));
        template.getSpec().setNodeSelector(Map.of("disk", "ssd"));
        template.getSpec().setTolerations(List.of(new TolerationBuilder().withKey("dedicated").withOperator("Exists")
                .build()));
        template.getSpec().setSecurityContext(new PodSecurityContextBuilder().withRunAsNonRoot(false)
                .withFsGroup(3000L).build());
        ferret.getSpec().getServer().getPrimary().setPodTemplate(template);

        StatefulSet statefulSet = ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v2());
        var pod = statefulSet.getSpec().getTemplate();
        assertThat(pod.getMetadata().getLabels()).containsEntry("team", "db")
                .containsEntry("ferretdb.kubedb.com/server", "primary");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("example.org/owner", "db-team");
        assertThat(container(statefulSet).getResources().getRequests()).containsEntry("cpu", new Quantity("250m"));
        assertThat(env(container(statefulSet), "FERRETDB_LOG_LEVEL")).contains("debug");
        assertThat(pod.getSpec().getNodeSelector()).containsEntry("disk", "ssd");
        assertThat(pod.getSpec().getTolerations()).hasSize(1);
        assertThat(pod.getSpec().getSecurityContext().getFsGroup()).isEqualTo(3000L);
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        // The secondary group is untouched by the primary group's template.
        StatefulSet secondary = ServerStatefulSetBuilder.build(ferret, ServerGroup.SECONDARY, Fixtures.v2());
        assertThat(secondary.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey("team");
    }

    @Test
    void aUserNamedSecretFeedsTheCredentials() {
        FerretDB ferret = Fixtures.seedLike();
        ferret.getSpec().setAuthSecret(new SecretReference());
        ferret.getSpec().getAuthSecret().setName("app-creds");
        Container primary = container(ServerStatefulSetBuilder.build(ferret, ServerGroup.PRIMARY, Fixtures.v2()));
        assertThat(primary.getEnv()).filteredOn(e -> e.getValueFrom() != null)
                .allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("app-creds"));
    }

    static Container container(StatefulSet statefulSet) {
        return statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static Optional<String> env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst();
    }
}
