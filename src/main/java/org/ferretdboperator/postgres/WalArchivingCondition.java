package org.ferretdboperator.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.coordinator.decision.ArchiverState;

/**
 * Condition {@value #TYPE}: whether WAL archiving works, judged from the pg_stat_archiver each member's coordinator
 * publishes in its member state. The primary's decides (it writes the WAL; a standby archives what it received, as a
 * second copy); a standby whose archiving fails is named in the message.
 */
public final class WalArchivingCondition {

    public static final String TYPE = "WALArchiving";
    public static final String REASON_ARCHIVING = "Archiving";
    public static final String REASON_FAILING = "ArchiveCommandFailing";
    public static final String REASON_NOTHING_YET = "NothingArchivedYet";
    public static final String REASON_UNKNOWN = "PrimaryNotReporting";

    /** status True, False or Unknown. */
    public record Judgement(String status, String reason, String message) {
    }

    private WalArchivingCondition() {
    }

    /**
     * @param primary    the pod labelled primary, if exactly one is
     * @param archivers  each member pod's published archiver state (members that published none are absent)
     */
    public static Judgement judge(Optional<String> primary, Map<String, ArchiverState> archivers) {
        List<String> failingStandbys = new ArrayList<>();
        archivers.forEach((pod, state) -> {
            if (!primary.equals(Optional.of(pod)) && state.failing()) {
                failingStandbys.add(pod + " (standby) failed for " + state.lastFailedWal() + " at " + state.lastFailedAt());
            }
        });
        failingStandbys.sort(null);
        String standbys = failingStandbys.isEmpty() ? "" : "; " + String.join("; ", failingStandbys);
        if (primary.isEmpty() || !archivers.containsKey(primary.get())) {
            return new Judgement("Unknown", REASON_UNKNOWN, primary.map(p -> p + " (primary) has not published its "
                    + "pg_stat_archiver yet").orElse("No single primary to judge archiving by") + standbys);
        }
        String name = primary.get();
        ArchiverState s = archivers.get(name);
        if (s.failing()) {
            return new Judgement("False", REASON_FAILING, name + " (primary): archive_command failed " + s.failedCount()
                    + " time(s), the last for " + s.lastFailedWal() + " at " + s.lastFailedAt() + lastSuccess(s)
                    + "; pgBackRest's error is in the postgres container's log" + standbys);
        }
        if (s.archivedCount() == 0) {
            return new Judgement("Unknown", REASON_NOTHING_YET, name + " (primary): no WAL file archived yet (a segment "
                    + "is archived when it fills or after archive_timeout, 60 s)" + standbys);
        }
        return new Judgement("True", REASON_ARCHIVING, name + " (primary): " + s.archivedCount() + " file(s) archived"
                + lastSuccess(s) + (s.failedCount() > 0 ? ", " + s.failedCount() + " earlier failure(s), the last for "
                + s.lastFailedWal() : "") + standbys);
    }

    private static String lastSuccess(ArchiverState s) {
        return s.lastArchivedWal() == null ? ", none archived yet"
                : ", the last " + s.lastArchivedWal() + " at " + s.lastArchivedAt();
    }
}
