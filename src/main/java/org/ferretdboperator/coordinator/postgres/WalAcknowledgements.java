package org.ferretdboperator.coordinator.postgres;

import java.sql.SQLException;
import java.util.Map;

/**
 * What the API-outage failsafe asks of the local primary: write a little WAL, and which positions each streaming
 * standby has acknowledged. {@link LocalWalAcknowledgements} is the real one.
 */
public interface WalAcknowledgements {

    /**
     * Commits a transaction that writes nothing but its commit record, flushed locally without waiting for any
     * standby, and returns the WAL flush position after it: a standby that acknowledges this position received WAL
     * written after the call began.
     */
    long writeMarker() throws SQLException;

    /** Per streaming WAL sender (by the standby's application_name, its member name): the flush position it reported. */
    Map<String, Long> acknowledgedFlush() throws SQLException;
}
