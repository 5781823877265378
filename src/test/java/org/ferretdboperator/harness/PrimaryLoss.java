package org.ferretdboperator.harness;

import java.util.List;
import java.util.Optional;

/**
 * The scenarios every {@link HaSystem} runs, with the same fault, timing and checks, so the benchmark compares the
 * agents and nothing else: the primary lost as guide case 1 loses it. Our {@link Scenario} constants of the same slugs
 * run these definitions.
 */
public enum PrimaryLoss {

    /** Guide case 1: {@code kubectl delete pod} of the primary (SIGTERM to its agent, the grace period, then back). */
    DELETE("case1-delete-primary", true, false),

    /** Guide case 1 as a crash: SIGKILL of every process of the primary's pod, which comes back at once. */
    KILL("case1-kill-primary", false, false),

    /**
     * Guide case 1 as a lost node: SIGKILL of every process of the primary's pod, which comes back only once another
     * member serves writes (a dead node's pods are rescheduled minutes later).
     */
    NODE_LOST("case1-node-lost", false, true);

    public final String slug;
    private final boolean graceful;
    private final boolean backAfterFailover;

    PrimaryLoss(String slug, boolean graceful, boolean backAfterFailover) {
        this.slug = slug;
        this.graceful = graceful;
        this.backAfterFailover = backAfterFailover;
    }

    public static Optional<PrimaryLoss> bySlug(String slug) {
        for (PrimaryLoss p : values()) {
            if (p.slug.equals(slug)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** One run on a settled system; the system is settled again when it returns. */
    public Outcome runOn(HaSystem system) throws Exception {
        return Experiment.run(system, slug, this::inject, this::verify);
    }

    void inject(Experiment<?> x) {
        String primary = x.before().primary();
        Runnable beforeRestart = () -> {
            if (backAfterFailover) {
                String successor = x.awaitOtherPrimaryAcknowledging(primary, x.faultNanos());
                x.note("%s serves writes %.3f s after the fault; %s comes back", successor,
                        Harness.seconds(System.nanoTime() - x.faultNanos()), primary);
            }
        };
        x.deletePods(List.of(primary), graceful, beforeRestart, List.of(primary));
    }

    void verify(Experiment<?> x, Outcome o) {
        if (backAfterFailover) {
            x.check(!o.primaryAfter().equals(o.primaryBefore()), "%s was lost, yet the primary did not move", o.primaryBefore());
        }
    }
}
