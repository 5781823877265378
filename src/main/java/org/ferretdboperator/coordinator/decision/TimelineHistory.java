package org.ferretdboperator.coordinator.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The leader's timeline history: for every ancestor timeline, the LSN at which it ended (PostgreSQL's
 * {@code <tli>.history} file). It decides whether a member on an older timeline has WAL the leader never had.
 */
public record TimelineHistory(List<Switch> switches) {

    public static final TimelineHistory EMPTY = new TimelineHistory(List.of());

    /** Timeline {@code timeline} ended (forked) at {@code endLsn}. */
    public record Switch(int timeline, long endLsn) {
    }

    public TimelineHistory {
        switches = List.copyOf(switches);
    }

    public Optional<Long> endOf(int timeline) {
        return switches.stream().filter(s -> s.timeline() == timeline).map(Switch::endLsn).findFirst();
    }

    /**
     * True when a member whose WAL ends at {@code lsn} on {@code timeline} cannot simply follow a leader on
     * {@code leaderTimeline}: it is on a timeline the leader does not descend from, or it wrote past the fork point.
     */
    public boolean diverged(int timeline, long lsn, int leaderTimeline) {
        if (timeline <= 0 || leaderTimeline <= 0 || timeline == leaderTimeline) {
            return false;
        }
        if (timeline > leaderTimeline) {
            return true;
        }
        Optional<Long> end = endOf(timeline);
        return end.isEmpty() || !Lsn.known(lsn) || lsn > end.get();
    }

    /**
     * The same for a stopped member whose pg_control names its last checkpoint record at {@code checkpointLsn}: it
     * holds that record, so a fork at that very position has diverged already (PostgreSQL then refuses to follow:
     * "requested timeline is not a child of this server's history"). That happens when every member stopped at once and
     * the new leader never received the old primary's shutdown checkpoint.
     */
    public boolean divergedAtCheckpoint(int timeline, long checkpointLsn, int leaderTimeline) {
        return diverged(timeline, Lsn.known(checkpointLsn) ? checkpointLsn + 1 : checkpointLsn, leaderTimeline);
    }

    /** Compact form for a Lease annotation: {@code 1:0/3000060,2:0/5000000}. */
    public String encode() {
        StringBuilder out = new StringBuilder();
        for (Switch s : switches) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(s.timeline()).append(':').append(Lsn.format(s.endLsn()));
        }
        return out.toString();
    }

    public static TimelineHistory decode(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        List<Switch> switches = new ArrayList<>();
        for (String item : text.split(",")) {
            int colon = item.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("bad timeline history item: " + item);
            }
            switches.add(new Switch(Integer.parseInt(item.substring(0, colon).trim()), Lsn.parse(item.substring(colon + 1))));
        }
        return new TimelineHistory(switches);
    }

    /** Parses the content of a PostgreSQL history file: lines {@code parentTLI <tab> switchpoint <tab> reason}. */
    public static TimelineHistory parseHistoryFile(String content) {
        List<Switch> switches = new ArrayList<>();
        for (String line : content.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            if (fields.length >= 2) {
                switches.add(new Switch(Integer.parseInt(fields[0]), Lsn.parse(fields[1])));
            }
        }
        return new TimelineHistory(switches);
    }
}
