package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What a forced failover did and may have lost, copied from the record the promoted member wrote into the Lease. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ForceFailOverStatus {

    @JsonPropertyDescription("The member that was promoted.")
    private String promoted;

    @JsonPropertyDescription("Its WAL position when it took over: everything up to here was kept.")
    private String promotedLsn;

    @JsonPropertyDescription("The Lease term it took.")
    private Integer term;

    @JsonPropertyDescription("The leader whose Lease had lapsed (absent when the Lease had been released).")
    private String previousLeader;

    @JsonPropertyDescription("That leader's flushed WAL position at its last Lease renewal; absent when it was not recorded.")
    private String previousLeaderLsn;

    @JsonPropertyDescription("Bytes of WAL between the two positions that the promoted member did not hold: a lower bound of "
            + "what was lost (WAL the old leader wrote after its last renewal is not counted). Absent when unknown.")
    private Long lostBytesAtLeast;

    public String getPromoted() {
        return promoted;
    }

    public void setPromoted(String promoted) {
        this.promoted = promoted;
    }

    public String getPromotedLsn() {
        return promotedLsn;
    }

    public void setPromotedLsn(String promotedLsn) {
        this.promotedLsn = promotedLsn;
    }

    public Integer getTerm() {
        return term;
    }

    public void setTerm(Integer term) {
        this.term = term;
    }

    public String getPreviousLeader() {
        return previousLeader;
    }

    public void setPreviousLeader(String previousLeader) {
        this.previousLeader = previousLeader;
    }

    public String getPreviousLeaderLsn() {
        return previousLeaderLsn;
    }

    public void setPreviousLeaderLsn(String previousLeaderLsn) {
        this.previousLeaderLsn = previousLeaderLsn;
    }

    public Long getLostBytesAtLeast() {
        return lostBytesAtLeast;
    }

    public void setLostBytesAtLeast(Long lostBytesAtLeast) {
        this.lostBytesAtLeast = lostBytesAtLeast;
    }
}
