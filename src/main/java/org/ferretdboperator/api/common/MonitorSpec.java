package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Prometheus scraping of the object's metrics endpoints (KubeDB's monitor block). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitorSpec {

    private MonitoringAgent agent;

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
