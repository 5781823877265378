package org.ferretdboperator.harness;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.ferretdboperator.contract.PostgresTls;
import org.ferretdboperator.ferretdb.FerretDBDefaults;
import org.ferretdboperator.harness.ferretdb.FerretDbServer;
import org.ferretdboperator.harness.ferretdb.RoleRouter;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.testsupport.Prerequisite;
import org.ferretdboperator.testsupport.Tools;
import org.postgresql.PGConnection;

/**
 * FerretDB in front of a harness cluster, as the operator deploys it: a primary server whose PostgreSQL URL reaches
 * the pod labelled primary and a secondary server whose URL reaches the pods labelled secondary, each through a
 * {@link RoleRouter} (test code standing in for the Services {@code <postgres>} and {@code <postgres>-standby}), and a
 * MongoDB Java driver client for each server.
 *
 * <p>FerretDB connects as a dedicated non-superuser role owning database {@code ferretdb}, as the operator's servers
 * do; like them, the URL carries no credentials: the client authenticates with PLAIN and FerretDB 1.x opens its
 * PostgreSQL pool with those credentials. The operator has the coordinators create that role (APP_USERS); the harness's
 * {@link Cluster} starts its coordinators without application users, so this class creates the role itself, with the
 * attributes the coordinator gives application roles (LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION, SCRAM
 * password, owner of its database).
 */
final class FerretDbFront implements AutoCloseable {

    static final String COLLECTION_WRITES = "writes";
    static final String COLLECTION_SEED = "seed";

    private final Cluster cluster;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Sql.Login login;
    private RoleRouter primaryRouter;
    private RoleRouter secondaryRouter;
    private FerretDbServer primaryServer;
    private FerretDbServer secondaryServer;
    private MongoClient primaryClient;
    private MongoClient secondaryClient;
    /** Commands the drivers put on the wire, by command name: more than the operations means the driver retried. */
    private final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.atomic.AtomicLong> commandsSent =
            new java.util.concurrent.ConcurrentHashMap<>();

    private FerretDbFront(Cluster cluster) {
        this.cluster = cluster;
    }

    /**
     * The FerretDB binary hack/tools.sh built ({@code FERRETDB} from {@code hack/tools.sh --print-env}); fails in CI,
     * skips elsewhere (printing why) when there is none.
     */
    static Path binary(Path projectDir) {
        Optional<Path> found = Optional.ofNullable(System.getenv("FERRETDB")).filter(s -> !s.isBlank()).map(Path::of)
                .filter(Files::isExecutable);
        if (found.isEmpty()) {
            found = Tools.find(projectDir, Tools.FERRETDB).map(paths -> paths.get("FERRETDB")).filter(Files::isExecutable);
        }
        Prerequisite.require(found.isPresent(), "FerretDB binary (run hack/tools.sh ferretdb, or set FERRETDB)");
        return found.orElseThrow();
    }

    /** Creates the role and database, starts the routers, both FerretDB servers and a client for each. */
    static FerretDbFront start(Cluster cluster, Path binary) throws SQLException {
        FerretDbFront front = new FerretDbFront(cluster);
        try {
            front.login = createAppRole(cluster);
            String ns = cluster.spec().namespace();
            Map<String, String> selector = Labels.postgresSelector(cluster.spec().postgres());
            front.primaryRouter = front.keep(new RoleRouter("router-primary", cluster.admin(), ns, selector, Labels.ROLE,
                    Labels.ROLE_PRIMARY, RoleRouter.Choice.NEWEST_FIRST, pod -> cluster.member(pod).spec().pgPort()));
            front.secondaryRouter = front.keep(new RoleRouter("router-secondary", cluster.admin(), ns, selector, Labels.ROLE,
                    Labels.ROLE_SECONDARY, RoleRouter.Choice.ROUND_ROBIN, pod -> cluster.member(pod).spec().pgPort()));
            Optional<FerretDbServer.TlsListener> listener = cluster.tlsDir().map(dir -> new FerretDbServer.TlsListener(
                    PostgresTls.certFile(dir), PostgresTls.keyFile(dir)));
            front.primaryServer = front.keep(FerretDbServer.start(binary, "ferretdb-primary",
                    url(front.primaryRouter, cluster.tlsDir()), cluster.root().resolve("ferretdb-primary"),
                    Duration.ofSeconds(30), listener));
            front.secondaryServer = front.keep(FerretDbServer.start(binary, "ferretdb-secondary",
                    url(front.secondaryRouter, cluster.tlsDir()), cluster.root().resolve("ferretdb-secondary"),
                    Duration.ofSeconds(30), listener));
            front.primaryClient = front.keep(front.client(front.primaryServer, front.login));
            return front;
        } catch (RuntimeException | SQLException | Error e) {
            front.close();
            throw e;
        }
    }

    /**
     * What the operator's ServerEnvironment gives FerretDB 1.x, with the Service replaced by the router; with TLS,
     * verify-full against the backend's CA (the router passes TLS through untouched, so the member's certificate is
     * what FerretDB checks).
     */
    private static String url(RoleRouter router, Optional<Path> tlsDir) {
        return "postgres://127.0.0.1:" + router.port() + "/" + FerretDBDefaults.DATABASE
                + tlsDir.map(dir -> "?" + PostgresTls.verifyFullUrlParameters(PostgresTls.caFile(dir).toString())).orElse("");
    }

