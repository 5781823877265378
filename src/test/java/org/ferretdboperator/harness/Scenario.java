package org.ferretdboperator.harness;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.ferretdboperator.contract.ForceFailoverRequest;
import org.ferretdboperator.contract.ForcedFailoverRecord;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.contract.MemberCount;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.ops.ForceFailoverStep;
import org.ferretdboperator.ops.LeaseForceFailover;
import org.ferretdboperator.ops.LeaseMemberCount;
import org.ferretdboperator.ops.LeaseSwitchover;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.LocalControlPlane;

/**
 * The failure scenarios, shared by the tests (one run each) and the benchmark (many runs each). Each builds a fresh
 * cluster, injects its fault while the writer and the split-brain probes run, waits for the cluster to settle with
 * every member back in a role, and returns what {@link Experiment#finish} measured plus its own checks.
 */
enum Scenario {

    /** Guide case 1: {@code kubectl delete pod} of the primary. */
    CASE1_DELETE_PRIMARY(PrimaryLoss.DELETE, "Guide case 1: delete the primary (graceful)"),

    /** Guide case 1 as a crash: the primary's pod killed outright (node crash, OOM kill, delete --force). */
    CASE1_KILL_PRIMARY(PrimaryLoss.KILL, "Guide case 1 as a crash: SIGKILL of the primary's pod"),

    /**
     * Guide case 1 as a lost node: every process of the primary's pod killed, and the pod not back until another
     * member serves writes (a node that died takes its pods with it; Kubernetes reschedules them only minutes later).
     */
    CASE1_NODE_LOST(PrimaryLoss.NODE_LOST, "Guide case 1 as a lost node: SIGKILL of the primary's pod, back only after a failover"),

    /** Guide case 2: the primary and one secondary deleted together. */
    CASE2_DELETE_PRIMARY_AND_SECONDARY("case2-delete-primary-and-secondary",
            "Guide case 2: delete the primary and one secondary (graceful)", true) {
        @Override
        void inject(Experiment<Cluster> x) {
            x.deletePods(List.of(x.before().primary(), x.before().standbys().get(0)), true);
        }
    },

    /** Guide case 3: both secondaries deleted; the primary must stay primary. */
    CASE3_DELETE_BOTH_SECONDARIES("case3-delete-both-secondaries", "Guide case 3: delete both secondaries (graceful)", true) {
        @Override
        void inject(Experiment<Cluster> x) {
            x.deletePods(x.before().standbys(), true);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            x.check(o.primaryAfter().equals(o.primaryBefore()), "the primary moved from %s to %s although only secondaries "
                    + "were deleted", o.primaryBefore(), o.primaryAfter());
        }
    },

    /** Guide case 4: every member deleted at once. */
    CASE4_DELETE_ALL("case4-delete-all-members", "Guide case 4: delete all members (graceful)", true) {
        @Override
        void inject(Experiment<Cluster> x) {
            x.deletePods(x.cluster().members().stream().map(Member::name).toList(), true);
        }
    },

    /** The primary's whole pod frozen (SIGSTOP) for longer than the Lease, then resumed. */
    PRIMARY_FROZEN("primary-frozen", "Primary frozen with SIGSTOP for longer than the Lease, then resumed", true) {
        @Override
        void inject(Experiment<Cluster> x) {
            String primary = x.before().primary();
            Member m = x.cluster().member(primary);
            List<Long> frozen = m.freeze(() -> x.fault("SIGSTOP of every process of " + primary));
            x.frozenNanos = System.nanoTime(); // every process has received SIGSTOP
            long fault = x.faultNanos();
            String successor = x.awaitOtherPrimaryAcknowledging(primary, fault);
            long lease = x.cluster().spec().timings().leaseDurationMillis();
            // frozen for at least twice the Lease, and until another primary serves writes
            awaitElapsed(fault, Duration.ofMillis(2 * lease));
            x.thawNanos = System.nanoTime();
            m.thaw(frozen);
            x.note("%s took over while %s was frozen; resumed %s after %.1f s", successor, primary, primary,
                    Harness.seconds(x.thawNanos - fault));
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            // a commit already in flight at the freeze may still be acknowledged after the resume (it may have been
            // confirmed by a synchronous standby before); a write sent once the pod was frozen must never be
            String old = o.primaryBefore();
            Optional<AckLog.Ack> late = x.acks().all().stream()
                    .filter(a -> a.member().equals(old) && a.sentNanos() > x.frozenNanos).findFirst();
            x.check(late.isEmpty(), "the frozen primary %s accepted a write sent after it was frozen, %.3f s after the resume: %s",
                    old, late.map(a -> Harness.seconds(a.ackedNanos() - x.thawNanos)).orElse(0.0), late);
        }
    },

