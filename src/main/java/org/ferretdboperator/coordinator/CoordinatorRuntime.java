package org.ferretdboperator.coordinator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.ferretdboperator.coordinator.decision.Readiness;
import org.ferretdboperator.coordinator.lease.KubernetesLeaseStore;
import org.ferretdboperator.coordinator.lease.LeaseTracker;
import org.ferretdboperator.coordinator.member.PodMemberDirectory;
import org.ferretdboperator.coordinator.postgres.Credentials;
import org.ferretdboperator.coordinator.postgres.InstanceController;
import org.ferretdboperator.coordinator.postgres.InstanceObserver;
import org.ferretdboperator.coordinator.postgres.InstanceSettings;
import org.ferretdboperator.coordinator.postgres.KnownPostmaster;
import org.ferretdboperator.coordinator.postgres.LocalWalAcknowledgements;
import org.ferretdboperator.coordinator.postgres.PgConnections;
import org.ferretdboperator.coordinator.process.ControlDirProcessRunner;
import org.ferretdboperator.coordinator.process.LocalProcessRunner;
import org.ferretdboperator.coordinator.process.ProcessRunner;
import org.ferretdboperator.coordinator.archive.ArchiveSettings;
import org.ferretdboperator.coordinator.archive.ArchiverStatistics;
import org.ferretdboperator.coordinator.archive.PgBackRestArchiver;
import org.jboss.logging.Logger;

/**
 * Coordinator mode: wires the loop from the environment and runs it until SIGTERM, then runs the graceful path
 * (handover or stop) before letting the process exit.
 */
@ApplicationScoped
public class CoordinatorRuntime {

    private static final Logger LOG = Logger.getLogger(CoordinatorRuntime.class);
    private static final long GRACEFUL_DEADLINE_MILLIS = 25_000;
    /** The loop must tick this often to be live; long actions run beside it, so no action makes it late. */
    public static final long LIVE_TICK_BOUND_MILLIS = 30_000;

    @Inject
    MeterRegistry registry;

    private volatile CoordinatorLoop loop;
    private Thread loopThread;
    private KubernetesClient client;
    private ScheduledExecutorService watchdog;
    private ScheduledExecutorService renewer;
    private ScheduledExecutorService failsafe;
    private LocalWalAcknowledgements walAcknowledgements;
    private SharedIndexInformer<Lease> leaseWatch;
    private PodMemberDirectory directory;

