package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What deleting the object removes (KubeDB's meanings): Halt keeps PVCs and Secrets, Delete keeps Secrets, WipeOut removes everything, DoNotTerminate refuses deletion. */
public enum DeletionPolicy {
    @JsonProperty("Delete")
    DELETE,
    @JsonProperty("WipeOut")
    WIPE_OUT,
    @JsonProperty("DoNotTerminate")
    DO_NOT_TERMINATE,
    @JsonProperty("Halt")
    HALT
}
