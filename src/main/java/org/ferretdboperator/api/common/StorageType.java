package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Durable: data on PersistentVolumeClaims; Ephemeral: emptyDir, lost with the pod. */
public enum StorageType {
    @JsonProperty("Durable")
    DURABLE,
    @JsonProperty("Ephemeral")
    EPHEMERAL
}
