package org.ferretdboperator.coordinator.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API-outage failsafe: when a primary that cannot renew its Lease may keep serving, and when a standby whose
 * leader may be doing so may promote. Pure.
 *
 * <p>The rule (docs/architecture.md, "API-outage failsafe"): past its renew deadline a primary keeps its role only
 * while (a) every renew attempt since its last successful one went unanswered by the API server (no connection,
 * timed out, or a 5xx/429 that says the server could not process it) and (b) every other configured member has
 * flushed WAL that this primary wrote at most renewDeadline ago, so each one is alive, reachable and streaming from
 * it. An answer that refused a renew (a lost compare-and-swap, any other 4xx) or a member that
 * stops acknowledging fences it as before. No member promotes without the API (promotion is a compare-and-swap on the
 * Lease), and a standby whose WAL receiver ran within the last leaseDuration does not promote in Asynchronous mode:
 * until renewDeadline after its last reply the old primary may count it as following.
 */
public final class ApiOutageFailsafe {

    private ApiOutageFailsafe() {
    }

    /** What the renew attempts since this member's last successful Lease write met. */
    public enum RenewFailures {
        /** None failed. */
        NONE,
        /** Each failed one got no answer from the API server: refused, reset or timed-out connections, 5xx or 429. */
        UNANSWERED,
        /** At least one was refused by the API server: a lost compare-and-swap (409) or another 4xx. */
        REFUSED
    }

    /** What the primary does past its renew deadline. */
    public enum State {
        /** The Lease was renewed within renewDeadline: the failsafe is not involved. */
        RENEWED,
        /** The API server is unreachable and every other member follows this primary directly: keep serving. */
        ACTIVE,
        /** Fence, as without the failsafe. */
        FENCE
    }

    public record Verdict(State state, String reason) {

        public boolean keepServing() {
            return state != State.FENCE;
        }

        public boolean active() {
            return state == State.ACTIVE;
        }
    }

    /**
     * The primary's judgement.
     *
     * @param config              cluster configuration (members, renewDeadline)
     * @param self                this member
     * @param holding             this member still holds the Lease by its own last write (not fenced, released or
     *                            beaten to it since)
     * @param failures            the renew attempts since the last successful one
     * @param sinceOwnRenewMillis ms since this process's last successful renew was sent, -1 if none
     * @param confirmedAgoMillis  per other member: ms since the send of the oldest WAL it has acknowledged among what
     *                            this primary wrote while checking (absent: it acknowledged none)
     */
    public static Verdict primary(ClusterConfig config, String self, boolean holding, RenewFailures failures,
            long sinceOwnRenewMillis, Map<String, Long> confirmedAgoMillis) {
        long deadline = config.renewDeadlineMillis();
        if (sinceOwnRenewMillis < 0) {
            return new Verdict(State.FENCE, "no Lease renewal by this coordinator process");
        }
        if (!holding) {
            // a fence ends holding: only a successful Lease write starts it again, never the failsafe
            return new Verdict(State.FENCE, "this member no longer holds the Lease (fenced, released or lost)");
        }
        if (sinceOwnRenewMillis <= deadline) {
            return new Verdict(State.RENEWED, "Lease renewed " + sinceOwnRenewMillis + " ms ago");
        }
        String late = "Lease not renewed for " + sinceOwnRenewMillis + " ms (renewDeadline " + deadline + " ms)";
        if (failures == RenewFailures.REFUSED) {
            return new Verdict(State.FENCE, late + " and the API server refused a renew");
        }
        if (failures == RenewFailures.NONE) {
            // nothing failed, so the renews were not sent in time: a starved or stuck process, not an API outage
            return new Verdict(State.FENCE, late + " without a failed renew attempt");
        }
        List<String> notFollowing = new ArrayList<>();
        long oldest = 0;
        for (String member : config.members()) {
            if (member.equals(self)) {
                continue;
            }
            Long ago = confirmedAgoMillis.get(member);
            if (ago == null || ago < 0 || ago > deadline) {
                notFollowing.add(member + (ago == null || ago < 0 ? " (no acknowledgement)" : " (last " + ago + " ms ago)"));
            } else {
                oldest = Math.max(oldest, ago);
            }
        }
        if (!notFollowing.isEmpty()) {
            return new Verdict(State.FENCE, late + ", the API server unreachable, and " + String.join(", ", notFollowing)
                    + " not streaming from this primary within renewDeadline");
        }
        return new Verdict(State.ACTIVE, "API server unreachable for " + sinceOwnRenewMillis + " ms: every other member "
                + "streams from this primary (oldest acknowledgement " + oldest + " ms ago), keeping the primary role");
    }

    /**
     * Asynchronous mode: why a standby about to promote must wait first, empty when it need not. The old leader, were
     * it serving through an API outage, counts this member as following until renewDeadline after its last reply, so
     * the standby waits until its WAL receiver has been stopped for a leaseDuration (the Lease's own margin). Synchronous
     * mode needs no wait: the candidate's proof needs final positions (stopped receivers) from so many members of the
     * synchronous set that the old primary can no longer gather a quorum of acknowledgements. Nor does a leader that
     * recorded its final position (a graceful stop): it released the Lease and serves no more.
     */
    public static Optional<String> standbyMustWait(ClusterConfig config, LocalInstance local, LeaderRecord last) {
        if (config.synchronous() || Lsn.known(last.finalLsn())) {
            // a leader that recorded its final position stopped and let go of the Lease: it serves nothing more
            return Optional.empty();
        }
        if (local.walReceiverStreaming() || local.receiverDownMillis() < config.leaseDurationMillis()) {
            return Optional.of("failover waits: WAL receiver stopped " + local.receiverDownMillis() + " ms ago, under "
                    + "leaseDuration " + config.leaseDurationMillis() + " ms, and a leader serving through an API outage "
                    + "may still count this member as following");
        }
        return Optional.empty();
    }
}