    /** FerretDB's PostgreSQL login, which its clients authenticate with. */
    Sql.Login login() {
        return login;
    }

    /** The primary server's port (TLS-only when the cluster runs with TLS). */
    int primaryPort() {
        return primaryServer.port();
    }

    /** A client of the primary server as {@link #client} makes it, but with {@code tls} as given. */
    MongoClient primaryClient(Optional<javax.net.ssl.SSLContext> tls, Duration timeout) {
        return keep(MongoClients.create(settings(primaryServer, login, tls)
                .applyToClusterSettings(b -> b.serverSelectionTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                .build()));
    }

    /** A TLS context that trusts only the cluster's CA (the driver also checks the host name: 127.0.0.1 here). */
    static javax.net.ssl.SSLContext trustingOnly(Path caFile) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", org.ferretdboperator.tls.Pem.readCertificate(Files.readString(caFile)));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private Optional<javax.net.ssl.SSLContext> clusterTls() {
        return cluster.tlsDir().map(dir -> {
            try {
                return trustingOnly(PostgresTls.caFile(dir));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the cluster's CA", e);
            }
        });
    }

    /**
     * A client as an application would configure one: retryable writes and reads on (the driver's defaults, spelled
     * out), PLAIN authentication as FerretDB 1.x requires, and the driver's default timeouts.
     */
    private MongoClient client(FerretDbServer server, Sql.Login login) {
        return MongoClients.create(settings(server, login, clusterTls()).build());
    }

    private MongoClientSettings.Builder settings(FerretDbServer server, Sql.Login login,
            Optional<javax.net.ssl.SSLContext> tls) {
        ConnectionString uri = new ConnectionString("mongodb://127.0.0.1:" + server.port()
                + "/?retryWrites=true&retryReads=true&appName=harness-" + server.name());
        return MongoClientSettings.builder().applyConnectionString(uri)
                .applyToSslSettings(ssl -> ssl.enabled(tls.isPresent()).invalidHostNameAllowed(false)
                        .context(tls.orElse(null)))
                .credential(MongoCredential.createPlainCredential(login.user(), "$external", login.password().toCharArray()))
                .addCommandListener(new com.mongodb.event.CommandListener() {
                    @Override
                    public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                        commandsSent.computeIfAbsent(server.name() + ":" + event.getCommandName(),
                                k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
                    }
                });
    }

    private static Sql.Login createAppRole(Cluster cluster) throws SQLException {
        Sql.Login login = new Sql.Login(FerretDBDefaults.USERNAME, java.util.UUID.randomUUID().toString().replace("-", ""));
        try (Connection c = cluster.primaryConnection()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            String role = pg.escapeIdentifier(login.user());
            Sql.exec(c, "CREATE ROLE " + role + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION");
            pg.alterUserPassword(login.user(), login.password().toCharArray(), "scram-sha-256");
            Sql.exec(c, "CREATE DATABASE " + pg.escapeIdentifier(FerretDBDefaults.DATABASE) + " OWNER " + role);
        }
        cluster.awaitReplayed();
        return login;
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    /**
     * Creates the collections through the primary server and inserts {@code count} documents to read back through the
     * secondary server; returns their ids. Waits until every standby has replayed them, and only then lets a client
     * use the secondary server: FerretDB 1.x loads a backend's collection list once, when its pool for a login opens,
     * so a secondary server first used before the collections existed would never see them.
     */
    List<Object> seed(int count) throws SQLException {
        MongoCollection<Document> seed = primaryCollection(COLLECTION_SEED);
        List<Document> docs = new ArrayList<>();
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "seed-" + i;
            ids.add(id);
            docs.add(new Document("_id", id).append("payload", "x".repeat(100)));
        }
        seed.insertMany(docs);
        primaryClient.getDatabase(FerretDBDefaults.DATABASE).createCollection(COLLECTION_WRITES);
        cluster.awaitReplayed();
        secondaryClient = keep(client(secondaryServer, login));
        return ids;
    }

    MongoCollection<Document> primaryCollection(String name) {
        return primaryClient.getDatabase(FerretDBDefaults.DATABASE).getCollection(name);
    }

    MongoCollection<Document> secondaryCollection(String name) {
        return secondaryClient.getDatabase(FerretDBDefaults.DATABASE).getCollection(name);
    }

    /** How many {@code command} commands the client of server {@code server} sent (retries included). */
    /** One scrape of each FerretDB server's metrics endpoint. */
    java.util.List<PrometheusScrape> scrapeMetrics() throws java.io.IOException, InterruptedException {
        return java.util.List.of(PrometheusScrape.of(primaryServer.metricsEndpoint()),
                PrometheusScrape.of(secondaryServer.metricsEndpoint()));
    }

    long commandsSent(String server, String command) {
        java.util.concurrent.atomic.AtomicLong n = commandsSent.get(server + ":" + command);
        return n == null ? 0 : n.get();
    }

    String routerStats() {
        return "primary router: " + primaryRouter.stats() + "; secondary router: " + secondaryRouter.stats();
    }

    /** Clients first, then the servers, then the routers. */
    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                Harness.log("FerretDB front: cleanup of %s: %s", resources.get(i), e);
            }
        }
        resources.clear();
    }
}
