package org.ferretdboperator.coordinator.decision;

import org.ferretdboperator.support.Labels;

/** The kubedb.com/role label a member's pod carries; NONE removes it. */
public enum Role {
    PRIMARY(Labels.ROLE_PRIMARY),
    SECONDARY(Labels.ROLE_SECONDARY),
    NONE(null);

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Role ofLabel(String label) {
        for (Role r : values()) {
            if (r.label != null && r.label.equals(label)) {
                return r;
            }
        }
        return NONE;
    }
}
