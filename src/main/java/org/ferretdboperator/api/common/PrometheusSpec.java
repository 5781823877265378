package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusSpec {

    private ExporterSpec exporter;

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
