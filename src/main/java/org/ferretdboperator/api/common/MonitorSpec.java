package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Prometheus scraping of the object's metrics endpoints (KubeDB's monitor block). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitorSpec {

    @JsonPropertyDescription("KubeDB monitoring agent. Accepted for compatibility; not acted on yet: the Helm chart's monitoring.* values install the operator's, coordinators' and FerretDB's monitors.")
    private MonitoringAgent agent;

    @JsonPropertyDescription("Prometheus settings of the monitoring agent. Accepted for compatibility; not acted on yet.")
    private PrometheusSpec prometheus;

    public MonitoringAgent getAgent() {
        return agent;
    }

    public void setAgent(MonitoringAgent agent) {
        this.agent = agent;
    }

    public PrometheusSpec getPrometheus() {
        return prometheus;
    }

    public void setPrometheus(PrometheusSpec prometheus) {
        this.prometheus = prometheus;
    }
}
