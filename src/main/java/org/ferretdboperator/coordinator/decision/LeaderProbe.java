package org.ferretdboperator.coordinator.decision;

/** Result of connecting to the last holder's PostgreSQL when its Lease looks vacant. */
public enum LeaderProbe {
    /** Not probed (the Lease has a live holder, or no address is known). */
    NOT_PROBED,
    /** Connection refused or timed out. */
    UNREACHABLE,
    /** It accepts connections and is in recovery. */
    STANDBY,
    /** It accepts connections and is not in recovery: a primary without a renewed Lease (its coordinator is gone). */
    WRITABLE
}
