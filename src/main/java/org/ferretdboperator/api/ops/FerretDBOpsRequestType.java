package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonProperty;

/** KubeDB's FerretDBOpsRequestType values. */
public enum FerretDBOpsRequestType {
    @JsonProperty("UpdateVersion")
    UPDATE_VERSION("UpdateVersion"),
    @JsonProperty("Restart")
    RESTART("Restart"),
    @JsonProperty("VerticalScaling")
    VERTICAL_SCALING("VerticalScaling"),
    @JsonProperty("HorizontalScaling")
    HORIZONTAL_SCALING("HorizontalScaling"),
    @JsonProperty("ReconfigureTLS")
    RECONFIGURE_TLS("ReconfigureTLS"),
    @JsonProperty("RotateAuth")
    ROTATE_AUTH("RotateAuth");

    private final String displayName;

    FerretDBOpsRequestType(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
