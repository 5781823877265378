package org.ferretdboperator;

import org.ferretdboperator.contract.PodContract;

/** Which of the binary's two modes this process runs: the operator (default) or the pg-coordinator sidecar. */
public final class Mode {

    /** Set by {@link Main} from its first argument; the environment variable is the fallback. */
    static final String PROPERTY = "ferretdb-operator.mode";

    private Mode() {
    }

    public static boolean coordinator() {
        String mode = System.getProperty(PROPERTY, System.getenv(PodContract.ENV_MODE));
        return PodContract.MODE_COORDINATOR.equals(mode);
    }
}
