package org.ferretdboperator.tls;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.api.common.CertificateSpec;
import org.ferretdboperator.api.common.TlsSpec;
import org.ferretdboperator.contract.PostgresTls;
import org.ferretdboperator.status.Problem;

/**
 * The certificates the operator keeps itself when {@code spec.tls} has no issuerRef: a CA per database (Secret
 * {@code <name>-ca}, kept as long as it exists) and a server certificate (Secret {@code <name>-server-cert}, KubeDB's
 * name) signed by it, re-issued when {@link RenewalJudgement} says so. Both Secrets use cert-manager's keys
 * ({@code ca.crt}, {@code tls.crt}, {@code tls.key}), so a pod mounts either kind the same way.
 */
public final class ManagedCertificates {

    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);
    public static final Duration CA_LIFETIME = Duration.ofDays(3650);
    /** KubeDB's default subject organisation. */
    public static final String ORGANIZATION = "kubedb";
    public static final String SERVER_ALIAS = "server";
    /** Certificates start this long before their issue time, so a node whose clock lags a little accepts them. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private ManagedCertificates() {
    }

    /** What a server Secret must hold now, and why. */
    public record Outcome(Map<String, String> data, RenewalJudgement.Verdict verdict) {
    }

    /** Secret data (base64) of a new CA for {@code name}. */
    public static Map<String, String> newCaData(String name, Instant now) {
        CertificateAuthority ca = CertificateAuthority.create(name + "-ca", ORGANIZATION, now.minus(BACKDATE), CA_LIFETIME);
        return encode(Map.of(PostgresTls.CA_FILE, ca.certificatePem(), PostgresTls.CERT_FILE, ca.certificatePem(),
                PostgresTls.KEY_FILE, ca.keyPem()));
    }

    /** The CA in a CA Secret; IllegalArgumentException naming the Secret when it is not one. */
    public static CertificateAuthority readCa(Secret secret) {
        try {
            return CertificateAuthority.fromPem(decoded(secret, PostgresTls.CERT_FILE), decoded(secret, PostgresTls.KEY_FILE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Secret " + secret.getMetadata().getName() + " holds no usable CA: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The server Secret's data: {@code existing}'s unchanged while the judgement keeps it, else a new key and
     * certificate for {@code dnsNames} signed by {@code ca}.
     */
    public static Outcome serverData(Optional<Secret> existing, CertificateAuthority ca, String commonName,
            List<String> dnsNames, Lifetimes lifetimes, Instant now) {
        Optional<CertificateFacts> facts = existing.flatMap(secret -> {
            try {
                return Optional.of(CertificateFacts.of(Pem.readCertificate(decoded(secret, PostgresTls.CERT_FILE)),
                        ca.certificate().getPublicKey()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
        RenewalJudgement.Verdict verdict = RenewalJudgement.judge(facts, new LinkedHashSet<>(dnsNames), Set.of(),
                lifetimes.renewBefore(), now);
        if (verdict instanceof RenewalJudgement.Keep) {
            return new Outcome(existing.orElseThrow().getData(), verdict);
        }
        IssuedCertificate issued = ca.issue(new CertificateRequest(commonName, ORGANIZATION, SERVER_ALIAS, dnsNames,
                List.of(), now.minus(BACKDATE), lifetimes.lifetime().plus(BACKDATE), CertificateRequest.Usage.SERVER));
        return new Outcome(encode(Map.of(PostgresTls.CA_FILE, ca.certificatePem(), PostgresTls.CERT_FILE,
                issued.certificatePem(), PostgresTls.KEY_FILE, issued.keyPem())), verdict);
    }

    /** A certificate's lifetime and how long before expiry it is renewed (empty: a third of the lifetime). */
    public record Lifetimes(Duration lifetime, Optional<Duration> renewBefore) {
    }

    /** The server certificate's lifetimes from {@code spec.tls.certificates[alias=server]}, defaults otherwise. */
    public static Lifetimes serverLifetimes(TlsSpec tls) {
        Optional<CertificateSpec> server = server(tls);
        Duration lifetime = server.map(CertificateSpec::getDuration).map(ManagedCertificates::goDuration)
                .orElse(DEFAULT_LIFETIME);
        return new Lifetimes(lifetime, server.map(CertificateSpec::getRenewBefore).map(ManagedCertificates::goDuration));
    }

    /** The server certificate's extra DNS names ({@code dnsNames} of alias server). */
    public static List<String> extraDnsNames(TlsSpec tls) {
        return server(tls).map(CertificateSpec::getDnsNames).orElse(List.of());
    }

    /**
     * What this slice cannot do or what would make the renewal loop: issuerRef (cert-manager), IP addresses, durations
     * that do not parse, renewBefore not shorter than duration. Each message starts with the field.
     */
    public static List<Problem> problems(TlsSpec tls, String field) {
        List<Problem> problems = new ArrayList<>();
        if (tls == null) {
            return problems;
        }
        if (tls.getIssuerRef() != null) {
            problems.add(new Problem(Problem.UNSUPPORTED, field + ".issuerRef", field + ".issuerRef: cert-manager issuers "
                    + "are not implemented yet; leave issuerRef out and the operator issues and renews the certificates itself"));
        }
        List<CertificateSpec> certificates = tls.getCertificates() == null ? List.of() : tls.getCertificates();
        for (int i = 0; i < certificates.size(); i++) {
            CertificateSpec c = certificates.get(i);
            String at = field + ".certificates[" + i + "]";
            if (c.getIpAddresses() != null && !c.getIpAddresses().isEmpty()) {
                problems.add(new Problem(Problem.UNSUPPORTED, at + ".ipAddresses", at + ".ipAddresses: not supported "
                        + "for operator-issued certificates; clients reach the database by its Service and pod DNS names"));
            }
            Optional<Duration> duration = parse(c.getDuration(), at + ".duration", problems);
            Optional<Duration> renewBefore = parse(c.getRenewBefore(), at + ".renewBefore", problems);
            Duration lifetime = duration.orElse(DEFAULT_LIFETIME);
            if (renewBefore.isPresent() && renewBefore.get().compareTo(lifetime) >= 0) {
                problems.add(Problem.invalidSpec(at + ".renewBefore", "must be shorter than duration (" + lifetime + ")"));
            }
            if (duration.isPresent() && duration.get().compareTo(Duration.ofHours(1)) < 0) {
                problems.add(Problem.invalidSpec(at + ".duration", "must be at least 1h"));
            }
        }
        return problems;
    }

    private static Optional<Duration> parse(String value, String field, List<Problem> problems) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(goDuration(value));
        } catch (IllegalArgumentException e) {
            problems.add(Problem.invalidSpec(field, "\"" + value + "\" is not a duration such as 2160h or 720h30m"));
            return Optional.empty();
        }
    }

    static Duration goDuration(String value) {
        try {
            return io.fabric8.kubernetes.api.model.Duration.parse(value).getDuration();
        } catch (java.text.ParseException | RuntimeException e) {
            throw new IllegalArgumentException("not a duration: " + value, e);
        }
    }

    private static Optional<CertificateSpec> server(TlsSpec tls) {
        if (tls == null || tls.getCertificates() == null) {
            return Optional.empty();
        }
        return tls.getCertificates().stream().filter(c -> SERVER_ALIAS.equals(c.getAlias())).findFirst();
    }

    private static String decoded(Secret secret, String key) {
        String value = secret.getData() == null ? null : secret.getData().get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key);
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }

    private static Map<String, String> encode(Map<String, String> plain) {
        Map<String, String> out = new java.util.TreeMap<>();
        plain.forEach((k, v) -> out.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return out;
    }
}
