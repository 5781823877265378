package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceMonitorSpec {

    private Map<String, String> labels;

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
