package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which generated Service a serviceTemplates entry customises. */
public enum ServiceAlias {
    @JsonProperty("primary")
    PRIMARY,
    @JsonProperty("secondary")
    SECONDARY,
    @JsonProperty("standby")
    STANDBY,
    @JsonProperty("stats")
    STATS
}
