package org.ferretdboperator.metrics;

/**
 * What the operator reads from one backend pod: its {@code kubedb.com/role} label and the member state its coordinator
 * published in the {@code kubedb.com/member-state} annotation ({@code role}, {@code lsn}, ... ; null fields are unknown).
 */
public record MemberView(String pod, boolean labelledPrimary, String role, Boolean healthy, Long lsn,
        Boolean walReceiverStreaming) {

    public static final String ROLE_PRIMARY = "primary";
    public static final String ROLE_STANDBY = "standby";

    /** Labelled primary and, when its coordinator published a state, that state says a healthy primary. */
    public boolean servesAsPrimary() {
        if (!labelledPrimary) {
            return false;
        }
        return role == null || (ROLE_PRIMARY.equals(role) && !Boolean.FALSE.equals(healthy));
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(walReceiverStreaming) && !Boolean.FALSE.equals(healthy);
    }
}
