package org.ferretdboperator.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a leaf certificate must say.
 *
 * @param commonName         subject CN (clients check the SANs, not this)
 * @param organization       subject O (KubeDB's default: {@code kubedb})
 * @param organizationalUnit subject OU (KubeDB's default: the certificate's alias, e.g. {@code server})
 * @param dnsNames           subjectAltName DNS entries
 * @param ipAddresses        subjectAltName IP entries (literal addresses)
 * @param notBefore          start of validity
 * @param lifetime           validity from notBefore
 * @param usage              server or client authentication
 */
public record CertificateRequest(String commonName, String organization, String organizationalUnit,
        List<String> dnsNames, List<String> ipAddresses, Instant notBefore, Duration lifetime, Usage usage) {

    public enum Usage { SERVER, CLIENT }

    public CertificateRequest {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a certificate's lifetime must be positive, not " + lifetime);
        }
    }
}
