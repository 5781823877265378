package org.ferretdboperator.ferretdb;

import org.ferretdboperator.status.Problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.catalog.FerretDBVersion;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.common.PodTemplate;
import org.ferretdboperator.api.common.PodTemplateOverrides;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.common.ServiceAlias;
import org.ferretdboperator.api.common.SslMode;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.junit.jupiter.api.Test;

class FerretDBPrerequisitesTest {

    @Test
    void aUsableVersionAndNoNamedSecretIsSatisfied() {
        FerretDBPrerequisites.Result result = check(Fixtures.seedLike(), entry(Fixtures.v2()), Map.of(), false);
        assertThat(result.problems()).isEmpty();
        assertThat(result.version()).hasValueSatisfying(v -> assertThat(v.getDb().getImage())
                .isEqualTo("ghcr.io/ferretdb/ferretdb:2.0.0"));
    }

    @Test
    void unknownVersion() {
        FerretDB ferret = Fixtures.seedLike();
        ferret.getSpec().setVersion("9.9.9");
        assertThat(check(ferret, Optional.empty(), Map.of(), false).problems()).singleElement().isEqualTo(
                new Problem("InvalidVersion", "spec.version", "spec.version: FerretDBVersion \"9.9.9\" does not exist; "
                        + "kubectl get ferretdbversions lists the available versions"));
    }

    @Test
    void invalidCatalogEntryIsReportedWithItsOwnField() {
        FerretDBVersionSpec plain = Fixtures.v2();
        plain.getPostgres().setDistribution(null);
        assertThat(check(Fixtures.seedLike(), entry(plain), Map.of(), false).problems()).singleElement()
                .satisfies(p -> {
                    assertThat(p.reason()).isEqualTo("InvalidVersion");
                    assertThat(p.message()).startsWith("spec.version: FerretDBVersion \"2.0.0\" is not usable: ")
                            .contains("spec.postgres.distribution must be DocumentDB");
                });
    }

    @Test
    void deprecatedVersionRefusesNewObjectsButKeepsRunningOnes() {
        FerretDBVersionSpec deprecated = Fixtures.v2();
        deprecated.setDeprecated(true);
        assertThat(check(Fixtures.seedLike(), entry(deprecated), Map.of(), false).problems()).singleElement()
                .extracting(Problem::reason).isEqualTo("DeprecatedVersion");
        assertThat(check(Fixtures.seedLike(), entry(deprecated), Map.of(), true).problems()).isEmpty();
    }

    @Test
    void namedSecretMustExistWithUsernameAndPassword() {
        FerretDB ferret = withSecret("creds");
        assertThat(check(ferret, entry(Fixtures.v2()), Map.of(), false).problems()).singleElement()
                .isEqualTo(new Problem("AuthSecretNotFound", "spec.authSecret.name",
                        "spec.authSecret.name: Secret \"creds\" not found in namespace \"demo\""));
        assertThat(check(ferret, entry(Fixtures.v2()), Map.of("creds", secret(Map.of("username", "app"))), false)
                .problems()).singleElement().isEqualTo(
                        new Problem("AuthSecretInvalid", "spec.authSecret.name", "spec.authSecret.name: Secret \"creds\" has no \"password\" key"));
        assertThat(check(ferret, entry(Fixtures.v2()),
                Map.of("creds", secret(Map.of("username", "app", "password", "s3cret"))), false).problems()).isEmpty();
    }

    @Test
    void namedSecretMustNotBeTheSuperuserNorAnInvalidRoleName() {
        FerretDB ferret = withSecret("creds");
        assertThat(check(ferret, entry(Fixtures.v2()),
                Map.of("creds", secret(Map.of("username", "postgres", "password", "x"))), false).problems())
                .singleElement().extracting(Problem::message).asString().contains("backend superuser \"postgres\"");
        assertThat(check(ferret, entry(Fixtures.v2()),
                Map.of("creds", secret(Map.of("username", "Robert'); DROP", "password", "x"))), false).problems())
                .singleElement().extracting(Problem::message).asString().contains("not a PostgreSQL role name");
    }

