package org.ferretdboperator.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a stored certificate can stay or a new one must be issued: a pure function of the certificate, what it
 * should say, and the time. A certificate is renewed {@code renewBefore} ahead of its expiry (default: a third of its
 * lifetime, as cert-manager does), when it names other hosts than wanted, or when the current CA did not sign it.
 */
public final class RenewalJudgement {

    private RenewalJudgement() {
    }

    public sealed interface Verdict {
    }

    /** Keep the certificate; look again by {@code renewAt}. */
    public record Keep(Instant renewAt) implements Verdict {
    }

    /** Issue a new certificate, for {@code reason}. */
    public record Issue(String reason) implements Verdict {
    }

    public static Verdict judge(Optional<CertificateFacts> current, Set<String> wantedDnsNames,
            Set<String> wantedIpAddresses, Optional<Duration> renewBefore, Instant now) {
        if (current.isEmpty()) {
            return new Issue("no certificate yet");
        }
        CertificateFacts c = current.get();
        if (!c.issuedByCurrentCa()) {
            return new Issue("not signed by the current CA");
        }
        if (!c.dnsNames().equals(wantedDnsNames) || !c.ipAddresses().equals(wantedIpAddresses)) {
            Set<String> have = new TreeSet<>(c.dnsNames());
            have.addAll(c.ipAddresses());
            Set<String> want = new TreeSet<>(wantedDnsNames);
            want.addAll(wantedIpAddresses);
            return new Issue("names " + have + " differ from " + want);
        }
        if (!now.isBefore(c.notAfter())) {
            return new Issue("expired at " + c.notAfter());
        }
        if (now.isBefore(c.notBefore())) {
            return new Issue("not valid before " + c.notBefore());
        }
        Instant renewAt = renewAt(c, renewBefore);
        if (!now.isBefore(renewAt)) {
            return new Issue("renewal due at " + renewAt + " (expires " + c.notAfter() + ")");
        }
        return new Keep(renewAt);
    }

    /**
     * notAfter minus renewBefore (a third of the lifetime when unset), never before notBefore. A renewBefore as long
     * as the lifetime would renew on every look; the spec checks refuse it (renewBefore must be shorter than duration).
     */
    static Instant renewAt(CertificateFacts c, Optional<Duration> renewBefore) {
        Duration lifetime = Duration.between(c.notBefore(), c.notAfter());
        Duration ahead = renewBefore.orElse(lifetime.dividedBy(3));
        Instant at = c.notAfter().minus(ahead);
        return at.isBefore(c.notBefore()) ? c.notBefore() : at;
    }
}
