package org.ferretdboperator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.tls.RenewalJudgement.Issue;
import org.ferretdboperator.tls.RenewalJudgement.Keep;
import org.junit.jupiter.api.Test;

class RenewalJudgementTest {

    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant EXPIRES = ISSUED.plus(Duration.ofDays(90));
    private static final Set<String> DNS = Set.of("pg-0.pg-pods", "pg");
    private static final Set<String> IPS = Set.of("127.0.0.1");

    private static Optional<CertificateFacts> cert(boolean byCurrentCa) {
        return Optional.of(new CertificateFacts(ISSUED, EXPIRES, DNS, IPS, byCurrentCa));
    }

    private static RenewalJudgement.Verdict at(Instant now, Optional<Duration> renewBefore) {
        return RenewalJudgement.judge(cert(true), DNS, IPS, renewBefore, now);
    }

    @Test
    void issuesWhenThereIsNone() {
        assertThat(RenewalJudgement.judge(Optional.empty(), DNS, IPS, Optional.empty(), ISSUED))
                .isEqualTo(new Issue("no certificate yet"));
    }

    @Test
    void keepsAValidCertificateUntilTwoThirdsOfItsLifetimeByDefault() {
        Instant renewAt = EXPIRES.minus(Duration.ofDays(30));
        assertThat(at(ISSUED.plus(Duration.ofDays(1)), Optional.empty())).isEqualTo(new Keep(renewAt));
        assertThat(at(renewAt.minusSeconds(1), Optional.empty())).isEqualTo(new Keep(renewAt));
        assertThat(at(renewAt, Optional.empty())).isInstanceOf(Issue.class)
                .extracting(v -> ((Issue) v).reason()).asString().startsWith("renewal due at 2026-03-02T00:00:00Z");
    }

    @Test
    void renewBeforeMovesTheRenewalTime() {
        Optional<Duration> week = Optional.of(Duration.ofDays(7));
        assertThat(at(EXPIRES.minus(Duration.ofDays(8)), week)).isEqualTo(new Keep(EXPIRES.minus(Duration.ofDays(7))));
        assertThat(at(EXPIRES.minus(Duration.ofDays(7)), week)).isInstanceOf(Issue.class);
    }

    @Test
    void issuesWhenExpiredOrNotYetValid() {
        assertThat(at(EXPIRES, Optional.empty())).isEqualTo(new Issue("expired at " + EXPIRES));
        assertThat(at(ISSUED.minusSeconds(1), Optional.empty())).isEqualTo(new Issue("not valid before " + ISSUED));
    }

    @Test
    void issuesWhenAnotherCaSignedIt() {
        assertThat(RenewalJudgement.judge(cert(false), DNS, IPS, Optional.empty(), ISSUED.plusSeconds(60)))
                .isEqualTo(new Issue("not signed by the current CA"));
    }

    @Test
    void issuesWhenTheWantedNamesChanged() {
        assertThat(RenewalJudgement.judge(cert(true), Set.of("pg-0.pg-pods", "pg", "pg-3.pg-pods"), IPS,
                Optional.empty(), ISSUED.plusSeconds(60)))
                .isEqualTo(new Issue("names [127.0.0.1, pg, pg-0.pg-pods] differ from [127.0.0.1, pg, pg-0.pg-pods, pg-3.pg-pods]"));
        assertThat(RenewalJudgement.judge(cert(true), DNS, Set.of(), Optional.empty(), ISSUED.plusSeconds(60)))
                .isInstanceOf(Issue.class);
    }

    @Test
    void aRenewBeforeLongerThanTheLifetimeRenewsAtOnceRatherThanNever() {
        assertThat(RenewalJudgement.renewAt(cert(true).orElseThrow(), Optional.of(Duration.ofDays(365)))).isEqualTo(ISSUED);
    }
}
