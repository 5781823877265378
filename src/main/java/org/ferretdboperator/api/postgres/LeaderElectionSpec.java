package org.ferretdboperator.api.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Timings of the coordinators' Lease. The primary fences itself when it cannot renew within renewDeadline; a standby may take over only after observing the Lease unchanged for leaseDuration on its own monotonic clock. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.leaseDurationMillis > self.renewDeadlineMillis && self.renewDeadlineMillis >= 2 * self.retryPeriodMillis", message = "spec.leaderElection: leaseDurationMillis must exceed renewDeadlineMillis, which must be at least twice retryPeriodMillis")
public class LeaderElectionSpec {

    @JsonPropertyDescription("How long a Lease stays valid without renewal, in milliseconds.")
    @Min(500)
    @Max(120000)
    @Default("2000")
    private Integer leaseDurationMillis;

    @JsonPropertyDescription("How long the primary keeps trying to renew before it fences itself, in milliseconds.")
    @Min(200)
    @Max(60000)
    @Default("1200")
    private Integer renewDeadlineMillis;

    @JsonPropertyDescription("How often coordinators observe and renew, in milliseconds.")
    @Min(50)
    @Max(10000)
    @Default("200")
    private Integer retryPeriodMillis;

    @JsonPropertyDescription("Asynchronous mode: a standby further behind than this many bytes is never promoted.")
    @Min(0)
    @Default("67108864")
    private Long maximumLagBeforeFailover;

    public Integer getLeaseDurationMillis() {
        return leaseDurationMillis;
    }

    public void setLeaseDurationMillis(Integer leaseDurationMillis) {
        this.leaseDurationMillis = leaseDurationMillis;
    }

    public Integer getRenewDeadlineMillis() {
        return renewDeadlineMillis;
    }

    public void setRenewDeadlineMillis(Integer renewDeadlineMillis) {
        this.renewDeadlineMillis = renewDeadlineMillis;
    }

    public Integer getRetryPeriodMillis() {
        return retryPeriodMillis;
    }

    public void setRetryPeriodMillis(Integer retryPeriodMillis) {
        this.retryPeriodMillis = retryPeriodMillis;
    }

    public Long getMaximumLagBeforeFailover() {
        return maximumLagBeforeFailover;
    }

    public void setMaximumLagBeforeFailover(Long maximumLagBeforeFailover) {
        this.maximumLagBeforeFailover = maximumLagBeforeFailover;
    }
}
