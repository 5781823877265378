package org.ferretdboperator.api.ferretdb;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import org.ferretdboperator.api.common.PodTemplate;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServerGroupSpec {

    @JsonPropertyDescription("FerretDB server pods of this group.")
    @Min(0)
    private Integer replicas;

    @JsonPropertyDescription("Overrides for this group's FerretDB pods.")
    private PodTemplate podTemplate;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public PodTemplate getPodTemplate() {
        return podTemplate;
    }

    public void setPodTemplate(PodTemplate podTemplate) {
        this.podTemplate = podTemplate;
    }
}
