package org.ferretdboperator.coordinator.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * PostgreSQL's {@code synchronous_standby_names} in the only form the coordinator writes: {@code ANY k ("m1","m2")};
 * the empty setting (asynchronous) is quorum 0 with no names.
 */
public record SyncSetting(int quorum, Set<String> names) {

    public static final SyncSetting NONE = new SyncSetting(0, Set.of());

    public SyncSetting {
        names = Set.copyOf(new TreeSet<>(names));
        if (quorum < 0 || quorum > names.size()) {
            throw new IllegalArgumentException("quorum " + quorum + " outside 0.." + names.size());
        }
    }

    public boolean isEmpty() {
        return quorum == 0 && names.isEmpty();
    }

    public String toPostgres() {
        if (quorum == 0) {
            return "";
        }
        List<String> quoted = new ArrayList<>();
        for (String name : new TreeSet<>(names)) {
            quoted.add('"' + name.replace("\"", "") + '"');
        }
        return "ANY " + quorum + " (" + String.join(",", quoted) + ")";
    }

    /** Parses a value this class wrote (or empty); anything else is reported as unmanaged so the leader rewrites it. */
    public static SyncSetting parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        String v = value.trim();
        if (!v.toUpperCase().startsWith("ANY ")) {
            return UNMANAGED;
        }
        int open = v.indexOf('(');
        int close = v.lastIndexOf(')');
        if (open < 0 || close < open) {
            return UNMANAGED;
        }
        int quorum;
        try {
            quorum = Integer.parseInt(v.substring(4, open).trim());
        } catch (NumberFormatException e) {
            return UNMANAGED;
        }
        Set<String> names = new TreeSet<>();
        for (String n : v.substring(open + 1, close).split(",")) {
            String name = n.trim().replace("\"", "");
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        if (quorum > names.size() || quorum < 1) {
            return UNMANAGED;
        }
        return new SyncSetting(quorum, names);
    }

    /** A value the coordinator did not write (e.g. {@code FIRST 1 (a)} or {@code *}); never equal to a planned setting. */
    public static final SyncSetting UNMANAGED = new SyncSetting(0, Set.of("*unmanaged*"));
}
