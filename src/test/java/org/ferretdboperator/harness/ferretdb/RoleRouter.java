package org.ferretdboperator.harness.ferretdb;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * A role-aware TCP router: <b>test code</b>, standing in for a Kubernetes Service in front of the backend pods. It
 * watches the pods in the API server and forwards each new connection to a pod whose {@code roleLabel} has the wanted
 * value and that is not terminating (what an endpoints controller publishes for a label selector); with
 * {@link Choice#NEWEST_FIRST} the pod labelled most recently is tried first (a stale label on a dead primary is older),
 * with {@link Choice#ROUND_ROBIN} connections are spread. A Service has no such preference and the real cluster drops a
 * dead pod's endpoint through its failing readiness probe instead; the harness's pods have no kubelet and no probes.
 *
 * <p>When a pod loses the role (label changed or removed, pod terminating or gone), every connection this router
 * forwarded to it is closed, as kube-proxy's conntrack cleanup and the pod's own shutdown would end them, so clients
 * reconnect to whoever has the role now. A connection that cannot reach any pod with the role is closed at once.
 */
public final class RoleRouter implements AutoCloseable {

    /** How a new connection picks among several pods with the role. */
    public enum Choice {
        NEWEST_FIRST, ROUND_ROBIN
    }

    private static final int CONNECT_TIMEOUT_MS = 1000;

    private final String name;
    private final String roleLabel;
    private final String role;
    private final Choice choice;
    private final ToIntFunction<String> portOf;
    private final ServerSocket listener;
    private final SharedIndexInformer<Pod> informer;
    /** Pods with the role now -> when they got it (monotonic). */
    private final Map<String, Long> endpoints = new HashMap<>();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong routed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param selector  the pods to watch (the Service's selector without the role)
     * @param portOf    pod name -> the port its PostgreSQL listens on, on loopback
     */
    public RoleRouter(String name, KubernetesClient client, String namespace, Map<String, String> selector, String roleLabel,
            String role, Choice choice, ToIntFunction<String> portOf) {
        this.name = name;
        this.roleLabel = roleLabel;
        this.role = role;
        this.choice = choice;
        this.portOf = portOf;
        try {
            this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.informer = client.pods().inNamespace(namespace).withLabels(selector).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                update(pod, false);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                update(pod, false);
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                update(pod, true);
            }
        }, 0);
        org.awaitility.Awaitility.await(name + " informer synced").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20)).until(informer::hasSynced);
        this.acceptor = new Thread(this::accept, "router-" + name);
        this.acceptor.setDaemon(true);
        this.acceptor.start();
        Log.log("%s: routing 127.0.0.1:%d to pods with %s=%s (%s)", name, port(), roleLabel, role, choice);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The pods a new connection may go to now, in the order they are tried. */
    public synchronized List<String> endpoints() {
        List<String> out = new ArrayList<>(endpoints.keySet());
        out.sort(Comparator.comparing((String p) -> endpoints.get(p)).reversed().thenComparing(p -> p));
        if (choice == Choice.ROUND_ROBIN && !out.isEmpty()) {
            java.util.Collections.rotate(out, Math.floorMod(next.getAndIncrement(), out.size()));
        }
        return out;
    }

    /** Connections forwarded, refused (no pod with the role reachable) and cut because their pod lost the role. */
    public String stats() {
        return "routed %d, refused %d, cut on role change %d".formatted(routed.get(), refused.get(), dropped.get());
    }

    private void update(Pod pod, boolean deleted) {
        String pod0 = pod.getMetadata().getName();
        Map<String, String> labels = pod.getMetadata().getLabels();
        boolean hasRole = !deleted && pod.getMetadata().getDeletionTimestamp() == null && labels != null
                && role.equals(labels.get(roleLabel));
        synchronized (this) {
            if (hasRole) {
                if (endpoints.putIfAbsent(pod0, System.nanoTime()) == null) {
                    Log.log("%s: %s has %s=%s", name, pod0, roleLabel, role);
                }
                return;
            }
            if (endpoints.remove(pod0) == null) {
                return;
            }
        }
        int cut = 0;
        for (Link l : links) {
            if (l.pod.equals(pod0)) {
                l.close();
                cut++;
            }
        }
        dropped.addAndGet(cut);
        Log.log("%s: %s no longer has %s=%s%s: cut %d forwarded connections", name, pod0, roleLabel, role,
                deleted ? " (pod gone)" : pod.getMetadata().getDeletionTimestamp() != null ? " (terminating)" : "", cut);
    }

    private synchronized boolean hasRole(String pod) {
        return endpoints.containsKey(pod);
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    Log.log("%s: accept failed: %s", name, e);
                }
                return;
            }
            Thread t = new Thread(() -> route(client), "router-" + name + "-connect");
            t.setDaemon(true);
            t.start();
        }
    }

    private void route(Socket client) {
        for (String pod : endpoints()) {
            Socket upstream = new Socket();
            try {
                upstream.setTcpNoDelay(true);
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), portOf.applyAsInt(pod)), CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                closeQuietly(upstream);
                continue;
            }
            Link link = new Link(pod, client, upstream);
            links.add(link);
            if (!hasRole(pod) || closed) { // the role moved while this connection was being set up
                link.close();
                continue;
            }
            routed.incrementAndGet();
            link.start();
            return;
        }
        refused.incrementAndGet();
        closeQuietly(client);
    }

    /** One forwarded connection: two pumps; when either side ends, both sockets close. */
    private final class Link {
        final String pod;
        final Socket client;
        final Socket upstream;

        Link(String pod, Socket client, Socket upstream) {
            this.pod = pod;
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }

        private void pump(Socket from, Socket to, String direction) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // either side went away
                } finally {
                    close();
                }
            }, "router-" + name + "-" + pod + "-" + direction);
            t.setDaemon(true);
            t.start();
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
            links.remove(this);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        informer.close();
        links.forEach(Link::close);
        Log.log("%s: closed (%s)", name, stats());
    }
}
