package org.ferretdboperator.ops;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ops.OpsRequestPhase;
import org.ferretdboperator.api.ops.OpsRequestSpecBase;

/**
 * Whether a request may run this time, for both request kinds: its database exists, its type is one this operator
 * carries out and its fields can be honoured, its timeout reads, no other request on the same database goes first
 * (one at a time), and, when it has not started yet, {@code apply: IfReady} finds the database Ready. A refusal names
 * the field and comes before anything is changed. Pure.
 */
final class OpsAdmission {

    /**
     * What the reconciler observed.
     *
     * @param requestKind   PostgresOpsRequest or FerretDBOpsRequest
     * @param databaseKind  Postgres or FerretDB
     * @param requestName   this request's name
     * @param namespace     its namespace (the database's too)
     * @param spec          its spec
     * @param type          its type as KubeDB spells it
     * @param supported     the types this operator carries out for the kind, as spelled
     * @param typeProblem   what the type's own fields cannot honour, starting with the field (empty: nothing)
     * @param databaseFound the database named by spec.databaseRef exists
     * @param databasePhase its status.phase, null when it reports none
     * @param phase         this request's phase so far, null before its first status
     * @param sameDatabase  the requests on the same database (this one included)
     */
    record Facts(String requestKind, String databaseKind, String requestName, String namespace, OpsRequestSpecBase spec, String type,
            List<String> supported, Optional<String> typeProblem, boolean databaseFound, Phase databasePhase,
            OpsRequestPhase phase, List<OpsQueue.Entry> sameDatabase) {
    }

    sealed interface Verdict {
    }

    /** Failed at once with this reason and message; nothing was changed. */
    record Refuse(String reason, String message) implements Verdict {
    }

    /** Pending: another request on the same database goes first. */
    record Queue(String message) implements Verdict {
    }

    /**
     * May run its next step.
     *
     * @param starting the request has not started yet: it becomes Progressing now (its start event is due)
     */
    record Run(Duration timeout, boolean starting) implements Verdict {
    }

    private OpsAdmission() {
    }

    static Verdict judge(Facts f) {
        String database = f.spec().getDatabaseRef().getName();
        String nothingChanged = "; nothing was changed";
        if (!f.databaseFound()) {
            return new Refuse(OpsStatus.REASON_DATABASE_NOT_FOUND, "spec.databaseRef.name: there is no " + f.databaseKind()
                    + " " + database + " in namespace " + f.namespace() + nothingChanged);
        }
        if (!f.supported().contains(f.type())) {
            return new Refuse(OpsStatus.REASON_NOT_SUPPORTED, "spec.type: " + f.type() + " is not supported yet by this "
                    + "operator (supported: " + String.join(", ", f.supported()) + ")" + nothingChanged);
        }
        if (f.typeProblem().isPresent()) {
            return new Refuse(OpsStatus.REASON_INVALID, f.typeProblem().get() + nothingChanged);
        }
        Duration timeout;
        try {
            timeout = OpsStatus.timeout(f.spec());
        } catch (IllegalArgumentException e) {
            return new Refuse(OpsStatus.REASON_INVALID, "spec.timeout: " + e.getMessage() + nothingChanged);
        }
        Optional<OpsQueue.Entry> blocker = OpsQueue.blocker(f.requestName(), f.sameDatabase());
        if (blocker.isPresent()) {
            return new Queue("waiting for " + f.requestKind() + " " + blocker.get().name() + " on " + f.databaseKind() + " "
                    + database + " to finish (one request at a time per database)");
        }
        boolean starting = f.phase() != OpsRequestPhase.PROGRESSING;
        if (starting && OpsStatus.ifReady(f.spec()) && f.databasePhase() != Phase.READY) {
            return new Refuse(OpsStatus.REASON_NOT_READY, "spec.apply: IfReady, and " + f.databaseKind() + " " + database
                    + " is " + (f.databasePhase() == null ? "not reporting a phase" : f.databasePhase().displayName())
                    + nothingChanged + " (apply: Always starts on a database that is not Ready)");
        }
        return new Run(timeout, starting);
    }

    /** Records a refusal (Failed) or a wait (Pending) in {@code status}; the request's timeout when it may run. */
    static Optional<Duration> record(Verdict verdict, OpsStatus status) {
        return switch (verdict) {
            case Refuse r -> {
                status.failed(r.reason(), r.message());
                yield Optional.empty();
            }
            case Queue q -> {
                status.pending(q.message());
                yield Optional.empty();
            }
            case Run run -> Optional.of(run.timeout());
        };
    }
}
