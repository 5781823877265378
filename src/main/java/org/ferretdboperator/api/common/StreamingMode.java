package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Synchronous: a commit is acknowledged only once a quorum of standbys has it; Asynchronous: bounded loss on failover. */
public enum StreamingMode {
    @JsonProperty("Synchronous")
    SYNCHRONOUS,
    @JsonProperty("Asynchronous")
    ASYNCHRONOUS
}
