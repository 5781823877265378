package org.ferretdboperator.coordinator.decision;

/** WAL positions as byte offsets ({@code long}); {@link #UNKNOWN} when a position could not be observed. */
public final class Lsn {

    public static final long UNKNOWN = -1L;

    private Lsn() {
    }

    /** Parses PostgreSQL's textual form {@code X/Y} (both hexadecimal); null or blank gives {@link #UNKNOWN}. */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            return UNKNOWN;
        }
        int slash = text.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        long high = Long.parseUnsignedLong(text.substring(0, slash).trim(), 16);
        long low = Long.parseUnsignedLong(text.substring(slash + 1).trim(), 16);
        return (high << 32) | low;
    }

    public static String format(long lsn) {
        if (lsn < 0) {
            return "";
        }
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    public static boolean known(long lsn) {
        return lsn >= 0;
    }
}
