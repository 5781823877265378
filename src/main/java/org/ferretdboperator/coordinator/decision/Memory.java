package org.ferretdboperator.coordinator.decision;

/**
 * Facts the loop remembers across ticks because they cannot be observed again (results of earlier actions).
 *
 * @param rewindFailedAgainst      "leader@term" against which pg_rewind last failed, null if none
 * @param appUsersEnsuredTerm      term in which this member, as leader, last ensured the application roles (-1 none)
 * @param standbyStartsAgainst     "leader@term" of the standby starts counted in {@code standbyStartsNotRunning}, null
 *                                 if none
 * @param standbyStartsNotRunning  standby starts against {@code standbyStartsAgainst} since PostgreSQL was last seen
 *                                 running: each one after the first means the one before never got PostgreSQL to run
 */
public record Memory(String rewindFailedAgainst, int appUsersEnsuredTerm, String standbyStartsAgainst,
        int standbyStartsNotRunning) {

    public static final Memory NONE = new Memory(null, -1);

    public Memory(String rewindFailedAgainst, int appUsersEnsuredTerm) {
        this(rewindFailedAgainst, appUsersEnsuredTerm, null, 0);
    }

    /** Standby starts against {@code key} ("leader@term") that did not get PostgreSQL running. */
    public int failedStandbyStarts(String key) {
        return key.equals(standbyStartsAgainst) ? standbyStartsNotRunning : 0;
    }
}
