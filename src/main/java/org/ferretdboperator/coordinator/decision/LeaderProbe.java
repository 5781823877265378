package org.ferretdboperator.coordinator.decision;

/** Result of connecting to the last holder's PostgreSQL when its Lease looks vacant. */
public enum LeaderProbe {
    /** Not probed (the Lease has a live holder, or no address is known). */
    NOT_PROBED,
    /** No PostgreSQL server answered: connection refused, reset or timed out. */
    UNREACHABLE,
    /**
     * A PostgreSQL server answered but refused this session (too many clients, authentication or pg_hba, starting up
     * or shutting down): its postmaster runs, and sessions it already has may still commit.
     */
    REFUSING,
    /** It accepts connections and is in recovery. */
    STANDBY,
    /** It accepts connections and is not in recovery: a primary without a renewed Lease (its coordinator is gone). */
    WRITABLE;

    /**
     * What a failed connection or query says about the server, by its SQLSTATE. Only class 08 (connection exception:
     * the driver's own refused, reset or timed-out connection) and no SQLSTATE at all mean no server answered; any
     * other SQLSTATE came from a running server (53300 too many connections, 28000/28P01 pg_hba or authentication,
     * 57P03 cannot connect now, ...), which must not be taken for a dead one.
     */
    public static LeaderProbe afterError(String sqlState) {
        if (sqlState == null || sqlState.length() != 5 || sqlState.startsWith("08")) {
            return UNREACHABLE;
        }
        return REFUSING;
    }
}
