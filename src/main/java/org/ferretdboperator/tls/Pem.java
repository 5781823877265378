package org.ferretdboperator.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM as PostgreSQL, FerretDB (Go) and Java read it: certificates, and keys as unencrypted PKCS#8. */
public final class Pem {

    private Pem() {
    }

    public static String certificate(X509Certificate certificate) {
        return write(certificate);
    }

    public static String privateKey(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode the private key", e);
        }
    }

    /** The first certificate in {@code pem}; throws IllegalArgumentException when there is none. */
    public static X509Certificate readCertificate(String pem) {
        Object object = read(pem);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new IllegalArgumentException("no PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
        }
    }

    /** The private key in {@code pem} (PKCS#8, or a PKCS#1/SEC1 key pair); IllegalArgumentException when there is none. */
    public static PrivateKey readPrivateKey(String pem) {
        Object object = read(pem);
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no PEM private key");
    }

    private static Object read(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem == null ? "" : pem))) {
            return parser.readObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable PEM: " + e.getMessage(), e);
        }
    }

    private static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
