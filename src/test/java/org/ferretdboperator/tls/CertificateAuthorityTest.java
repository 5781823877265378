package org.ferretdboperator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final CertificateAuthority CA = CertificateAuthority.create("demo-ca", "kubedb", NOW, Duration.ofDays(3650));

    private static IssuedCertificate server(List<String> dns, List<String> ips) {
        return CA.issue(new CertificateRequest("pg", "kubedb", "server", dns, ips, NOW, Duration.ofDays(90),
                CertificateRequest.Usage.SERVER));
    }

    @Test
    void theCaIsACaThatMaySignOnlyCertificates() {
        X509Certificate ca = CA.certificate();
        assertThat(ca.getBasicConstraints()).isEqualTo(0);
        assertThat(ca.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
        assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
    }

    @Test
    void aServerCertificateNamesItsHostsAndIsForServerAuthenticationOnly() throws Exception {
        X509Certificate cert = server(List.of("pg-0.pg-pods.demo.svc", "pg"), List.of("127.0.0.1")).certificate();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        // digitalSignature, keyEncipherment
        assertThat(cert.getKeyUsage()).startsWith(true, false, true, false, false, false);
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=pg,OU=server,O=kubedb");
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
        CertificateFacts facts = CertificateFacts.of(cert, CA.certificate().getPublicKey());
        assertThat(facts.dnsNames()).containsExactlyInAnyOrder("pg-0.pg-pods.demo.svc", "pg");
        assertThat(facts.ipAddresses()).containsExactly("127.0.0.1");
        assertThat(facts.issuedByCurrentCa()).isTrue();
        assertThat(CA.signed(cert)).isTrue();
        CertificateAuthority other = CertificateAuthority.create("other", null, NOW, Duration.ofDays(1));
        assertThat(CertificateFacts.of(cert, other.certificate().getPublicKey()).issuedByCurrentCa()).isFalse();
    }

    @Test
    void aClientCertificateIsForClientAuthentication() throws Exception {
        X509Certificate cert = CA.issue(new CertificateRequest("postgres", "kubedb", "client", List.of(), List.of(),
                NOW, Duration.ofDays(1), CertificateRequest.Usage.CLIENT)).certificate();
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getSubjectAlternativeNames()).isNull();
    }

    @Test
    void pemRoundTripsKeepTheCaUsable() {
        CertificateAuthority reread = CertificateAuthority.fromPem(CA.certificatePem(), CA.keyPem());
        assertThat(reread.certificate()).isEqualTo(CA.certificate());
        assertThat(CA.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(CA.signed(reread.issue(new CertificateRequest("x", null, null, List.of("x"), List.of(), NOW,
                Duration.ofHours(1), CertificateRequest.Usage.SERVER)).certificate())).isTrue();
        assertThatThrownBy(() -> Pem.readPrivateKey(CA.certificatePem())).hasMessage("no PEM private key");
    }

    @Test
    void anIpAddressMustBeALiteral() {
        assertThatThrownBy(() -> server(List.of(), List.of("example.org"))).hasMessage("not an IP address: example.org");
    }

    /** A real JDK TLS handshake that checks the host name against the SANs, as a verify-full client does. */
    @Test
    void aClientThatVerifiesTheHostNameAcceptsANamedHostAndRefusesAnother() throws Exception {
        IssuedCertificate leaf = server(List.of("localhost"), List.of("127.0.0.1"));
        assertThat(handshake(leaf, "localhost")).isEmpty();
        assertThat(handshake(leaf, "127.0.0.1")).isEmpty();
        IssuedCertificate otherHost = server(List.of("pg-1.pg-pods"), List.of());
        assertThat(handshake(otherHost, "localhost")).get().isInstanceOf(SSLHandshakeException.class);
    }

    private static Optional<Exception> handshake(IssuedCertificate leaf, String host) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("leaf", leaf.key(), new char[0], new X509Certificate[] { leaf.certificate(), CA.certificate() });
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CA.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(42);
                } catch (Exception ignored) {
                    // the client's refusal ends the handshake on this side too
                }
            });
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket(host, listener.getLocalPort())) {
                SSLParameters parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(parameters);
                InputStream in = client.getInputStream();
                assertThat(in.read()).isEqualTo(42);
                return Optional.empty();
            } catch (SSLHandshakeException e) {
                return Optional.of(e);
            } finally {
                served.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void factsReadBackTheNamesTheJudgementCompares() {
        X509Certificate cert = server(List.of("a", "b"), List.of()).certificate();
        assertThat(RenewalJudgement.judge(Optional.of(CertificateFacts.of(cert, CA.certificate().getPublicKey())),
                Set.of("a", "b"), Set.of(), Optional.empty(), NOW.plusSeconds(1))).isInstanceOf(RenewalJudgement.Keep.class);
    }
}
