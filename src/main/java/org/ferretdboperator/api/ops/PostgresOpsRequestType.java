package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * KubeDB's PostgresOpsRequestType values, so its objects apply unchanged, plus {@code Switchover}: KubeDB's only way to
 * move the primary is {@code ForceFailOver}, a forced promotion that may lose data; a planned switchover is a different
 * operation (no acknowledged write lost), so it gets its own name in the same style rather than a changed meaning.
 */
public enum PostgresOpsRequestType {
    @JsonProperty("Upgrade")
    UPGRADE("Upgrade"),
    @JsonProperty("UpdateVersion")
    UPDATE_VERSION("UpdateVersion"),
    @JsonProperty("HorizontalScaling")
    HORIZONTAL_SCALING("HorizontalScaling"),
    @JsonProperty("VerticalScaling")
    VERTICAL_SCALING("VerticalScaling"),
    @JsonProperty("VolumeExpansion")
    VOLUME_EXPANSION("VolumeExpansion"),
    @JsonProperty("Restart")
    RESTART("Restart"),
    @JsonProperty("Reconfigure")
    RECONFIGURE("Reconfigure"),
    @JsonProperty("ReconfigureTLS")
    RECONFIGURE_TLS("ReconfigureTLS"),
    @JsonProperty("RotateAuth")
    ROTATE_AUTH("RotateAuth"),
    @JsonProperty("ReconnectStandby")
    RECONNECT_STANDBY("ReconnectStandby"),
    @JsonProperty("ForceFailOver")
    FORCE_FAIL_OVER("ForceFailOver"),
    @JsonProperty("SetRaftKeyPair")
    SET_RAFT_KEY_PAIR("SetRaftKeyPair"),
    @JsonProperty("StorageMigration")
    STORAGE_MIGRATION("StorageMigration"),
    @JsonProperty("Switchover")
    SWITCHOVER("Switchover");

    private final String displayName;

    PostgresOpsRequestType(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
