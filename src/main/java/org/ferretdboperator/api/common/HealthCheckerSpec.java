package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** How often and how strictly the operator probes the database through its real client path. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthCheckerSpec {

    @Min(1)
    @Default("10")
    private Integer periodSeconds;

    @Min(1)
    @Default("10")
    private Integer timeoutSeconds;

    @Min(1)
    @Default("1")
    private Integer failureThreshold;

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
