import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Run inside a node's network namespace (nsenter --net=...) as a single-file program: accepts on
 * {@code <listen-ip>:<port>} and relays each connection to {@code <service-ip>:<service-port>}, which the node's
 * kube-proxy rules route to one of the Service's endpoints, as for any client on that node. An upstream connection
 * that fails or closes closes the client's connection. Exits when its standard input closes (its parent is gone).
 *
 * <p>java ServiceForwarder.java listen-ip port service-ip service-port
 */
public class ServiceForwarder {

    public static void main(String[] args) throws Exception {
        InetAddress listen = InetAddress.getByName(args[0]);
        int port = Integer.parseInt(args[1]);
        InetSocketAddress service = new InetSocketAddress(args[2], Integer.parseInt(args[3]));
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(listen, port), 256);
        System.out.println("listening " + server.getLocalSocketAddress() + " -> " + service);
        System.out.flush();
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing: the parent keeps the pipe open while it wants the forwarder
                }
            } catch (IOException e) {
                // the same as end of input
            }
            System.exit(0);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        while (true) {
            Socket client = server.accept();
            Thread t = new Thread(() -> relay(client, service));
            t.setDaemon(true);
            t.start();
        }
    }

    private static void relay(Socket client, InetSocketAddress service) {
        try (client; Socket upstream = new Socket()) {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(service, 5000);
            Thread back = new Thread(() -> pump(upstream, client));
            back.setDaemon(true);
            back.start();
            pump(client, upstream);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the client's connection closes with this one
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed or reset: fall through and close both
        }
        try {
            from.close();
        } catch (IOException e) {
            // already closed
        }
        try {
            to.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
