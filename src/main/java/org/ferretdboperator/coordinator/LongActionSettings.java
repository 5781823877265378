package org.ferretdboperator.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Optional coordinator settings for clones and rewinds, read from the pod's environment (a pod template may set them
 * on the pg-coordinator container):
 * <ul>
 * <li>{@value #BASEBACKUP_MAX_RATE}: pg_basebackup's {@code --max-rate} (kB/s, or with a {@code k} or {@code M}
 * suffix; 32k to 1024M), so a clone does not take all of the leader's disk and network; unset: unlimited.</li>
 * <li>{@value #STALL_TIMEOUT_MS}: how long a clone or rewind may go without its data directory changing before the
 * coordinator cancels it, and reports itself not live if it cannot (default {@value #DEFAULT_STALL_TIMEOUT_MS}; at
 * least 10000).</li>
 * </ul>
 */
record LongActionSettings(Optional<String> baseBackupMaxRate, long stallTimeoutMillis) {

    static final String BASEBACKUP_MAX_RATE = "BASEBACKUP_MAX_RATE";
    static final String STALL_TIMEOUT_MS = "LONG_ACTION_STALL_TIMEOUT_MS";
    /** pg_basebackup's fast checkpoint on a busy leader comes before its first byte: allow it minutes. */
    static final long DEFAULT_STALL_TIMEOUT_MS = 300_000;

    private static final Pattern RATE = Pattern.compile("([0-9]{1,10})([kM]?)");

    static LongActionSettings fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Optional<String> rate = Optional.ofNullable(env.get(BASEBACKUP_MAX_RATE)).map(String::strip).filter(v -> !v.isEmpty());
        if (rate.isPresent()) {
            Matcher m = RATE.matcher(rate.get());
            if (!m.matches()) {
                problems.add(BASEBACKUP_MAX_RATE + " must be kB/s as a whole number, optionally with suffix k or M (as "
                        + "pg_basebackup --max-rate takes it), got '" + rate.get() + "'");
            } else {
                long kb = Long.parseLong(m.group(1)) * (m.group(2).equals("M") ? 1024 : 1);
                if (kb < 32 || kb > 1024 * 1024) {
                    problems.add(BASEBACKUP_MAX_RATE + " must be between 32k and 1024M, got '" + rate.get() + "'");
                }
            }
        }
        long stall = DEFAULT_STALL_TIMEOUT_MS;
        String stallValue = env.get(STALL_TIMEOUT_MS);
        if (stallValue != null && !stallValue.isBlank()) {
            try {
                stall = Long.parseLong(stallValue.strip());
                if (stall < 10_000) {
                    problems.add(STALL_TIMEOUT_MS + " must be at least 10000, got " + stall);
                }
            } catch (NumberFormatException e) {
                problems.add(STALL_TIMEOUT_MS + " must be a whole number of milliseconds, got '" + stallValue + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("pg-coordinator configuration: " + String.join("; ", problems));
        }
        return new LongActionSettings(rate, stall);
    }
}
