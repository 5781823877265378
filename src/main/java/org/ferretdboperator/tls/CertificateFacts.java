package org.ferretdboperator.tls;

import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the renewal judgement needs to know of a stored certificate.
 *
 * @param issuedByCurrentCa whether the CA now in the CA Secret signed it (false after the CA was replaced)
 */
public record CertificateFacts(Instant notBefore, Instant notAfter, Set<String> dnsNames, Set<String> ipAddresses,
        boolean issuedByCurrentCa) {

    public CertificateFacts {
        dnsNames = Set.copyOf(dnsNames);
        ipAddresses = Set.copyOf(ipAddresses);
    }

    public static CertificateFacts of(X509Certificate certificate, PublicKey caKey) {
        Set<String> dns = new TreeSet<>();
        Set<String> ips = new TreeSet<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    int type = (Integer) name.get(0);
                    if (type == 2) {
                        dns.add((String) name.get(1));
                    } else if (type == 7) {
                        ips.add((String) name.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subjectAltName: " + e.getMessage(), e);
        }
        return new CertificateFacts(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(),
                dns, ips, CertificateAuthority.verifies(certificate, caKey));
    }
}
