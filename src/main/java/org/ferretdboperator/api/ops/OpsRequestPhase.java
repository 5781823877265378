package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A request's phase, as KubeDB's OpsRequestPhase (Pending while another request on the same database runs). */
public enum OpsRequestPhase {
    @JsonProperty("Pending")
    PENDING,
    @JsonProperty("Progressing")
    PROGRESSING,
    @JsonProperty("Successful")
    SUCCESSFUL,
    @JsonProperty("Failed")
    FAILED;

    public boolean finished() {
        return this == SUCCESSFUL || this == FAILED;
    }

    public String displayName() {
        return switch (this) {
            case PENDING -> "Pending";
            case PROGRESSING -> "Progressing";
            case SUCCESSFUL -> "Successful";
            case FAILED -> "Failed";
        };
    }
}
