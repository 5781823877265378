package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusSpec {

    @JsonPropertyDescription("The metrics exporter. Accepted for compatibility; not acted on yet.")
    private ExporterSpec exporter;

    @JsonPropertyDescription("The ServiceMonitor KubeDB would create. Accepted for compatibility; not acted on yet.")
    private ServiceMonitorSpec serviceMonitor;

    public ExporterSpec getExporter() {
        return exporter;
    }

    public void setExporter(ExporterSpec exporter) {
        this.exporter = exporter;
    }

    public ServiceMonitorSpec getServiceMonitor() {
        return serviceMonitor;
    }

    public void setServiceMonitor(ServiceMonitorSpec serviceMonitor) {
        this.serviceMonitor = serviceMonitor;
    }
}
