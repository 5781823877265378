package org.ferretdboperator.coordinator.decision;

/**
 * Facts the loop remembers across ticks because they cannot be observed again (results of earlier actions).
 *
 * @param rewindFailedAgainst "leader@term" against which pg_rewind last failed, null if none
 * @param appUsersEnsuredTerm term in which this member, as leader, last ensured the application roles (-1 none)
 */
public record Memory(String rewindFailedAgainst, int appUsersEnsuredTerm) {

    public static final Memory NONE = new Memory(null, -1);
}