    /**
     * Asynchronous mode: the primary's whole pod frozen as in {@link #PRIMARY_FROZEN}. Nothing waits for a standby
     * here, so writes that reached the frozen server's sockets are committed the moment it resumes, before its
     * coordinator (resumed at the same moment) fences it: those acknowledgements cannot be prevented, only bounded.
     * The bound asserted: none later than renewDeadline after the resume (docs/architecture.md states it beside what
     * Asynchronous mode may lose anyway).
     */
    PRIMARY_FROZEN_ASYNC("primary-frozen-async", "Primary frozen with SIGSTOP for longer than the Lease, then resumed "
            + "(Asynchronous)", false) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            PRIMARY_FROZEN.inject(x);
            x.tolerateAfterResume(x.before().primary(), x.thawNanos,
                    Duration.ofMillis(x.cluster().spec().timings().renewDeadlineMillis()));
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyLateAcknowledgementsBounded(x, o);
        }
    },

    /**
     * Only the primary's coordinator frozen (SIGSTOP: a long stop-the-world pause, CPU starvation), its PostgreSQL
     * running on and acknowledging, for four Lease durations; then resumed. The standbys see the Lease lapse but the old
     * primary's PostgreSQL still accepting writes: none may take over while it does. Resumed, the coordinator finds its
     * renewal overdue and fences; only then may a standby lead.
     */
    COORDINATOR_FROZEN("coordinator-frozen", "The primary's coordinator frozen, its PostgreSQL running (Synchronous)", true) {
        @Override
        void inject(Experiment<Cluster> x) {
            freezeCoordinatorOnly(x);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyNoTakeoverWhileFrozen(x);
        }
    },

    /** The same in Asynchronous mode, where no standby acknowledgement holds the old primary back. */
    COORDINATOR_FROZEN_ASYNC("coordinator-frozen-async", "The primary's coordinator frozen, its PostgreSQL running "
            + "(Asynchronous)", false) {
        @Override
        void inject(Experiment<Cluster> x) {
            freezeCoordinatorOnly(x);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyNoTakeoverWhileFrozen(x);
        }
    },

    /**
     * A standby's data directory removed (its volume replaced) while the writer runs, and its re-clone made slower than
     * the coordinator's liveness would allow a loop blocked on it: pg_basebackup limited by BASEBACKUP_MAX_RATE (the
     * pod template's setting, changed before the pod restarts) to about {@link #CLONE_SECONDS} s for the cluster's
     * data. The harness probes the coordinator's liveness as the kubelet does. The clone must run once, without a
     * restart of the coordinator, and the member rejoin as a streaming standby.
     */
    BASE_BACKUP_LONGER_THAN_LIVENESS("base-backup-longer-than-liveness",
            "A re-clone that takes longer than the liveness period completes once and the member rejoins", true) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String standby = x.before().standbys().get(0);
            Member m = x.cluster().member(standby);
            x.bulkRows = writeBulk(x, 16 * 1024 * 1024);
            long bytes;
            try (Connection c = x.primaryConnection()) {
                bytes = Sql.queryLong(c, "SELECT sum(pg_database_size(datname))::bigint FROM pg_database");
            }
            long rateKb = Math.max(32, bytes / 1024 / CLONE_SECONDS);
            m.probeLivenessAsTheKubeletDoes();
            long clonesBefore = m.logLinesContaining(CLONE_STARTED);
            x.cluster().deletePods(List.of(standby), false,
                    () -> x.fault("SIGKILL of every process of " + standby + "; its data directory removed, its re-clone "
                            + "limited to " + rateKb + " kB/s"),
                    () -> {
                        Harness.deleteTree(m.spec().pgdata());
                        m.setEnvironment("BASEBACKUP_MAX_RATE", rateKb + "k");
                    }, List.of(standby));
            org.awaitility.Awaitility.await(standby + " streaming again after its re-clone").atMost(Duration.ofMinutes(8))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> streaming(x, standby));
            double took = Harness.seconds(System.nanoTime() - x.faultNanos());
            long livenessBound = LIVENESS_RESTART_AFTER_SECONDS;
            x.note("%s re-cloned %d MiB at %d kB/s and streams again %.1f s after the fault (a loop blocked on the clone "
                    + "would have been restarted after about %d s); liveness restarts: %d", standby, bytes >> 20, rateKb,
                    took, livenessBound, m.livenessRestarts());
            x.check(took > livenessBound, "the re-clone took only %.1f s, not longer than the %d s after which a blocked "
                    + "loop is restarted: the scenario did not test a long clone", took, livenessBound);
            x.check(m.livenessRestarts() == 0, "the liveness probe had %s's coordinator restarted %d times during its clone",
                    standby, m.livenessRestarts());
            long clones = m.logLinesContaining(CLONE_STARTED) - clonesBefore;
            x.check(clones == 1, "%s started %d clones, not one", standby, clones);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyBulk(x);
        }
    },

    /**
     * The primary's coordinator cut off from the API server (packets dropped) while its standbys still reach it and the
     * API server: the API-outage failsafe keeps it serving, since every standby streams from it, and the standbys, which
     * see its Lease lapse, find it still accepting writes and never take over.
     */
    PRIMARY_CUT_FROM_API("primary-cut-from-api", "Primary cut off from the API server, its standbys following (Synchronous)",
            true) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            cutPrimaryFromApiWhileFollowed(x);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyServedThroughApiOutage(x, o);
        }
    },

    /** The same in Asynchronous mode. */
    PRIMARY_CUT_FROM_API_ASYNC("primary-cut-from-api-async",
            "Primary cut off from the API server, its standbys following (Asynchronous)", false) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            cutPrimaryFromApiWhileFollowed(x);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyServedThroughApiOutage(x, o);
        }
    },

    /**
     * Asynchronous mode: the primary cut off from the API server and serving through the failsafe, then its WAL sender
     * to one standby frozen (SIGSTOP), so that standby no longer acknowledges anything: the failsafe no longer holds,
     * the primary fences, and a standby takes over through the API. No two members may acknowledge at once.
     */
    PRIMARY_CUT_FROM_API_STANDBY_STALLED("primary-cut-from-api-standby-stalled-async",
            "Primary cut off from the API server, then one standby's stream stalled: fence and failover (Asynchronous)",
            false) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String primary = x.before().primary();
            Member m = x.cluster().member(primary);
            long lease = x.cluster().spec().timings().leaseDurationMillis();
            x.fault("API server cut off (packets dropped) for " + primary);
            m.proxy().cut(ApiServerProxy.Cut.BLACKHOLE);
            // past the Lease: the standbys have seen it lapse and found the primary still accepting writes
            awaitElapsed(x.faultNanos(), Duration.ofMillis(2 * lease));
            String stalled = x.before().standbys().get(0);
            long sender = walSenderPid(x, primary, stalled);
            x.note("%s still serving %.1f s after the cut; its WAL sender to %s frozen", primary,
                    Harness.seconds(System.nanoTime() - x.faultNanos()), stalled);
            long stall = System.nanoTime();
            Command.signal("STOP", List.of(sender));
            try {
                String successor = x.awaitOtherPrimaryAcknowledging(primary, stall);
                x.note("%s took over %.1f s after the stall", successor, Harness.seconds(System.nanoTime() - stall));
            } finally {
                Command.signal("CONT", List.of(sender));
                awaitElapsed(stall, Duration.ofMillis(lease));
                m.proxy().restore();
                x.apiRestoredNanos = System.nanoTime();
            }
            Optional<AckLog.Ack> last = x.acks().all().stream().filter(a -> a.member().equals(primary))
                    .reduce((a, b) -> b.ackedNanos() > a.ackedNanos() ? b : a);
            x.note("%s acknowledged its last write %.3f s after the stall (renewDeadline %d ms)", primary,
                    last.map(a -> Harness.seconds(a.ackedNanos() - stall)).orElse(0.0),
                    x.cluster().spec().timings().renewDeadlineMillis());
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            x.check(!o.primaryAfter().equals(o.primaryBefore()), "%s kept the primary role although a standby stopped "
                    + "acknowledging while the API server was unreachable", o.primaryBefore());
        }
    },

    /**
     * Asynchronous mode: the primary's PostgreSQL refuses every new TCP connection (pg_hba rejects them; the sessions it
     * has keep committing) and its coordinator is frozen, so the Lease lapses while that PostgreSQL runs. The standbys'
     * probe of it fails with an error from a running server, not a dead one: no member may take over while it runs.
     * Then pg_hba is restored and the coordinator resumed; it fences itself or renews the untouched Lease.
     */
    PRIMARY_REFUSES_CONNECTIONS("primary-refuses-connections-async",
            "Primary's PostgreSQL refusing new connections with its coordinator frozen: no takeover (Asynchronous)", false) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String primary = x.before().primary();
            Member m = x.cluster().member(primary);
            java.nio.file.Path hba = m.spec().pgdata().resolve("pg_hba.conf");
            String original = java.nio.file.Files.readString(hba);
            long postmaster = m.postmasterPid().orElseThrow();
            long coordinator = m.coordinatorPid().orElseThrow();
            java.nio.file.Files.writeString(hba, "host all all all reject\n" + original);
            Command.signal("HUP", List.of(postmaster));
            org.awaitility.Awaitility.await(primary + " rejecting new connections").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50)).until(() -> refusedWith(x, primary, "28000"));
            x.fault("pg_hba rejects every new connection to " + primary + ", and its coordinator frozen (SIGSTOP)");
            Command.signal("STOP", List.of(coordinator));
            long lease = x.cluster().spec().timings().leaseDurationMillis();
            // the Lease lapses after one duration; the standbys have several more to (wrongly) take over
            awaitElapsed(x.faultNanos(), Duration.ofMillis(4 * lease + 2000));
            x.thawNanos = System.nanoTime();
            java.nio.file.Files.writeString(hba, original);
            Command.signal("HUP", List.of(postmaster));
            Command.signal("CONT", List.of(coordinator));
            x.note("%s refused new connections for %.1f s with its coordinator frozen; restored and resumed", primary,
                    Harness.seconds(x.thawNanos - x.faultNanos()));
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            String old = o.primaryBefore();
            for (Member m : x.cluster().members()) {
                if (m.name().equals(old)) {
                    continue;
                }
                boolean labelled = x.cluster().labels().history().stream()
                        .anyMatch(s -> s.nanos() >= x.faultNanos() && s.nanos() < x.thawNanos
                                && Labels.ROLE_PRIMARY.equals(s.roles().get(m.name())));
                Optional<AckLog.Ack> ack = x.acks().all().stream()
                        .filter(a -> a.member().equals(m.name()) && a.ackedNanos() >= x.faultNanos()
                                && a.sentNanos() < x.thawNanos)
                        .findFirst();
                x.check(!labelled, "%s was labelled primary while %s's PostgreSQL ran (refusing new connections)", m.name(),
                        old);
                x.check(ack.isEmpty(), "%s acknowledged a write while %s's PostgreSQL ran (refusing new connections): %s",
                        m.name(), old, ack);
            }
        }
    },

    /**
     * The primary's PostgreSQL crashes and cannot start again (its configuration made invalid) while its coordinator
     * runs on and keeps the Lease: after primaryStartTimeout it must let go, so a standby that can prove it holds every
     * acknowledged commit takes over. The configuration is repaired once that happened, so the member rejoins.
     */
    PRIMARY_CANNOT_START("primary-cannot-start", "A primary whose PostgreSQL cannot start releases the Lease", true) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String primary = x.before().primary();
            Member m = x.cluster().member(primary);
            java.nio.file.Path auto = m.spec().pgdata().resolve("postgresql.auto.conf");
            String original = java.nio.file.Files.readString(auto);
            // read at the next start only: an unknown parameter makes the postmaster refuse to start
            java.nio.file.Files.writeString(auto, original + "harness_cannot_start = on\n");
            long postmaster = m.postmasterPid().orElseThrow();
            List<Long> server = new java.util.ArrayList<>(List.of(postmaster));
            ProcessHandle.of(postmaster).ifPresent(h -> h.descendants().forEach(d -> server.add(d.pid())));
            x.fault("SIGKILL of " + primary + "'s PostgreSQL, which cannot start again; its coordinator runs on");
            Command.signal("KILL", server);
            String successor = x.awaitOtherPrimaryAcknowledging(primary, x.faultNanos());
            x.note("%s took over %.1f s after the crash (primaryStartTimeout %d s)", successor,
                    Harness.seconds(System.nanoTime() - x.faultNanos()), LocalSettings.PRIMARY_START_TIMEOUT.toSeconds());
            java.nio.file.Files.writeString(auto, original);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            x.check(!o.primaryAfter().equals(o.primaryBefore()), "%s could not start, yet the primary did not move",
                    o.primaryBefore());
        }
    },

    /**
     * The primary's PostgreSQL killed (SIGKILL of the postmaster and its children) while its coordinator runs on, and
     * free to start again: a crash the coordinator sees at once. With both synchronous standbys up, one of them takes
     * over without waiting for the Lease to expire; the crashed member rejoins as a standby.
     */
    PRIMARY_POSTGRES_KILLED("primary-postgres-killed", "The primary's PostgreSQL killed, its coordinator running on", true) {
        @Override
        void inject(Experiment<Cluster> x) {
            String primary = x.before().primary();
            Member m = x.cluster().member(primary);
            long postmaster = m.postmasterPid().orElseThrow();
            List<Long> server = new java.util.ArrayList<>(List.of(postmaster));
            ProcessHandle.of(postmaster).ifPresent(h -> h.descendants().forEach(d -> server.add(d.pid())));
            x.fault("SIGKILL of " + primary + "'s PostgreSQL; its coordinator runs on");
            Command.signal("KILL", server);
            String successor = x.awaitOtherPrimaryAcknowledging(primary, x.faultNanos());
            x.note("%s took over %.3f s after the crash", successor, Harness.seconds(System.nanoTime() - x.faultNanos()));
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            x.check(!o.primaryAfter().equals(o.primaryBefore()), "%s's PostgreSQL crashed with both synchronous standbys up, "
                    + "yet the primary did not move", o.primaryBefore());
        }
    },

    /**
     * The running primary's data directory removed (a wiped volume, an operator error): its PostgreSQL keeps going for
     * a few seconds, then PANICs. Its coordinator must let the Lease go so a standby that proves it holds every
     * acknowledged commit takes over, and must then rejoin by cloning from it; the standbys must not re-clone from the
     * dead leader meanwhile.
     */
    PRIMARY_DATA_DIRECTORY_REMOVED("primary-data-directory-removed", "The running primary's data directory removed", true) {
        @Override
        void inject(Experiment<Cluster> x) {
            String primary = x.before().primary();
            Member m = x.cluster().member(primary);
            java.nio.file.Path pgdata = m.spec().pgdata();
            long postmaster = m.postmasterPid().orElseThrow();
            x.fault("data directory of " + primary + " removed while its PostgreSQL runs");
            // PostgreSQL writes files while they go: repeat until the directory itself is gone
            org.awaitility.Awaitility.await(pgdata + " removed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        Harness.deleteTree(pgdata);
                        return !java.nio.file.Files.exists(pgdata);
                    });
            String successor = x.awaitOtherPrimaryAcknowledging(primary, x.faultNanos());
            x.note("%s took over %.1f s after the removal", successor, Harness.seconds(System.nanoTime() - x.faultNanos()));
            // without its pid file nothing else knows the old server: it must have stopped on its own (PANIC)
            boolean stopped = waitGone(postmaster, Duration.ofSeconds(60));
            if (!stopped) {
                Command.signal("KILL", List.of(postmaster));
            }
            x.check(stopped, "%s's PostgreSQL (pid %d) still ran 60 s after the new primary took over, without a data "
                    + "directory", primary, postmaster);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            x.check(!o.primaryAfter().equals(o.primaryBefore()), "%s lost its data directory, yet the primary did not move",
                    o.primaryBefore());
        }

        private boolean waitGone(long pid, Duration timeout) {
            try {
                org.awaitility.Awaitility.await("pid " + pid + " gone").atMost(timeout).pollInterval(Duration.ofMillis(50))
                        .until(() -> !org.ferretdboperator.coordinator.process.Processes.alive(pid));
                return true;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                return false;
            }
        }
    },

    /**
     * Asynchronous mode: one standby lags beyond maximumLagBeforeFailover (the primary's WAL sender to it frozen, so no
     * WAL waits for it even in socket buffers); the primary and the up-to-date standby crash. The lagging standby must not promote; when the others return, one of them leads.
     */
    LAGGING_STANDBY_NOT_CHOSEN("lagging-standby-not-chosen",
            "A standby lagging beyond maximumLagBeforeFailover is never promoted (Asynchronous)", false) {
        @Override
        long maxLagBytes() {
            return 1024 * 1024;
        }

        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String primary = x.before().primary();
            String good = x.before().standbys().get(0);
            String lagging = x.before().standbys().get(1);
            long sender = walSenderPid(x, primary, lagging);
            Command.signal("STOP", List.of(sender));
            x.note("%s's WAL sender to %s (pid %d) frozen", primary, lagging, sender);
            int bulkRows = writeBulk(x, 8 * 1024 * 1024);
            awaitReplayedOn(x, good);
            x.note("%d bulk rows (8 MiB) committed and replayed by %s, not by %s", bulkRows, good, lagging);
            x.note("%s lags by more than maximumLagBeforeFailover; killing %s and %s", lagging, primary, good);
            x.deletePods(List.of(primary, good), false, () -> {
                long alone = System.nanoTime();
                long lease = x.cluster().spec().timings().leaseDurationMillis();
                // with only the lagging member up, three Lease durations must pass without a promotion
                awaitElapsed(alone, Duration.ofMillis(3 * lease + 2000));
                assertNeverPrimary(x, lagging, "while it was the only member up");
            }, List.of(primary, good));
            x.bulkRows = bulkRows;
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            String lagging = x.before().standbys().get(1);
            assertNeverPrimary(x, lagging, "over the whole run");
            x.check(!o.primaryAfter().equals(lagging), "the lagging standby %s became primary", lagging);
            verifyBulk(x);
        }
    },

    /**
     * The old primary rejoins after writes on both sides of a failover: it committed rows its standbys never received
     * (its WAL senders frozen; some with synchronous_commit=local, some waiting for a standby), then crashed; a
     * standby took over and took writes; the old primary comes back and must rewind onto the new timeline.
     */
    OLD_PRIMARY_REJOINS("old-primary-rejoins-after-divergence",
            "Old primary rejoins after writes on both sides of a failover", true) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String primary = x.before().primary();
            List<String> standbys = x.before().standbys();
            List<Long> senders = List.of(walSenderPid(x, primary, standbys.get(0)), walSenderPid(x, primary, standbys.get(1)));
            Command.signal("STOP", senders);
            try (Connection c = Sql.connect(x.cluster().member(primary).spec().pgPort(), x.cluster().superuser(), "harness", 10)) {
                Sql.exec(c, "SET synchronous_commit = local");
                Sql.exec(c, "CREATE TABLE IF NOT EXISTS harness_divergent (id int PRIMARY KEY)");
                Sql.exec(c, "INSERT INTO harness_divergent SELECT generate_series(1, 1000)");
            }
            x.note("%s committed 1000 rows locally that %s never received", primary, standbys);
            x.deletePods(List.of(primary), false, () -> {
                // the other side of the failover: a new primary serves the writer before the old one returns
                x.awaitOtherPrimaryAcknowledging(primary, x.faultNanos());
                awaitWriterAcks(x, 100);
            }, List.of(primary));
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            for (Member m : x.cluster().members()) {
                try (Connection c = Sql.connect(m.spec().pgPort(), x.cluster().superuser(), "harness-check", 10)) {
                    boolean exists = Sql.queryBoolean(c, "SELECT to_regclass('harness_divergent') IS NOT NULL");
                    long rows = exists ? Sql.queryLong(c, "SELECT count(*) FROM harness_divergent") : 0;
                    x.check(rows == 0, "%s still holds %d rows only the old primary had: it did not rewind", m.name(), rows);
                } catch (SQLException e) {
                    x.check(false, "%s: %s", m.name(), e.getMessage());
                }
            }
        }
    },

    /**
     * Synchronous mode: every member down (crash), and the most lagging one (the primary's WAL sender to it had been
     * frozen) restarted first. It must not promote itself on its own; once the others return, the most advanced leads.
     */
    ALL_DOWN_LAGGING_FIRST("all-down-most-lagging-restarted-first",
            "All members down, the most lagging one restarted first", true) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String lagging = x.before().standbys().get(1);
            Command.signal("STOP", List.of(walSenderPid(x, x.before().primary(), lagging)));
            int bulkRows = writeBulk(x, 1024 * 1024);
            awaitReplayedOn(x, x.before().standbys().get(0));
            awaitWriterAcks(x, 50);
            x.bulkRows = bulkRows;
            List<String> all = x.cluster().members().stream().map(Member::name).toList();
            x.note("every member killed; %s (most lagging) restarted first", lagging);
            x.deletePods(all, false, () -> {
            }, List.of(lagging));
            long alone = System.nanoTime();
            long lease = x.cluster().spec().timings().leaseDurationMillis();
            awaitElapsed(alone, Duration.ofMillis(3 * lease + 5000));
            assertNeverPrimary(x, lagging, "while it was the only member up");
            for (String name : all) {
                if (!name.equals(lagging)) {
                    x.cluster().recreatePod(name);
                }
            }
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            String lagging = x.before().standbys().get(1);
            assertNeverPrimary(x, lagging, "over the whole run");
            verifyBulk(x);
        }
    },

    // --- planned switchover (issue 14): the operator's request on the Lease, carried out by the coordinators ---------

    /** Synchronous mode: a planned switchover to the coordinator's choice of standby, through the operator's requester. */
    PLANNED_SWITCHOVER("planned-switchover", "Planned switchover (operator's Lease request), Synchronous", true) {
        @Override
        void inject(Experiment<Cluster> x) {
            plannedSwitchover(x, null);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyPlannedSwitchover(x, o, null);
        }
    },

    /** Asynchronous mode: a planned switchover to a named standby; no acknowledged write may be lost here either. */
    PLANNED_SWITCHOVER_ASYNC("planned-switchover-async", "Planned switchover to a named standby, Asynchronous", false) {
        @Override
        void inject(Experiment<Cluster> x) {
            plannedSwitchover(x, x.before().standbys().get(1));
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyPlannedSwitchover(x, o, x.before().standbys().get(1));
        }
    },

    /**
     * Synchronous mode, the contract of a scale-down (issue 14): the operator's {@code LeaseMemberCount} announces two
     * members, and the primary must take the leaving third member out of its synchronous set, PostgreSQL's setting and
     * then the recorded set, before anything removes it. Then the leaving member and the primary are killed together:
     * with the set narrowed, the remaining standby alone proves that it holds every acknowledged commit and takes over;
     * had the record still named the leaving member, the failover would wait for it for ever.
     */
    SCALE_DOWN_NARROWS_SYNC_SET("scale-down-narrows-sync-set",
            "Scale-down: the announced member count narrows the synchronous set before a member leaves", true) {
        @Override
        void inject(Experiment<Cluster> x) {
            String namespace = x.cluster().spec().namespace();
            String postgres = x.cluster().spec().postgres();
            String leaving = x.cluster().spec().memberName(2);
            LeaseSwitchover switchover = new LeaseSwitchover(x.cluster().admin());
            if (x.before().primary().equals(leaving)) {
                String to = x.cluster().spec().memberName(0);
                SwitchoverRequest r = switchover.request(namespace, postgres, "harness-handover", to).orElseThrow();
                org.awaitility.Awaitility.await(leaving + " handing over before it leaves").atMost(Experiment.SETTLE_TIMEOUT)
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> switchover.progress(namespace, postgres, r) == LeaseSwitchover.Progress.HANDED_OVER);
                switchover.clear(namespace, postgres);
                awaitWriterAcks(x, 50);
            }
            String primary = switchover.holder(namespace, postgres).orElseThrow();
            LeaseMemberCount members = new LeaseMemberCount(x.cluster().admin());
            members.announce(namespace, postgres, new MemberCount("harness-scale-down", 2));
            long announced = System.nanoTime();
            org.awaitility.Awaitility.await(primary + " taking " + leaving + " out of the recorded synchronous set")
                    .atMost(Experiment.SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        Lease lease = x.cluster().admin().leases().inNamespace(namespace).withName(Names.lease(postgres)).get();
                        var sync = LeaseAnnotations.decode(lease.getMetadata().getAnnotations()).syncMembers();
                        return !sync.isEmpty() && !sync.contains(leaving);
                    });
            x.note("%s left the recorded synchronous set %.3f s after the announcement", leaving,
                    Harness.seconds(System.nanoTime() - announced));
            awaitWriterAcks(x, 50);
            x.deletePods(List.of(leaving, primary), false, () -> {
                // with two members the new primary's synchronous set is the old primary: it takes the Lease alone,
                // but acknowledges only once the old primary is back as its standby, after this callback
                String successor = org.awaitility.Awaitility.await("a member other than " + primary + " and " + leaving
                                + " holding the Lease").atMost(Experiment.SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(20))
                        .until(() -> switchover.holder(namespace, postgres).filter(h -> !h.isEmpty()
                                && !h.equals(primary) && !h.equals(leaving)), Optional::isPresent)
                        .orElseThrow();
                x.note("%s took over alone %.3f s after %s and %s were killed", successor,
                        Harness.seconds(System.nanoTime() - x.faultNanos()), primary, leaving);
                members.withdrawIfOwn(namespace, postgres, "harness-scale-down");
            }, List.of(leaving, primary));
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            String leaving = x.cluster().spec().memberName(2);
            x.check(!o.primaryAfter().equals(leaving), "the leaving member %s ended as the primary", leaving);
            x.check(o.lostAcknowledged() == 0, "the scale-down failover lost %d acknowledged writes: %s", o.lostAcknowledged(),
                    o.lostSample());
            Lease lease = x.cluster().admin().leases().inNamespace(x.cluster().spec().namespace())
                    .withName(Names.lease(x.cluster().spec().postgres())).get();
            x.check(MemberCount.decode(lease.getMetadata().getAnnotations()).isEmpty(),
                    "the member count is still on the Lease: %s", lease.getMetadata().getAnnotations());
        }
    },

    // --- the election record lost with the Lease ----------------------------------------------------------------------

    /**
     * Synchronous mode: the Lease deleted under a running cluster with writes ({@code kubectl delete lease}, a GitOps
     * prune) and recreated empty at once, as the operator's Lease dependent does. The record (synchronous set, last
     * leader's position) is gone; the primary, away from the bootstrap member, loses the Lease and fences. Only a member
     * that proves it holds every acknowledged commit may take the recreated Lease: the same primary or one as complete.
     */
    LEASE_DELETED("lease-deleted-under-healthy-cluster", "The Lease deleted and recreated empty under a healthy cluster",
            true) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String primary = primaryAwayFromBootstrapMember(x);
            x.note("primary %s (not the bootstrap member %s)", primary, x.cluster().spec().memberName(0));
            awaitWriterAcks(x, 50);
            x.fault("Lease deleted under the healthy cluster and recreated empty, as the operator does");
            deleteLease(x);
            recreateLease(x);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            x.note("primary after the Lease was recreated: %s", o.primaryAfter());
        }
    },

    /**
     * Synchronous mode: Halt then resume, as the operator does them, with a stale former primary on pod 0. Pod 0, the
     * primary, is lost (its node) and stays away while another member takes over and acknowledges writes pod 0 never
     * received; then Halt: the StatefulSet's pods stop gracefully and the Lease is deleted (PostgresDeletion,
     * deletionPolicy Halt; the PVCs stay). On resume the operator recreates the Lease empty and the StatefulSet, whose
     * pods (Parallel) all start on their volumes, pod 0 first. Nothing acknowledged may be lost: the member with the
     * newest data leads and pod 0 rewinds onto it.
     */
    HALT_THEN_RESUME("halt-then-resume", "Halt then resume with a stale former primary on pod 0", true) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String stale = x.cluster().spec().memberName(0);
            x.check(stale.equals(x.before().primary()), "pod 0 (%s) is not the primary after bootstrap but %s", stale,
                    x.before().primary());
            long lost = System.nanoTime();
            x.note("%s (primary) lost with its node; it stays away", stale);
            x.cluster().deletePods(List.of(stale), false, () -> {
            }, () -> {
            }, List.of());
            String successor = x.awaitOtherPrimaryAcknowledging(stale, lost);
            awaitWriterAcks(x, 100);
            x.note("%s took over and acknowledged writes %s never received", successor, stale);
            List<String> running = x.cluster().members().stream().map(Member::name).filter(n -> !n.equals(stale)).toList();
            x.cluster().deletePods(running, true, () -> {
                x.fault("Halt: pods " + running + " terminated and the Lease deleted");
                deleteLease(x);
            }, () -> {
            }, List.of());
            x.note("halted; resuming: Lease recreated empty, every pod started, %s first", stale);
            recreateLease(x);
            for (Member m : x.cluster().members()) {
                x.cluster().recreatePod(m.name());
            }
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            String stale = x.cluster().spec().memberName(0);
            x.check(!o.primaryAfter().equals(stale), "the stale former primary %s became primary after resume", stale);
        }
    },

    // --- forced failover (issue 12 item 10, KubeDB's ForceFailOver) ----------------------------------------------

    /**
     * Synchronous: the primary and the other member of the synchronous set lost together, while the third member lags
     * (the primary's WAL sender to it frozen, so commits were confirmed by the other standby alone). The third cannot
     * prove it holds every acknowledged commit and must stay blocked. Then a forced failover is requested the way the
     * operator does it (its judgement and its Lease writer, against the members' real published states): the third is
     * promoted, the Lease records what may have been lost, and the lost-write checker must agree with that record.
     */
    FORCE_FAILOVER_AFTER_PRIMARY_AND_SYNC_STANDBY_LOST("force-failover-after-primary-and-sync-standby-lost",
            "Forced failover after the primary and the synchronous standby were lost (Synchronous)", true) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            String primary = x.before().primary();
            String sync = x.before().standbys().get(0);
            String third = x.before().standbys().get(1);
            String namespace = x.cluster().spec().namespace();
            String postgres = x.cluster().spec().postgres();
            LeaseForceFailover operator = new LeaseForceFailover(x.cluster().admin());
            String uid = "harness-force-" + System.nanoTime();
            ForceFailoverStep.Next onHealthy = operatorJudgement(x, operator, uid, List.of(third), false);
            x.check(onHealthy instanceof ForceFailoverStep.Fail f && f.message().startsWith("failover is not blocked"),
                    "the operator would admit a forced failover on a healthy cluster: %s", onHealthy);
            long sender = walSenderPid(x, primary, third);
            Command.signal("STOP", List.of(sender));
            x.frozenNanos = System.nanoTime();
            awaitWriterAcks(x, 50);
            x.note("%s's WAL sender to %s (pid %d) frozen; 50 more writes acknowledged without %s", primary, third, sender,
                    third);
            x.acknowledgedLossAccepted = "a forced failover to " + third + ", which lagged";
            x.deletePods(List.of(primary, sync), false, () -> {
                long lease = x.cluster().spec().timings().leaseDurationMillis();
                awaitElapsed(x.faultNanos(), Duration.ofMillis(3 * lease + 2000));
                assertNeverPrimary(x, third, "before the forced failover was requested");
                ForceFailoverStep.Request admitted = (ForceFailoverStep.Request) org.awaitility.Awaitility
                        .await("the operator admitting the forced failover").atMost(Experiment.SETTLE_TIMEOUT)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> operatorJudgement(x, operator, uid, List.of(third), false),
                                n -> n instanceof ForceFailoverStep.Request);
                long requested = System.nanoTime();
                ForceFailoverRequest written = operator.request(namespace, postgres, uid, admitted, java.time.Instant.now());
                x.note("forced failover to %s requested on the Lease (term %d) %.1f s after the fault", written.candidates(),
                        written.term(), Harness.seconds(requested - x.faultNanos()));
                ForceFailoverStep.Next outcome = org.awaitility.Awaitility
                        .await("a candidate taking over under the request").atMost(Experiment.SETTLE_TIMEOUT)
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> operatorJudgement(x, operator, uid, List.of(third), true),
                                n -> !(n instanceof ForceFailoverStep.Wait));
                operator.clearIfOwn(namespace, postgres, uid);
                if (outcome instanceof ForceFailoverStep.Succeed done) {
                    x.forcedFailover = done.record();
                    x.note("%.3f s after the request: %s", Harness.seconds(System.nanoTime() - requested), done.message());
                } else {
                    x.check(false, "the forced failover did not succeed: %s", outcome);
                }
            }, List.of(primary, sync));
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            String primary = o.primaryBefore();
            String third = x.before().standbys().get(1);
            ForcedFailoverRecord r = x.forcedFailover;
            x.check(r != null, "no forced failover was recorded");
            if (r == null) {
                return;
            }
            x.check(r.promoted().equals(third) && o.primaryAfter().equals(third), "the forced failover promoted %s and %s "
                    + "leads after settling; the only candidate was %s", r.promoted(), o.primaryAfter(), third);
            x.check(primary.equals(r.previousLeader()), "the record names %s as the lost leader, not %s", r.previousLeader(),
                    primary);
            long lostBytes = r.lostBytesAtLeast().orElse(-1);
            x.check(lostBytes > 0, "the record says %s bytes lost although %s lagged behind acknowledged commits: %s",
                    lostBytes, third, r.describe());
            // what the checker sees against what the record says: loss it records, and only writes of the lost leader
            // whose WAL the promoted member can never have received
            x.check(lostBytes <= 0 || o.lostAcknowledged() > 0, "the record says at least %d bytes were lost, yet every "
                    + "acknowledged write is on %s", lostBytes, o.primaryAfter());
            Set<Long> kept = x.idsOn(o.primaryAfter());
            List<AckLog.Ack> lost = x.acks().all().stream().filter(a -> !kept.contains(a.id())).toList();
            x.check(lost.stream().allMatch(a -> a.member().equals(primary)),
                    "writes other than those the lost leader %s acknowledged were lost: %s", primary,
                    lost.stream().filter(a -> !a.member().equals(primary)).limit(5).toList());
            List<AckLog.Ack> sentAfterFreeze = x.acks().all().stream()
                    .filter(a -> a.member().equals(primary) && a.sentNanos() > x.frozenNanos).toList();
            x.check(!sentAfterFreeze.isEmpty() && sentAfterFreeze.stream().noneMatch(a -> kept.contains(a.id())),
                    "%d writes %s acknowledged after its WAL sender to %s was frozen, %d of them kept: the promoted member "
                            + "cannot hold them", sentAfterFreeze.size(), primary, third,
                    sentAfterFreeze.stream().filter(a -> kept.contains(a.id())).count());
            x.note("record: at least %d bytes lost; checker: %d acknowledged writes lost, all acknowledged by %s (%d of them "
                    + "sent after the freeze)", lostBytes, o.lostAcknowledged(), primary, sentAfterFreeze.size());
            Lease lease = x.cluster().admin().leases().inNamespace(x.cluster().spec().namespace())
                    .withName(Names.lease(x.cluster().spec().postgres())).get();
            x.check(ForceFailoverRequest.decode(lease.getMetadata().getAnnotations()).isEmpty(),
                    "the force failover request is still on the Lease: %s", lease.getMetadata().getAnnotations());
            x.check(ForcedFailoverRecord.decode(lease.getMetadata().getAnnotations()).filter(r::equals).isPresent(),
                    "the Lease no longer carries the forced failover's record after the renewals that followed: %s",
                    lease.getMetadata().getAnnotations());
        }
    },

    // --- API-outage failsafe (issue 12 item 7): every member cut off from the API server at once -------------------

    /**
     * Synchronous mode: every member's coordinator cut off from the API server for 30 s (an API server or etcd outage)
     * with the writer running. Nobody can write the Lease, so nobody may promote; the primary keeps serving because
     * every standby streams from it. Before the failsafe it fenced at its renew deadline and took no writes until the
     * API server returned.
     */
    API_UNREACHABLE_EVERY_MEMBER("api-unreachable-every-member",
            "API server unreachable for every member for 30 s: the primary keeps serving (Synchronous)", true) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            cutEveryMemberFromApi(x);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyServedThroughApiOutage(x, o);
        }
    },

    /** The same in Asynchronous mode. */
    API_UNREACHABLE_EVERY_MEMBER_ASYNC("api-unreachable-every-member-async",
            "API server unreachable for every member for 30 s: the primary keeps serving (Asynchronous)", false) {
        @Override
        void inject(Experiment<Cluster> x) throws Exception {
            cutEveryMemberFromApi(x);
        }

        @Override
        void verify(Experiment<Cluster> x, Outcome o) {
            verifyServedThroughApiOutage(x, o);
        }
    };

    /** How long {@link #API_UNREACHABLE_EVERY_MEMBER} keeps the API server away. */
    static final Duration API_OUTAGE = Duration.ofSeconds(30);


    /** The operator's judgement of a ForceFailOver on what the API shows now ({@link ForceFailoverStep}). */
    static ForceFailoverStep.Next operatorJudgement(Experiment<Cluster> x, LeaseForceFailover operator, String uid,
            List<String> candidates, boolean requestedBefore) {
        String namespace = x.cluster().spec().namespace();
        String postgres = x.cluster().spec().postgres();
        List<String> members = x.cluster().members().stream().map(Member::name).toList();
        return ForceFailoverStep.next(new ForceFailoverStep.Facts(postgres, uid, true, candidates, members,
                ForceFailoverStep.LeaseFacts.of(operator.lease(namespace, postgres)), operator.memberStates(namespace, members),
                requestedBefore, false));
    }

    /** Writes the request as the ops reconciler does and waits until the Lease holder has handed over. */
    static void plannedSwitchover(Experiment<Cluster> x, String target) {
        String namespace = x.cluster().spec().namespace();
        String postgres = x.cluster().spec().postgres();
        LeaseSwitchover requester = new LeaseSwitchover(x.cluster().admin());
        x.fault("planned switchover of " + x.before().primary() + (target == null ? "" : " to " + target)
                + " requested on the Lease");
        SwitchoverRequest request = requester.request(namespace, postgres, "harness-" + x.faultNanos(), target)
                .orElseThrow(() -> new IllegalStateException("the Lease has no holder to ask"));
        org.awaitility.Awaitility.await("the Lease handed over by " + request.from())
                .atMost(Experiment.SETTLE_TIMEOUT).pollInterval(Duration.ofMillis(20))
                .until(() -> requester.progress(namespace, postgres, request) == LeaseSwitchover.Progress.HANDED_OVER);
        x.note("Lease handed over by %s to %s %.3f s after the request", request.from(),
                requester.holder(namespace, postgres).orElse("nobody"), Harness.seconds(System.nanoTime() - x.faultNanos()));
        requester.clear(namespace, postgres);
    }

    static void verifyPlannedSwitchover(Experiment<Cluster> x, Outcome o, String target) {
        x.check(!o.primaryAfter().equals(o.primaryBefore()), "a switchover was requested, yet %s is still the primary",
                o.primaryBefore());
        if (target != null) {
            x.check(o.primaryAfter().equals(target), "the switchover to %s made %s the primary", target, o.primaryAfter());
        }
        // in both modes: the old primary stops before handing over and the target promotes only at its final position
        x.check(o.lostAcknowledged() == 0, "a planned switchover lost %d acknowledged writes: %s", o.lostAcknowledged(),
                o.lostSample());
        String namespace = x.cluster().spec().namespace();
        Lease lease = x.cluster().admin().leases().inNamespace(namespace).withName(Names.lease(x.cluster().spec().postgres())).get();
        x.check(SwitchoverRequest.decode(lease.getMetadata().getAnnotations()).isEmpty(),
                "the switchover request is still on the Lease after the step: %s", lease.getMetadata().getAnnotations());
    }

    final String slug;
    final String title;
    final boolean synchronous;
    /** The definition every system runs, for the scenarios the benchmark compares; null for ours alone. */
    private final PrimaryLoss shared;

    Scenario(String slug, String title, boolean synchronous) {
        this.slug = slug;
        this.title = title;
        this.synchronous = synchronous;
        this.shared = null;
    }

    /** A scenario every system runs (in Synchronous mode, as Patroni runs with synchronous_mode). */
    Scenario(PrimaryLoss shared, String title) {
        this.slug = shared.slug;
        this.title = title;
        this.synchronous = true;
        this.shared = shared;
    }

    void inject(Experiment<Cluster> x) throws Exception {
        if (shared == null) {
            throw new IllegalStateException(slug + " defines no fault");
        }
        shared.inject(x);
    }

    /** Checks of this scenario beyond the shared ones; failures go to {@link Experiment#check}. */
    void verify(Experiment<Cluster> x, Outcome o) {
        if (shared != null) {
            shared.verify(x, o);
        }
    }

    long maxLagBytes() {
        return ClusterSpec.DEFAULT_MAX_LAG_BYTES;
    }

    /** A fresh cluster for this scenario, bootstrapped and settled. */
    Cluster freshCluster(LocalControlPlane controlPlane, ClusterSpec.Timings timings) throws Exception {
        Cluster cluster = Cluster.fresh(controlPlane, slug, synchronous, maxLagBytes(), timings);
        try {
            cluster.bootstrap();
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** One run on a fresh cluster (the tests). */
    Outcome run(LocalControlPlane controlPlane, ClusterSpec.Timings timings) throws Exception {
        try (Cluster cluster = freshCluster(controlPlane, timings)) {
            return runOn(cluster);
        }
    }

    /** One run on a settled cluster; the cluster is settled again when it returns. */
    Outcome runOn(Cluster cluster) throws Exception {
        return Experiment.run(cluster, slug, this::inject, this::verify);
    }

    // --- shared steps ---------------------------------------------------------------------------------------------

    /**
     * Cuts the primary off the API server for four Lease durations while its standbys keep both the API server and
     * their stream from it: they see its Lease lapse the whole time.
     */
    static void cutPrimaryFromApiWhileFollowed(Experiment<Cluster> x) throws Exception {
        String primary = x.before().primary();
        Member m = x.cluster().member(primary);
        x.fault("API server cut off (packets dropped) for " + primary);
        m.proxy().cut(ApiServerProxy.Cut.BLACKHOLE);
        long lease = x.cluster().spec().timings().leaseDurationMillis();
        awaitElapsed(x.faultNanos(), Duration.ofMillis(4 * lease));
        m.proxy().restore();
        x.apiRestoredNanos = System.nanoTime();
        x.note("%s reconnected to the API server after %.1f s", primary, Harness.seconds(x.apiRestoredNanos - x.faultNanos()));
    }

    /** Every member's coordinator cut off from the API server for {@link #API_OUTAGE}, PostgreSQL traffic untouched. */
    static void cutEveryMemberFromApi(Experiment<Cluster> x) throws Exception {
        x.fault("API server cut off (packets dropped) for every member for " + API_OUTAGE.toSeconds() + " s");
        x.cluster().cutEveryMemberFromApi(ApiServerProxy.Cut.BLACKHOLE);
        try {
            awaitElapsed(x.faultNanos(), API_OUTAGE);
        } finally {
            x.cluster().restoreEveryMemberToApi();
            x.apiRestoredNanos = System.nanoTime();
        }
        x.note("every member reconnected to the API server after %.1f s", Harness.seconds(x.apiRestoredNanos - x.faultNanos()));
    }

    /**
     * The API-outage failsafe held: the primary stayed primary, was still acknowledging writes at the end of the cut
     * (long past its renew deadline, where it used to fence), no other member was labelled primary or acknowledged a
     * write, and nothing acknowledged was lost, in either mode.
     */
    static void verifyServedThroughApiOutage(Experiment<Cluster> x, Outcome o) {
        String primary = o.primaryBefore();
        x.check(o.primaryAfter().equals(primary), "the primary moved from %s to %s through an API outage its standbys "
                + "did not take part in", primary, o.primaryAfter());
        for (Member m : x.cluster().members()) {
            if (!m.name().equals(primary)) {
                assertNeverPrimary(x, m.name(), "while the API server was unreachable for " + primary);
            }
        }
        long lease = x.cluster().spec().timings().leaseDurationMillis();
        long lateFrom = x.apiRestoredNanos - lease * 1_000_000L;
        long lateAcks = x.acks().from(Writer.SOURCE).stream()
                .filter(a -> a.member().equals(primary) && a.sentNanos() >= lateFrom && a.ackedNanos() <= x.apiRestoredNanos)
                .count();
        x.note("%s acknowledged %d writes in the last leaseDuration (%d ms) before the API server returned", primary,
                lateAcks, lease);
        x.check(lateAcks > 0, "%s acknowledged no write in the last leaseDuration before the API server returned: it "
                + "stopped serving during the outage", primary);
        x.check(o.lostAcknowledged() == 0, "%d acknowledged writes lost without a failover: %s", o.lostAcknowledged(),
                o.lostSample());
    }

    /** About how long the long-clone scenario's re-clone is made to take. */
    static final long CLONE_SECONDS = 100;
    /** The coordinator's log line for a clone it starts (LongActionRunner). */
    static final String CLONE_STARTED = "long action started: CloneFrom";

    /**
     * After how long a coordinator whose loop is blocked is restarted by the kubelet: the loop counts as not live
     * {@link org.ferretdboperator.coordinator.CoordinatorRuntime#LIVE_TICK_BOUND_MILLIS} after its last tick, and the
     * probe needs its failure threshold of checks, one period apart, to fail.
     */
    static final long LIVENESS_RESTART_AFTER_SECONDS = org.ferretdboperator.coordinator.CoordinatorRuntime.LIVE_TICK_BOUND_MILLIS
            / 1000 + (long) PodContract.COORDINATOR_LIVENESS_FAILURE_THRESHOLD * PodContract.COORDINATOR_LIVENESS_PERIOD_SECONDS;

    static boolean streaming(Experiment<Cluster> x, String member) {
        try (Connection c = Sql.connect(x.cluster().member(member).spec().pgPort(), x.cluster().superuser(), "harness-check", 5)) {
            return "streaming".equals(Sql.queryString(c, "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')"));
        } catch (SQLException e) {
            return false;
        }
    }

    /** SIGSTOP of the primary's coordinator only, for four Lease durations and two seconds; then SIGCONT. */
    static void freezeCoordinatorOnly(Experiment<Cluster> x) {
        String primary = x.before().primary();
        Member m = x.cluster().member(primary);
        long coordinator = m.coordinatorPid().orElseThrow();
        x.fault("SIGSTOP of " + primary + "'s coordinator (pid " + coordinator + "); its PostgreSQL runs on");
        Command.signal("STOP", List.of(coordinator));
        x.frozenNanos = System.nanoTime();
        long lease = x.cluster().spec().timings().leaseDurationMillis();
        awaitElapsed(x.faultNanos(), Duration.ofMillis(4 * lease + 2000));
        x.thawNanos = System.nanoTime();
        Command.signal("CONT", List.of(coordinator));
        x.note("%s's coordinator frozen for %.1f s, then resumed", primary, Harness.seconds(x.thawNanos - x.faultNanos()));
    }

    /**
     * While the old primary's coordinator was frozen its PostgreSQL ran: no other member may have been labelled primary
     * or have acknowledged a write before the coordinator resumed (and fenced it).
     */
    static void verifyNoTakeoverWhileFrozen(Experiment<Cluster> x) {
        String old = x.before().primary();
        for (Member m : x.cluster().members()) {
            if (m.name().equals(old)) {
                continue;
            }
            boolean labelled = x.cluster().labels().history().stream()
                    .anyMatch(s -> s.nanos() >= x.faultNanos() && s.nanos() < x.thawNanos
                            && Labels.ROLE_PRIMARY.equals(s.roles().get(m.name())));
            Optional<AckLog.Ack> ack = x.acks().all().stream()
                    .filter(a -> a.member().equals(m.name()) && a.ackedNanos() >= x.faultNanos() && a.ackedNanos() < x.thawNanos)
                    .findFirst();
            x.check(!labelled, "%s was labelled primary while %s's coordinator was frozen and its PostgreSQL ran", m.name(), old);
            x.check(ack.isEmpty(), "%s acknowledged a write while %s's coordinator was frozen and its PostgreSQL ran: %s",
                    m.name(), old, ack);
        }
        long oldAcks = x.acks().all().stream()
                .filter(a -> a.member().equals(old) && a.ackedNanos() >= x.faultNanos() && a.ackedNanos() < x.thawNanos).count();
        x.note("%s acknowledged %d writes while its coordinator was frozen", old, oldAcks);
    }

    /**
     * A frozen primary resumed in Asynchronous mode may acknowledge writes, sent while it was frozen or just after its
     * resume, until its coordinator fences it: bounded by renewDeadline after the resume (its watchdog sees the overdue
     * renewal at its first check, every retryPeriod / 4, and shuts PostgreSQL down immediately).
     */
    static void verifyLateAcknowledgementsBounded(Experiment<Cluster> x, Outcome o) {
        String old = o.primaryBefore();
        List<AckLog.Ack> late = x.acks().all().stream()
                .filter(a -> a.member().equals(old) && a.ackedNanos() >= x.thawNanos).toList();
        long bound = x.cluster().spec().timings().renewDeadlineMillis();
        double lastAfterResume = late.stream().mapToDouble(a -> Harness.seconds(a.ackedNanos() - x.thawNanos)).max().orElse(0);
        x.note("the resumed old primary %s acknowledged %d writes after the resume, the last %.3f s after it "
                + "(bound: renewDeadline, %d ms)", old, late.size(), lastAfterResume, bound);
        x.check(lastAfterResume * 1000 <= bound, "the resumed old primary %s acknowledged a write %.3f s after the resume, "
                + "later than renewDeadline (%d ms): %s", old, lastAfterResume, bound, late);
    }

    /** {@code kubectl delete lease}: the election record goes with it. */
    static void deleteLease(Experiment<Cluster> x) {
        Cluster c = x.cluster();
        c.admin().leases().inNamespace(c.spec().namespace()).withName(Names.lease(c.spec().postgres())).delete();
        org.awaitility.Awaitility.await("Lease deleted").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> c.admin().leases().inNamespace(c.spec().namespace()).withName(Names.lease(c.spec().postgres()))
                        .get() == null);
    }

    /** The Lease as the operator's Lease dependent creates it: labelled, empty holder, no annotations. */
    static void recreateLease(Experiment<Cluster> x) {
        Cluster c = x.cluster();
        c.admin().leases().inNamespace(c.spec().namespace()).resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                .withNewMetadata().withName(Names.lease(c.spec().postgres())).withLabels(Cluster.owned(c.spec().postgres()))
                .endMetadata()
                .withNewSpec().endSpec()
                .build()).create();
    }

    /**
     * Moves the primary off the bootstrap member (pod 0) by deleting its pod gracefully, so that a lost Lease cannot be
     * re-taken through the bootstrap path by chance; returns the primary once the cluster settled again.
     */
    static String primaryAwayFromBootstrapMember(Experiment<Cluster> x) {
        String bootstrap = x.cluster().spec().memberName(0);
        if (!x.before().primary().equals(bootstrap)) {
            return x.before().primary();
        }
        x.cluster().deletePods(List.of(bootstrap), true, () -> {
        }, () -> {
        }, List.of(bootstrap));
        org.awaitility.Awaitility.await("a primary other than " + bootstrap).atMost(Experiment.SETTLE_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Settling.await(x.cluster(), Experiment.SETTLE_TIMEOUT).primary(), p -> !p.equals(bootstrap));
        return Settling.await(x.cluster(), Experiment.SETTLE_TIMEOUT).primary();
    }

    /** Whether a new connection to {@code member} fails with {@code sqlState}. */
    static boolean refusedWith(Experiment<Cluster> x, String member, String sqlState) {
        try (Connection c = Sql.connect(x.cluster().member(member).spec().pgPort(), x.cluster().superuser(), "harness", 5)) {
            return false;
        } catch (SQLException e) {
            return sqlState.equals(e.getSQLState());
        }
    }

    static void awaitWriterAcks(Experiment<Cluster> x, int count) {
        long since = System.nanoTime();
        org.awaitility.Awaitility.await(count + " more writer acknowledgements").atMost(Experiment.SETTLE_TIMEOUT)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> x.acks().from(Writer.SOURCE).stream().filter(a -> a.sentNanos() >= since).count() >= count);
    }

    /** Lets a fixed amount of time pass: the scenario's fault lasts this long by definition (not a wait for a state). */
    static void awaitElapsed(long sinceNanos, Duration duration) {
        org.awaitility.Awaitility.await().atMost(duration.plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> System.nanoTime() - sinceNanos >= duration.toNanos());
    }

    /** The primary's WAL sender process streaming to {@code standby}. */
    static long walSenderPid(Experiment<Cluster> x, String primary, String standby) throws SQLException {
        try (Connection c = Sql.connect(x.cluster().member(primary).spec().pgPort(), x.cluster().superuser(), "harness", 5);
                java.sql.PreparedStatement ps = c.prepareStatement(
                        "SELECT pid FROM pg_stat_replication WHERE application_name = ? AND state = 'streaming'")) {
            ps.setString(1, standby);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException(primary + " has no streaming WAL sender to " + standby);
                }
                return rs.getLong(1);
            }
        }
    }

    /** Commits about {@code bytes} of rows in one transaction on the primary; returns the row count. */
    static int writeBulk(Experiment<Cluster> x, int bytes) throws SQLException {
        int rows = bytes / 1024;
        try (Connection c = x.primaryConnection()) {
            Sql.exec(c, "DROP TABLE IF EXISTS harness_bulk");
            Sql.exec(c, "CREATE TABLE harness_bulk (id int PRIMARY KEY, payload text NOT NULL)");
            Sql.exec(c, "ALTER TABLE harness_bulk ALTER COLUMN payload SET STORAGE PLAIN");
            Sql.exec(c, "INSERT INTO harness_bulk SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, " + rows + ") g");
        }
        return rows;
    }

    static void awaitReplayedOn(Experiment<Cluster> x, String standby) throws SQLException {
        String target;
        try (Connection c = x.primaryConnection()) {
            target = Sql.queryString(c, "SELECT pg_current_wal_flush_lsn()::text");
        }
        x.cluster().awaitReplayedOn(standby, target);
    }

    static void verifyBulk(Experiment<Cluster> x) {
        try (Connection c = x.primaryConnection()) {
            long rows = Sql.queryLong(c, "SELECT count(*) FROM harness_bulk");
            x.check(rows == x.bulkRows, "the primary holds %d of the %d bulk rows committed before the fault", rows,
                    x.bulkRows);
        } catch (SQLException e) {
            x.check(false, "bulk rows: %s", e.getMessage());
        }
    }

    /** The member was never labelled primary and never acknowledged a write since the fault. */
    static void assertNeverPrimary(Experiment<Cluster> x, String member, String when) {
        boolean labelled = x.cluster().labels().history().stream()
                .anyMatch(s -> s.nanos() >= x.faultNanos() && Labels.ROLE_PRIMARY.equals(s.roles().get(member)));
        Optional<AckLog.Ack> ack = x.acks().all().stream()
                .filter(a -> a.member().equals(member) && a.ackedNanos() >= x.faultNanos()).findFirst();
        x.check(!labelled, "%s was labelled primary %s", member, when);
        x.check(ack.isEmpty(), "%s acknowledged a write %s: %s", member, when, ack);
    }
}
