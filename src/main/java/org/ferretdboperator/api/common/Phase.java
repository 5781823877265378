package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle phase shown in the STATUS column. */
public enum Phase {
    @JsonProperty("Provisioning")
    PROVISIONING,
    @JsonProperty("Ready")
    READY,
    @JsonProperty("Critical")
    CRITICAL,
    @JsonProperty("NotReady")
    NOT_READY,
    @JsonProperty("Halted")
    HALTED;

    /** The name users see: in the STATUS column, in condition messages and as an event reason. */
    public String displayName() {
        return switch (this) {
            case PROVISIONING -> "Provisioning";
            case READY -> "Ready";
            case CRITICAL -> "Critical";
            case NOT_READY -> "NotReady";
            case HALTED -> "Halted";
        };
    }
}
