package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which Prometheus flavour scrapes the object. */
public enum MonitoringAgent {
    @JsonProperty("prometheus.io/operator")
    PROMETHEUS_OPERATOR,
    @JsonProperty("prometheus.io/builtin")
    PROMETHEUS_BUILTIN,
    @JsonProperty("prometheus.io")
    PROMETHEUS
}
