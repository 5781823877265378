package org.ferretdboperator.coordinator;

/** Whether the local PostgreSQL serves the role this member holds, and why not. */
public record Readiness(boolean ready, String reason) {

    public static final Readiness STARTING = new Readiness(false, "coordinator starting");
}
