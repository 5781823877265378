package org.ferretdboperator.coordinator.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;
import org.ferretdboperator.coordinator.decision.ApiOutageFailsafe.RenewFailures;
import org.junit.jupiter.api.Test;

/** Which failed Lease writes the API-outage failsafe may serve through: every branch of {@link RenewFailure#of}. */
class RenewFailureTest {

    private static KubernetesClientException status(int code) {
        return new KubernetesClientException("HTTP " + code, code, null);
    }

    @Test
    void aLostCompareAndSwapIsARefusal() {
        assertThat(RenewFailure.of(new LeaseConflictException("changed"))).isEqualTo(RenewFailures.REFUSED);
        assertThat(RenewFailure.of(status(409))).isEqualTo(RenewFailures.REFUSED);
    }

    @Test
    void anyOtherClientErrorStatusIsARefusal() {
        assertThat(RenewFailure.of(status(403))).isEqualTo(RenewFailures.REFUSED);
        assertThat(RenewFailure.of(status(404))).isEqualTo(RenewFailures.REFUSED);
        assertThat(RenewFailure.of(status(422))).isEqualTo(RenewFailures.REFUSED);
    }

    @Test
    void serverErrorsAndThrottlingAreUnanswered() {
        assertThat(RenewFailure.of(status(500))).isEqualTo(RenewFailures.UNANSWERED);
        assertThat(RenewFailure.of(status(503))).isEqualTo(RenewFailures.UNANSWERED);
        assertThat(RenewFailure.of(status(504))).isEqualTo(RenewFailures.UNANSWERED);
        assertThat(RenewFailure.of(status(429))).isEqualTo(RenewFailures.UNANSWERED);
    }

    @Test
    void noHttpAnswerIsUnanswered() {
        assertThat(RenewFailure.of(new KubernetesClientException("refused", new ConnectException("Connection refused"))))
                .isEqualTo(RenewFailures.UNANSWERED);
        assertThat(RenewFailure.of(new KubernetesClientException("timed out", new TimeoutException())))
                .isEqualTo(RenewFailures.UNANSWERED);
        assertThat(RenewFailure.of(new KubernetesClientException("no status"))).isEqualTo(RenewFailures.UNANSWERED);
        assertThat(RenewFailure.of(new RuntimeException(new SocketTimeoutException("read timed out"))))
                .isEqualTo(RenewFailures.UNANSWERED);
    }

    @Test
    void aFailureNotKnownToBeAnOutageIsARefusal() {
        assertThat(RenewFailure.of(new IllegalStateException("bug"))).isEqualTo(RenewFailures.REFUSED);
    }
}
