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
    HALTED
}
