package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** KubeDB's PostgresHorizontalScalingSpec: how many backend members the Postgres should have. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresHorizontalScalingSpec {

    @JsonPropertyDescription("The number of members after the request (at least 2: a member is removed only while another standby can take its place in the synchronous set).")
    private Integer replicas;

    @JsonPropertyDescription("KubeDB's field; accepted, and a request that sets it fails naming it (change spec.standbyMode on the Postgres).")
    private String standbyMode;

    @JsonPropertyDescription("KubeDB's field; accepted, and a request that sets it fails naming it (change spec.streamingMode on the Postgres).")
    private String streamingMode;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getStandbyMode() {
        return standbyMode;
    }

    public void setStandbyMode(String standbyMode) {
        this.standbyMode = standbyMode;
    }

    public String getStreamingMode() {
        return streamingMode;
    }

    public void setStreamingMode(String streamingMode) {
        this.streamingMode = streamingMode;
    }
}
