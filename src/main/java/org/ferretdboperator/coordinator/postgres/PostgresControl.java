package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.ferretdboperator.contract.AppUser;
import org.ferretdboperator.coordinator.decision.SyncCommitOverride;
import org.ferretdboperator.coordinator.decision.SyncSetting;

/**
 * What the coordinator's actions do to the local PostgreSQL; {@link InstanceController} is the real one, tests of the
 * loop use a model of it.
 */
public interface PostgresControl {

    void initDb() throws IOException, InterruptedException;

    void startPrimary() throws IOException, InterruptedException;

    void startStandby(String upstreamAddress) throws IOException, InterruptedException;

    void stopFast(Duration timeout) throws IOException, InterruptedException;

    /** Immediate shutdown: no session may commit afterwards. */
    void fence() throws IOException, InterruptedException;

    void promote() throws SQLException;

    void cloneFrom(String leaderAddress) throws IOException, InterruptedException;

    void rewind(String leaderAddress, boolean leaderOnLaterTimeline) throws IOException, InterruptedException;

    void reclone(String leaderAddress) throws IOException, InterruptedException;

    void repoint(String leaderAddress) throws SQLException, IOException;

    /** {@link #repoint} for a standby that does not accept connections yet: the file, then a reload signal. */
    void repointStarting(String leaderAddress) throws IOException, InterruptedException;

    void detach() throws SQLException;

    void setSynchronousStandbys(SyncSetting setting) throws SQLException;

    void ensureSlots(Set<String> create, Set<String> drop) throws SQLException;

    void ensureRoles(List<AppUser> appUsers) throws SQLException;

    /** Resets these stored synchronous_commit defaults and terminates the client sessions they applied to. */
    void resetSynchronousCommit(Set<SyncCommitOverride> overrides) throws SQLException;
}