    /** Starts the loop; returns once it runs. Configuration problems throw with every bad variable named. */
    public synchronized void start(CoordinatorConfig config) {
        LongSupplier nanos = System::nanoTime;
        Credentials superuser = Credentials.read(config.superuserSecretDir());
        Credentials replication = Credentials.read(config.replicationSecretDir());
        ProcessRunner runner = config.pgBinDir()
                .<ProcessRunner>map(bin -> new LocalProcessRunner(bin, config.pgOsUser(), config.serverLog()))
                .orElseGet(() -> new ControlDirProcessRunner(config.controlDir(), java.time.Duration.ofMillis(20)));
        InstanceSettings settings = new InstanceSettings(config.pgdata(), config.pgPort(), config.socketDir(),
                config.listenAddresses(), config.podName(), superuser, replication, config.passfile(), config.slotWalKeepSize(),
                config.distribution(), config.tlsDir());
        PgConnections connections = new PgConnections(settings);
        KnownPostmaster postmaster = new KnownPostmaster();
        InstanceObserver observer = new InstanceObserver(settings, connections, nanos, postmaster);
        // the archiver's settings are not part of CoordinatorConfig: only the pod's environment carries them
        java.util.Optional<PgBackRestArchiver> archiver = ArchiveSettings.fromEnvironment(System.getenv())
                .map(a -> new PgBackRestArchiver(a, config.postgresName(), config.pgdata(), config.socketDir(),
                        config.pgPort(), superuser.username(), config.passfile().toAbsolutePath().getParent()));
        archiver.ifPresent(a -> LOG.infof("WAL archiving to s3://%s%s at %s:%d with pgBackRest (stanza %s)",
                a.settings().bucket(), a.settings().path(), a.settings().host(), a.settings().port(), a.stanza()));
        InstanceController instance = new InstanceController(settings, runner, connections, postmaster, archiver);
        LongActionSettings longActionSettings = LongActionSettings.fromEnvironment(System.getenv());
        instance.baseBackupMaxRate(longActionSettings.baseBackupMaxRate());
        longActionSettings.baseBackupMaxRate().ifPresent(rate -> LOG.infof("clones limited to %s/s (%s)", rate,
                LongActionSettings.BASEBACKUP_MAX_RATE));

        client = new KubernetesClientBuilder().withConfig(clientConfig(config)).build();
        KubernetesLeaseStore leases = new KubernetesLeaseStore(client, config.namespace(), config.leaseName(),
                config.leaseDurationMillis());
        LeaseTracker tracker = new LeaseTracker(config.podName(), nanos);
        CoordinatorMetrics metrics = new CoordinatorMetrics(registry);
        Runnable wake = () -> {
            CoordinatorLoop l = loop;
            if (l != null) {
                l.wakeUp();
            }
        };
        directory = new PodMemberDirectory(client, config.namespace(), config.postgresName(), config.podName(),
                config.podUid().orElse(null), wake);
        LeaderProber prober = new LeaderProber(connections, (int) Math.min(500, config.retryPeriodMillis() * 2));
        LeaseHolder leaseHolder = new LeaseHolder(config.podName(), leases, tracker, nanos);
        ActionExecutor executor = new ActionExecutor(config, instance, leaseHolder, directory, metrics, nanos,
                address -> prober.probe(address) == org.ferretdboperator.coordinator.decision.LeaderProbe.WRITABLE,
                LongActionRunner.threaded(config.pgdata(), nanos), longActionSettings.stallTimeoutMillis());
        loop = new CoordinatorLoop(config, observer::observe, instance, leases, tracker, leaseHolder, directory, executor, metrics,
                prober::probe, nanos);
        CoordinatorLoop created = loop;
        executor.heartbeat(new PrimaryHeartbeat(config.heartbeatFile()), created::believesPrimary);
        if (archiver.isPresent()) {
            ArchiverStatistics statistics = new ArchiverStatistics(new ArchiverStatistics.LocalConnection() {
                @Override
                public java.sql.Connection get() throws java.sql.SQLException {
                    return connections.local();
                }

                @Override
                public void broken() {
                    connections.closeLocal();
                }
            }, nanos, java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
            created.archiverStatistics(statistics::current);
        }
        leaseWatch = client.leases().inNamespace(config.namespace()).withName(config.leaseName()).runnableInformer(0);
        leaseWatch.addEventHandler(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Lease obj) {
                        wake.run();
                    }

                    @Override
                    public void onUpdate(Lease oldObj, Lease newObj) {
                        wake.run();
                    }

                    @Override
                    public void onDelete(Lease obj, boolean deletedFinalStateUnknown) {
                        wake.run();
                    }
                });
        leaseWatch.exceptionHandler((started, error) -> true);
        leaseWatch.start();
        loopThread = new Thread(loop, "pg-coordinator");
        loopThread.start();
        watchdog = daemonScheduler("pg-coordinator-fencing-watchdog");
        long period = Math.max(20, config.retryPeriodMillis() / 4);
        watchdog.scheduleAtFixedRate(loop::watchdogCheck, period, period, TimeUnit.MILLISECONDS);
        renewer = daemonScheduler("pg-coordinator-lease-renewer");
        long renewPeriod = Math.max(20, config.retryPeriodMillis() / 2);
        renewer.scheduleWithFixedDelay(loop::backgroundRenew, renewPeriod, renewPeriod, TimeUnit.MILLISECONDS);
        // the API-outage failsafe's checks on a thread of their own: the loop's and the renewer's API calls hang
        // through an outage, and a confirmation is valid for renewDeadline only
        walAcknowledgements = new LocalWalAcknowledgements(settings);
        loop.apiOutageFailsafe(new FollowerConfirmations(walAcknowledgements, nanos, config.renewDeadlineMillis()));
        failsafe = daemonScheduler("pg-coordinator-api-outage-failsafe");
        failsafe.scheduleWithFixedDelay(loop::failsafeCheck, renewPeriod, renewPeriod, TimeUnit.MILLISECONDS);
    }

    /** One named daemon thread per periodic job: a stuck job of one kind never delays another. */
    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Requests are bounded well below renewDeadline and never retried by the client: a renew that cannot finish in time
     * must fail so the leader fences, not hang in back-off. Connecting (TLS) gets longer: the first connection of a
     * cold JVM takes over half a second, and connections are pooled afterwards.
     */
    static Config clientConfig(CoordinatorConfig config) {
        int timeout = (int) Math.max(200, config.renewDeadlineMillis() / 2);
        return new ConfigBuilder(Config.autoConfigure(null))
                .withRequestTimeout(timeout)
                .withConnectionTimeout(5_000)
                .withRequestRetryBackoffLimit(0)
                .build();
    }

    public Readiness readiness() {
        CoordinatorLoop l = loop;
        return l == null ? Readiness.STARTING : l.readiness();
    }

    /** Live while the loop keeps ticking and no clone or rewind has stalled. */
    public boolean live() {
        CoordinatorLoop l = loop;
        return l == null || l.live(LIVE_TICK_BOUND_MILLIS);
    }

    void onShutdown(@Observes ShutdownEvent event) {
        CoordinatorLoop l = loop;
        if (l == null) {
            return;
        }
        LOG.info("SIGTERM: leaving the cluster gracefully");
        l.shutDown();
        try {
            loopThread.join(GRACEFUL_DEADLINE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!l.finished()) {
            LOG.warn("graceful stop did not finish in time");
        }
        watchdog.shutdownNow();
        renewer.shutdownNow();
        failsafe.shutdownNow();
        walAcknowledgements.close();
        leaseWatch.close();
        directory.close();
        client.close();
    }
}
