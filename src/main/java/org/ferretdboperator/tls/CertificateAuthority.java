package org.ferretdboperator.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed CA the operator keeps per database (Secret {@code <name>-ca}) and the leaf certificates it signs.
 * Keys are ECDSA P-256: quick to generate in a reconcile, and read by PostgreSQL, Go's crypto/tls and the JDK.
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey key) {

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    public static CertificateAuthority create(String commonName, String organization, Instant notBefore, Duration lifetime) {
        KeyPair pair = newKeyPair();
        X500Name subject = name(commonName, organization, null);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(notBefore), Date.from(notBefore.plus(lifetime)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create a CA certificate", e);
        }
    }

    /** The CA stored as PEM (certificate, key); IllegalArgumentException naming what is unreadable. */
    public static CertificateAuthority fromPem(String certificatePem, String keyPem) {
        return new CertificateAuthority(Pem.readCertificate(certificatePem), Pem.readPrivateKey(keyPem));
    }

    /** A leaf certificate with a new key, signed by this CA. */
    public IssuedCertificate issue(CertificateRequest request) {
        KeyPair pair = newKeyPair();
        List<GeneralName> names = new ArrayList<>();
        request.dnsNames().forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        for (String ip : request.ipAddresses()) {
            names.add(new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(literalAddress(ip))));
        }
        boolean server = request.usage() == CertificateRequest.Usage.SERVER;
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(request.notBefore()), Date.from(request.notBefore().plus(request.lifetime())),
                    name(request.commonName(), request.organization(), request.organizationalUnit()), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new IssuedCertificate(sign(builder, key), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + request.commonName(), e);
        }
    }

    /** Whether {@code leaf} carries this CA's signature. */
    public boolean signed(X509Certificate leaf) {
        return verifies(leaf, certificate.getPublicKey());
    }

    static boolean verifies(X509Certificate leaf, PublicKey issuerKey) {
        try {
            leaf.verify(issuerKey);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    public String keyPem() {
        return Pem.privateKey(key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generator", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X500Name name(String commonName, String organization, String organizationalUnit) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        if (organization != null) {
            builder.addRDN(BCStyle.O, organization);
        }
        if (organizationalUnit != null) {
            builder.addRDN(BCStyle.OU, organizationalUnit);
        }
        builder.addRDN(BCStyle.CN, commonName);
        return builder.build();
    }

    /** The bytes of an IP literal; a host name is refused rather than resolved. */
    private static byte[] literalAddress(String ip) {
        if (!ip.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("not an IP address: " + ip);
        }
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + ip, e);
        }
    }
}
