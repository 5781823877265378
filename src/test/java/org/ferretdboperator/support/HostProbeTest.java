package org.ferretdboperator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TCP probe against real sockets of this machine's kernel. */
class HostProbeTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void aListeningPortAnswers() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(HostProbe.TCP.probe("127.0.0.1", server.getLocalPort(), TIMEOUT)).isEqualTo(HostProbe.Answer.ANSWERED);
        }
    }

    @Test
    void aRefusedConnectionIsAnAnswer() throws IOException {
        int closed;
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closed = server.getLocalPort();
        }
        assertThat(HostProbe.TCP.probe("127.0.0.1", closed, TIMEOUT)).isEqualTo(HostProbe.Answer.ANSWERED);
    }

    /** A listener whose accept queue is full drops further SYNs without a reset, as a lost host does. */
    @Test
    void aHostThatDropsTheHandshakeDoesNotAnswer() throws IOException {
        List<Socket> filling = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            try {
                HostProbe.Answer answer = HostProbe.Answer.ANSWERED;
                // never accepted: each completed handshake stays queued until the queue is full and SYNs are dropped
                for (int i = 0; i < 16 && answer == HostProbe.Answer.ANSWERED; i++) {
                    Socket s = new Socket();
                    filling.add(s);
                    try {
                        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
                    } catch (IOException e) {
                        answer = HostProbe.TCP.probe("127.0.0.1", port, TIMEOUT);
                    }
                }
                assertThat(answer).as("a probe once the accept queue dropped a handshake").isEqualTo(HostProbe.Answer.NO_ANSWER);
            } finally {
                for (Socket s : filling) {
                    s.close();
                }
            }
        }
    }
}
