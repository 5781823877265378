package org.ferretdboperator.coordinator;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.ferretdboperator.contract.AppUser;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.SyncSetting;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.ferretdboperator.coordinator.postgres.PostgresControl;

/**
 * A model of one member's PostgreSQL: the actions change its state the way the real ones do, and {@link #get()}
 * observes it. Records every call, so a test can say what the loop did.
 */
final class FakePostgres implements PostgresControl, Supplier<LocalInstance> {

    static final long SYSTEM_IDENTIFIER = 7000000000000000001L;

    final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>(); // a long action adds from its own thread
    boolean dataDir;
    boolean standbySignal;
    boolean running;
    boolean inRecovery;
    int timeline;
    long lsn = Lsn.UNKNOWN;
    String upstream;
    /** Whether a standby's WAL receiver streams from its upstream (the test plays the upstream). */
    boolean upstreamAnswers = true;
    Set<String> streamingStandbys = new HashSet<>();
    SyncSetting sync = SyncSetting.NONE;
    /** The immediate shutdown fails (as when pg_ctl cannot reach the postgres container). */
    boolean fenceFails;
    /** Starting as primary fails (as when PostgreSQL's configuration is broken). */
    boolean startFails;
    Set<String> slots = new HashSet<>();
    /** Set: every start fails as on an image that lacks the libraries the configuration needs. */
    String imageLacks;

    @Override
    public synchronized LocalInstance get() {
        boolean primary = running && !inRecovery;
        boolean standby = running && inRecovery;
        boolean streaming = standby && upstream != null && upstreamAnswers;
        return new LocalInstance(dataDir, standbySignal, running, running, inRecovery, timeline,
                dataDir ? SYSTEM_IDENTIFIER : 0, standby ? lsn : Lsn.UNKNOWN, standby ? lsn : Lsn.UNKNOWN,
                standby ? Lsn.UNKNOWN : lsn, streaming, standby ? upstream : null, streaming ? 0 : 5_000,
                primary ? streamingStandbys : Set.of(), sync, slots, dataDir && !running, TimelineHistory.EMPTY);
    }

    @Override
    public synchronized void initDb() {
        calls.add("initDb");
        dataDir = true;
        standbySignal = false;
        timeline = 1;
        lsn = 0x1000;
    }

    @Override
    public synchronized void startPrimary() throws IOException {
        calls.add("startPrimary");
        if (imageLacks != null) {
            throw new org.ferretdboperator.coordinator.postgres.UnusableImageException("image lacks " + imageLacks);
        }
        if (startFails) {
            throw new IOException("pg_ctl start failed");
        }
        running = true;
        inRecovery = false;
    }

    @Override
    public synchronized void startStandby(String upstreamAddress) {
        calls.add("startStandby " + upstreamAddress);
        dataDir = true;
        standbySignal = true;
        running = true;
        inRecovery = true;
        upstream = upstreamAddress;
    }

    @Override
    public synchronized void stopFast(Duration timeout) {
        calls.add("stopFast");
        running = false;
    }

    @Override
    public synchronized void fence() throws java.io.IOException {
        calls.add("fence");
        if (fenceFails) {
            throw new java.io.IOException("pg_ctl stop failed");
        }
        running = false;
    }

    @Override
    public synchronized void promote() {
        calls.add("promote");
        inRecovery = false;
        standbySignal = false;
        upstream = null;
        timeline++;
    }

    /** When set, a clone waits on it first (interruptibly, as pg_basebackup through a process runner): a long clone. */
    volatile java.util.concurrent.CountDownLatch cloneTakes;

    @Override
    public void cloneFrom(String leaderAddress) throws InterruptedException {
        java.util.concurrent.CountDownLatch takes = cloneTakes;
        if (takes != null) {
            synchronized (this) {
                calls.add("cloneFrom started " + leaderAddress);
            }
            takes.await();
        }
        cloned(leaderAddress);
    }

    private synchronized void cloned(String leaderAddress) {
        calls.add("cloneFrom " + leaderAddress);
        timeline = 1;
        lsn = 0x2000;
        startStandby(leaderAddress);
    }

    @Override
    public synchronized void rewind(String leaderAddress, boolean leaderOnLaterTimeline) {
        calls.add("rewind " + leaderAddress);
        startStandby(leaderAddress);
    }

    @Override
    public synchronized void reclone(String leaderAddress) {
        calls.add("reclone " + leaderAddress);
        startStandby(leaderAddress);
    }

    @Override
    public synchronized void repoint(String leaderAddress) {
        calls.add("repoint " + leaderAddress);
        upstream = leaderAddress;
    }

    @Override
    public synchronized void repointStarting(String leaderAddress) {
        calls.add("repointStarting " + leaderAddress);
        upstream = leaderAddress;
    }

    @Override
    public synchronized void detach() {
        calls.add("detach");
        upstream = null;
    }

    @Override
    public synchronized void setSynchronousStandbys(SyncSetting setting) {
        calls.add("setSynchronousStandbys " + setting.toPostgres());
        sync = setting;
    }

    @Override
    public synchronized void ensureSlots(Set<String> create, Set<String> drop) {
        slots.addAll(create);
        slots.removeAll(drop);
    }

    @Override
    public synchronized void ensureRoles(List<AppUser> appUsers) {
        calls.add("ensureRoles");
    }

    @Override
    public synchronized void resetSynchronousCommit(java.util.Set<org.ferretdboperator.coordinator.decision.SyncCommitOverride> overrides) {
        calls.add("resetSynchronousCommit");
    }
}