    @Test
    void secretValuesNeverAppearInMessages() {
        FerretDB ferret = withSecret("creds");
        List<Problem> problems = check(ferret, entry(Fixtures.v2()),
                Map.of("creds", secret(Map.of("username", "postgres", "password", "hunter2-very-secret"))), false)
                .problems();
        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p.message()).doesNotContain("hunter2"));
    }

    @Test
    void specRulesTheSchemaCannotExpress() {
        FerretDB ferret = Fixtures.seedLike();
        ferret.getSpec().setAuthSecret(new SecretReference());
        ferret.getSpec().getAuthSecret().setExternallyManaged(true);
        ferret.getSpec().setSslMode(SslMode.REQUIRE_SSL);
        PodTemplate template = new PodTemplate();
        template.setSpec(new PodTemplateOverrides());
        template.getSpec().setEnv(List.of(
                new EnvVarBuilder().withName("PGPASSWORD").withValue("x").build(),
                new EnvVarBuilder().withName("FERRETDB_LOG_LEVEL").withValue("debug").build()));
        ferret.getSpec().getServer().getSecondary().setPodTemplate(template);
        ServerServiceBuilderTest.template(ferret, ServiceAlias.STATS, "ClusterIP", "Local", List.of("1.2.3.4/32"));

        assertThat(FerretDBSpecChecks.problems(ferret)).extracting(Problem::message).containsExactly(
                "spec.authSecret.name is required when spec.authSecret.externallyManaged is true",
                "spec.tls: is required when spec.sslMode is requireSSL",
                "spec.server.secondary.podTemplate.spec.env: PGPASSWORD is set by the operator and cannot be overridden",
                "spec.serviceTemplates[0].alias: a FerretDB has no stats Service; use primary or secondary",
                "spec.serviceTemplates[0].spec.externalTrafficPolicy needs spec.type NodePort or LoadBalancer",
                "spec.serviceTemplates[0].spec.loadBalancerSourceRanges needs spec.type LoadBalancer");
    }

    @Test
    void requireSslIsServedWithOperatorCertificatesAndCertManagerIsRefusedNamingTheField() {
        FerretDB ferret = Fixtures.seedLike();
        ferret.getSpec().setSslMode(SslMode.REQUIRE_SSL);
        ferret.getSpec().setTls(new org.ferretdboperator.api.common.TlsSpec());
        assertThat(FerretDBSpecChecks.problems(ferret)).isEmpty();
        ferret.getSpec().getTls().setIssuerRef(new io.fabric8.kubernetes.api.model.TypedLocalObjectReference(
                "cert-manager.io", "ClusterIssuer", "ca"));
        assertThat(FerretDBSpecChecks.problems(ferret)).extracting(Problem::field, Problem::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.tls.issuerRef", Problem.UNSUPPORTED));
        ferret.getSpec().setSslMode(SslMode.PREFER_SSL);
        ferret.getSpec().getTls().setIssuerRef(null);
        assertThat(FerretDBSpecChecks.problems(ferret)).extracting(Problem::field).containsExactly("spec.sslMode");
    }

    @Test
    void primaryServersCannotBeZero() {
        FerretDB ferret = Fixtures.seedLike();
        ferret.getSpec().getServer().getPrimary().setReplicas(0);
        assertThat(FerretDBSpecChecks.problems(ferret)).extracting(Problem::message).containsExactly(
                "spec.server.primary.replicas must be at least 1; set spec.halted to stop the servers");
        ferret.getSpec().getServer().getPrimary().setReplicas(1);
        ferret.getSpec().getServer().getSecondary().setReplicas(0);
        assertThat(FerretDBSpecChecks.problems(ferret)).as("no secondary servers is fine").isEmpty();
    }

    private static FerretDB withSecret(String name) {
        FerretDB ferret = Fixtures.seedLike();
        ferret.getSpec().setAuthSecret(new SecretReference());
        ferret.getSpec().getAuthSecret().setName(name);
        return ferret;
    }

    private static Secret secret(Map<String, String> values) {
        return new SecretBuilder().withMetadata(new ObjectMetaBuilder().withName("creds").build())
                .withStringData(values).build();
    }

    private static Optional<FerretDBVersion> entry(FerretDBVersionSpec spec) {
        FerretDBVersion version = new FerretDBVersion();
        version.setMetadata(new ObjectMetaBuilder().withName(spec.getVersion()).build());
        version.setSpec(spec);
        return Optional.of(version);
    }

    private static FerretDBPrerequisites.Result check(FerretDB ferret, Optional<FerretDBVersion> version,
            Map<String, Secret> secrets, boolean provisioned) {
        return FerretDBPrerequisites.check(ferret, version, name -> Optional.ofNullable(secrets.get(name)), provisioned);
    }
}
