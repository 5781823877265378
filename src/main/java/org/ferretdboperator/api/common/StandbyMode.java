package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Hot standbys serve read-only queries; Warm standbys only replay WAL. */
public enum StandbyMode {
    @JsonProperty("Hot")
    HOT,
    @JsonProperty("Warm")
    WARM
}
