package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonProperty;

/** KubeDB's ApplyOption: whether a request may start on a database that is not Ready. */
public enum ApplyOption {
    @JsonProperty("IfReady")
    IF_READY,
    @JsonProperty("Always")
    ALWAYS
}
