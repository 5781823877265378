package org.ferretdboperator.coordinator.decision;

/**
 * A member's pg_stat_archiver as its coordinator publishes it (member-state annotation) for the operator's
 * {@code WALArchiving} condition. Times are ISO-8601 instants; null where PostgreSQL reports none.
 *
 * @param archivedCount  segments (and history files) archived since the statistics were reset
 * @param lastArchivedWal the last file archived
 * @param failedCount    failed archive_command runs
 * @param lastFailedWal  the file of the last failure
 */
public record ArchiverState(long archivedCount, String lastArchivedWal, String lastArchivedAt, long failedCount,
        String lastFailedWal, String lastFailedAt) {

    /** The last attempt failed: a failure after the last success (or failures and no success at all). */
    public boolean failing() {
        if (failedCount == 0 || lastFailedAt == null) {
            return false;
        }
        return lastArchivedAt == null || java.time.Instant.parse(lastFailedAt).isAfter(java.time.Instant.parse(lastArchivedAt));
    }
}
