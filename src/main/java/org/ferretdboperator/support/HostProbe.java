package org.ferretdboperator.support;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Whether a host answers at all: a TCP connect that completes or is refused means its kernel answered; one that
 * times out or finds no route means packets to it vanish. That is what matters for connections already open to it:
 * a host that answers resets them, one that does not leaves them waiting for TCP to give up (about 15 minutes).
 */
@FunctionalInterface
public interface HostProbe {

    enum Answer {
        ANSWERED, NO_ANSWER
    }

    Answer probe(String host, int port, Duration timeout);

    /** The real probe: one TCP connect. */
    HostProbe TCP = (host, port, timeout) -> {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return Answer.ANSWERED;
        } catch (NoRouteToHostException | SocketTimeoutException e) {
            return Answer.NO_ANSWER;
        } catch (ConnectException e) {
            // "Connection refused" is an answer (a reset); "No route to host" or "Host is unreachable" is not
            String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            return message.contains("refused") ? Answer.ANSWERED : Answer.NO_ANSWER;
        } catch (IOException e) {
            return Answer.NO_ANSWER;
        }
    };
}
