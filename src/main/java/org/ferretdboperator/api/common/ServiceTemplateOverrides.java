package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;

/** The Service fields a user may change; selectors and ports stay the operator's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceTemplateOverrides {

    @JsonPropertyDescription("Service type: ClusterIP, NodePort or LoadBalancer.")
    @Pattern("^(ClusterIP|NodePort|LoadBalancer)$")
    private String type;

    @JsonPropertyDescription("Client CIDRs allowed through a LoadBalancer Service.")
    private List<String> loadBalancerSourceRanges;

    @JsonPropertyDescription("Cluster or Local, for NodePort and LoadBalancer Services.")
    private String externalTrafficPolicy;

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public List<String> getLoadBalancerSourceRanges() {
        return loadBalancerSourceRanges;
    }

    public void setLoadBalancerSourceRanges(List<String> loadBalancerSourceRanges) {
        this.loadBalancerSourceRanges = loadBalancerSourceRanges;
    }

    public String getExternalTrafficPolicy() {
        return externalTrafficPolicy;
    }

    public void setExternalTrafficPolicy(String externalTrafficPolicy) {
        this.externalTrafficPolicy = externalTrafficPolicy;
    }
}
