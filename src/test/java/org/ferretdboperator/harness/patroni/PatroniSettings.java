package org.ferretdboperator.harness.patroni;

/**
 * The two Patroni configurations the benchmark runs beside ours. Timings are Patroni's own (dynamic configuration in
 * the DCS, {@code bootstrap.dcs}); nothing is tuned below what Patroni documents and accepts: since 3.2.0 it enforces
 * {@code ttl >= 20}, {@code loop_wait >= 1}, {@code retry_timeout >= 3} and {@code loop_wait + 2 * retry_timeout <= ttl}
 * (patroni/config.py {@code _validate_and_adjust_timeouts}), and {@code primary_start_timeout: 0} is its documented way
 * to fail a crashed primary over instead of restarting it in place.
 *
 * <p>Both run {@code synchronous_mode: true}, not strict ({@code synchronous_mode_strict: false}, Patroni's default):
 * only a member listed as synchronous may be promoted, so no acknowledged write is lost when the primary fails, and the
 * primary keeps accepting writes when no standby is left (strict mode would refuse them, as our Synchronous mode does;
 * for guide case 1 a standby always survives, and strict mode only costs Patroni time, see
 * reference/patroni-baseline.md).
 */
public enum PatroniSettings {

    /** What a user gets without setting any timing: ttl 30, loop_wait 10, retry_timeout 10, primary_start_timeout 300. */
    DEFAULT("patroni-default", 30, 10, 10, null),

    /** The fastest documented and accepted timings, as in the baseline: ttl 20, loop_wait 1, retry_timeout 3, primary_start_timeout 0. */
    FAST("patroni-fast", 20, 1, 3, 0);

    /** The system's name in the benchmark ({@code --systems}). */
    public final String system;
    public final int ttl;
    public final int loopWait;
    public final int retryTimeout;
    /** null: Patroni's default (300 s). */
    public final Integer primaryStartTimeout;

    PatroniSettings(String system, int ttl, int loopWait, int retryTimeout, Integer primaryStartTimeout) {
        this.system = system;
        this.ttl = ttl;
        this.loopWait = loopWait;
        this.retryTimeout = retryTimeout;
        this.primaryStartTimeout = primaryStartTimeout;
    }

    public static PatroniSettings bySystem(String system) {
        for (PatroniSettings s : values()) {
            if (s.system.equals(system)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no Patroni configuration named " + system);
    }

    /** One line for the report. */
    public String describe() {
        return "ttl %d, loop_wait %d, retry_timeout %d, primary_start_timeout %s, synchronous_mode: true (not strict)"
                .formatted(ttl, loopWait, retryTimeout, primaryStartTimeout == null ? "300 (default)" : primaryStartTimeout);
    }

    /** The {@code bootstrap.dcs} block (YAML, indented for its place in the member configuration). */
    String dcsYaml(String pgParametersYaml) {
        StringBuilder y = new StringBuilder();
        y.append("    ttl: ").append(ttl).append('\n');
        y.append("    loop_wait: ").append(loopWait).append('\n');
        y.append("    retry_timeout: ").append(retryTimeout).append('\n');
        if (primaryStartTimeout != null) {
            y.append("    primary_start_timeout: ").append(primaryStartTimeout).append('\n');
        }
        y.append("    maximum_lag_on_failover: 1048576\n");
        y.append("    synchronous_mode: true\n");
        y.append("    synchronous_mode_strict: false\n");
        y.append("    postgresql:\n");
        y.append("      use_pg_rewind: true\n");
        y.append("      use_slots: true\n");
        y.append("      parameters:\n").append(pgParametersYaml);
        return y.toString();
    }
}
