package org.ferretdboperator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.TypedLocalObjectReference;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.common.CertificateSpec;
import org.ferretdboperator.api.common.TlsSpec;
import org.ferretdboperator.contract.PostgresTls;
import org.ferretdboperator.status.Problem;
import org.junit.jupiter.api.Test;

class ManagedCertificatesTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final List<String> NAMES = List.of("pg", "pg.demo.svc", "pg-0.pg-pods.demo.svc");
    private static final ManagedCertificates.Lifetimes DEFAULTS = ManagedCertificates.serverLifetimes(new TlsSpec());

    private static Secret secret(String name, Map<String, String> data) {
        return new SecretBuilder().withNewMetadata().withName(name).endMetadata().withData(data).build();
    }

    private static CertificateAuthority ca() {
        return ManagedCertificates.readCa(secret("pg-ca", ManagedCertificates.newCaData("pg", NOW)));
    }

    private static java.security.cert.X509Certificate cert(Map<String, String> data) {
        return Pem.readCertificate(new String(Base64.getDecoder().decode(data.get(PostgresTls.CERT_FILE))));
    }

    @Test
    void aNewServerCertificateIsSignedByTheCaForTheNamesAndCarriesTheCa() {
        CertificateAuthority ca = ca();
        ManagedCertificates.Outcome o = ManagedCertificates.serverData(Optional.empty(), ca, "pg", NAMES, DEFAULTS, NOW);
        assertThat(o.verdict()).isEqualTo(new RenewalJudgement.Issue("no certificate yet"));
        assertThat(o.data()).containsOnlyKeys(PostgresTls.CA_FILE, PostgresTls.CERT_FILE, PostgresTls.KEY_FILE);
        assertThat(Pem.readCertificate(new String(Base64.getDecoder().decode(o.data().get(PostgresTls.CA_FILE)))))
                .isEqualTo(ca.certificate());
        CertificateFacts facts = CertificateFacts.of(cert(o.data()), ca.certificate().getPublicKey());
        assertThat(facts.dnsNames()).containsExactlyInAnyOrderElementsOf(NAMES);
        assertThat(facts.issuedByCurrentCa()).isTrue();
        assertThat(Duration.between(facts.notBefore(), facts.notAfter())).isGreaterThanOrEqualTo(Duration.ofDays(90));
    }

    @Test
    void aValidCertificateIsKeptByteForByteAndRenewedOnceDue() {
        CertificateAuthority ca = ca();
        Map<String, String> first = ManagedCertificates.serverData(Optional.empty(), ca, "pg", NAMES, DEFAULTS, NOW).data();
        Optional<Secret> stored = Optional.of(secret("pg-server-cert", first));
        ManagedCertificates.Outcome later = ManagedCertificates.serverData(stored, ca, "pg", NAMES, DEFAULTS,
                NOW.plus(Duration.ofDays(50)));
        assertThat(later.verdict()).isInstanceOf(RenewalJudgement.Keep.class);
        assertThat(later.data()).isEqualTo(first);
        ManagedCertificates.Outcome due = ManagedCertificates.serverData(stored, ca, "pg", NAMES, DEFAULTS,
                NOW.plus(Duration.ofDays(61)));
        assertThat(due.verdict()).isInstanceOf(RenewalJudgement.Issue.class);
        assertThat(cert(due.data()).getNotAfter().toInstant()).isAfter(NOW.plus(Duration.ofDays(150)));
    }

    @Test
    void aReplacedCaOrNewNamesMeanANewCertificate() {
        Map<String, String> first = ManagedCertificates.serverData(Optional.empty(), ca(), "pg", NAMES, DEFAULTS, NOW).data();
        Optional<Secret> stored = Optional.of(secret("pg-server-cert", first));
        assertThat(ManagedCertificates.serverData(stored, ca(), "pg", NAMES, DEFAULTS, NOW).verdict())
                .isEqualTo(new RenewalJudgement.Issue("not signed by the current CA"));
    }

    @Test
    void specDurationsAreGoDurations() {
        TlsSpec tls = tls(null, "720h", "240h");
        assertThat(ManagedCertificates.serverLifetimes(tls))
                .isEqualTo(new ManagedCertificates.Lifetimes(Duration.ofDays(30), Optional.of(Duration.ofDays(10))));
        assertThat(ManagedCertificates.problems(tls, "spec.tls")).isEmpty();
    }

    @Test
    void whatWouldLoopOrIsNotBuiltIsRefusedNamingTheField() {
        TypedLocalObjectReference issuer = new TypedLocalObjectReference("cert-manager.io", "Issuer", "ca-issuer");
        assertThat(ManagedCertificates.problems(tls(issuer, null, null), "spec.tls")).extracting(Problem::field, Problem::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.tls.issuerRef", Problem.UNSUPPORTED));
        assertThat(ManagedCertificates.problems(tls(null, "24h", "24h"), "spec.tls")).extracting(Problem::message)
                .containsExactly("spec.tls.certificates[0].renewBefore: must be shorter than duration (PT24H)");
        assertThat(ManagedCertificates.problems(tls(null, "soon", null), "spec.tls")).extracting(Problem::field)
                .containsExactly("spec.tls.certificates[0].duration");
    }

    private static TlsSpec tls(TypedLocalObjectReference issuer, String duration, String renewBefore) {
        TlsSpec tls = new TlsSpec();
        tls.setIssuerRef(issuer);
        CertificateSpec server = new CertificateSpec();
        server.setAlias("server");
        server.setDuration(duration);
        server.setRenewBefore(renewBefore);
        tls.setCertificates(List.of(server));
        return tls;
    }
}
