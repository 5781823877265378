package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** How often and how strictly the operator probes the database through its real client path. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthCheckerSpec {

    @JsonPropertyDescription("KubeDB health checker: seconds between checks. Accepted for compatibility; not acted on yet (the pg-coordinator checks every member continuously).")
    @Min(1)
    @Default("10")
    private Integer periodSeconds;

    @JsonPropertyDescription("KubeDB health checker: timeout of one check, in seconds. Accepted for compatibility; not acted on yet.")
    @Min(1)
    @Default("10")
    private Integer timeoutSeconds;

    @JsonPropertyDescription("KubeDB health checker: failed checks before the database is reported unhealthy. Accepted for compatibility; not acted on yet.")
    @Min(1)
    @Default("1")
    private Integer failureThreshold;

    @JsonPropertyDescription("KubeDB health checker: skip the write check. Accepted for compatibility; not acted on yet.")
    @Default("false")
    private Boolean disableWriteCheck;

    public Integer getPeriodSeconds() {
        return periodSeconds;
    }

    public void setPeriodSeconds(Integer periodSeconds) {
        this.periodSeconds = periodSeconds;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public Integer getFailureThreshold() {
        return failureThreshold;
    }

    public void setFailureThreshold(Integer failureThreshold) {
        this.failureThreshold = failureThreshold;
    }

    public Boolean getDisableWriteCheck() {
        return disableWriteCheck;
    }

    public void setDisableWriteCheck(Boolean disableWriteCheck) {
        this.disableWriteCheck = disableWriteCheck;
    }
}
