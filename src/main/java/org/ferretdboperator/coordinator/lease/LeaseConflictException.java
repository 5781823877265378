package org.ferretdboperator.coordinator.lease;

/** A compare-and-swap write lost: the Lease changed since it was read (HTTP 409). */
public class LeaseConflictException extends Exception {

    public LeaseConflictException(String message) {
        super(message);
    }
}
