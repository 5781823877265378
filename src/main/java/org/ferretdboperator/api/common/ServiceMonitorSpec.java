package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceMonitorSpec {

    @JsonPropertyDescription("Labels of the ServiceMonitor (the ones your Prometheus selects by).")
    private Map<String, String> labels;

    @JsonPropertyDescription("Scrape interval, e.g. 30s.")
    @Pattern("^([0-9]+(ms|s|m|h))+$")
    private String interval;

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }

    public String getInterval() {
        return interval;
    }

    public void setInterval(String interval) {
        this.interval = interval;
    }
}
