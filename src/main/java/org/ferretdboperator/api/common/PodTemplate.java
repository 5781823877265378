package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;

/** What a user may set on generated pods. Deliberately narrower than a full PodTemplate: containers, volumes and probes are the operator's, so that a pod is Ready only when its database really serves its role. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplate {

    @JsonPropertyDescription("Labels and annotations added to the pods.")
    private PodTemplateMetadata metadata;

    @JsonPropertyDescription("Overrides of the pods' spec.")
    private PodTemplateOverrides spec;

    public PodTemplateMetadata getMetadata() {
        return metadata;
    }

    public void setMetadata(PodTemplateMetadata metadata) {
        this.metadata = metadata;
    }

    public PodTemplateOverrides getSpec() {
        return spec;
    }

    public void setSpec(PodTemplateOverrides spec) {
        this.spec = spec;
    }
}
