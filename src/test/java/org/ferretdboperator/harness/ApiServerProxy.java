package org.ferretdboperator.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One member's own path to the kube-apiserver: a loopback TCP proxy (TLS passes through untouched; the server
 * certificate names 127.0.0.1). {@link #cut} takes the member off the API server the way a network partition does,
 * {@link #restore} reconnects it on the same port.
 */
final class ApiServerProxy implements AutoCloseable {

    /** How a cut looks to the member. */
    enum Cut {
        /** Packets vanish: open connections and new ones hang until the client's own timeouts fire. */
        BLACKHOLE,
        /** Connections are reset and new ones refused at once. */
        REFUSE,
        /**
         * Requests still reach the API server on open connections, its answers vanish: a write is applied and the
         * client never hears so (its own timeout fires).
         */
        ANSWERS_LOST
    }

    private final String name;
    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile Cut cut;

    ApiServerProxy(String name, int targetPort) throws IOException {
        this.name = name;
        this.targetPort = targetPort;
        ServerSocket first = bind(0);
        this.port = first.getLocalPort();
        listen(first);
    }

    int port() {
        return port;
    }

    boolean isCut() {
        return cut != null;
    }

    /** Cuts the member off: every open connection and every new one fails as {@code how} says. */
    synchronized void cut(Cut how) throws IOException {
        cut = how;
        if (how == Cut.REFUSE) {
            listener.close();
            for (Socket s : sockets) {
                closeQuietly(s);
            }
            sockets.clear();
        }
        // BLACKHOLE leaves every connection open and keeps accepting new ones, but forwards nothing in either
        // direction: requests in flight and new ones hang until the client's own timeouts fire.
    }

    synchronized void restore() throws IOException {
        if (cut == Cut.REFUSE) {
            listen(bind(port));
        }
        for (Socket s : sockets) {
            closeQuietly(s); // blackholed connections: the client sees a reset and reconnects
        }
        sockets.clear();
        cut = null;
    }

    @Override
    public synchronized void close() {
        cut = Cut.REFUSE;
        closeQuietly(listener);
        sockets.forEach(ApiServerProxy::closeQuietly);
        sockets.clear();
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        return s;
    }

    private void listen(ServerSocket socket) {
        listener = socket;
        Thread accept = new Thread(() -> acceptLoop(socket), "api-proxy-" + name);
        accept.setDaemon(true);
        accept.start();
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(client);
            if (cut == Cut.BLACKHOLE) {
                pump(client, null, "blackhole"); // swallow whatever the client sends
                continue;
            }
            Socket upstream;
            try {
                upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                sockets.remove(client);
                continue;
            }
            sockets.add(upstream);
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }
    }

    /** Copies {@code from} to {@code to} (or discards it when {@code to} is null) until either side closes. */
    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to == null ? null : to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    Cut now = cut;
                    if (now != null) {
                        if (now == Cut.BLACKHOLE || (now == Cut.ANSWERS_LOST && direction.equals("down"))) {
                            continue; // drop
                        }
                        if (now == Cut.REFUSE) {
                            break;
                        }
                    }
                    if (out != null) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // connection closed on either side
            } finally {
                if (cut != Cut.BLACKHOLE) {
                    closeQuietly(from);
                    if (to != null) {
                        closeQuietly(to);
                    }
                    sockets.remove(from);
                    if (to != null) {
                        sockets.remove(to);
                    }
                }
            }
        }, "api-proxy-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // already closed
        }
    }
}
