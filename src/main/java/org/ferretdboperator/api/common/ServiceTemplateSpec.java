package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.Map;

/** Overrides for one generated Service, chosen by alias. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceTemplateSpec {

    @JsonPropertyDescription("Which Service: primary (<name>) or secondary (<name>-secondary).")
    @Required
    private ServiceAlias alias;

    @JsonPropertyDescription("Labels added to the Service.")
    private Map<String, String> labels;

    @JsonPropertyDescription("Annotations added to the Service (e.g. a cloud load balancer's settings).")
    private Map<String, String> annotations;

    @JsonPropertyDescription("Overrides of the Service's spec.")
    private ServiceTemplateOverrides spec;

    public ServiceAlias getAlias() {
        return alias;
    }

    public void setAlias(ServiceAlias alias) {
        this.alias = alias;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    public ServiceTemplateOverrides getSpec() {
        return spec;
    }

    public void setSpec(ServiceTemplateOverrides spec) {
        this.spec = spec;
    }
}
