package org.ferretdboperator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ops.ApplyOption;
import org.ferretdboperator.api.ops.DatabaseRef;
import org.ferretdboperator.api.ops.OpsRequestPhase;
import org.ferretdboperator.api.ops.PostgresOpsRequestSpec;
import org.junit.jupiter.api.Test;

class OpsAdmissionTest {

    static final List<String> SUPPORTED = List.of("Switchover", "Restart");

    static PostgresOpsRequestSpec spec(String timeout, ApplyOption apply) {
        PostgresOpsRequestSpec spec = new PostgresOpsRequestSpec();
        DatabaseRef ref = new DatabaseRef();
        ref.setName("pg");
        spec.setDatabaseRef(ref);
        spec.setTimeout(timeout);
        spec.setApply(apply);
        return spec;
    }

    static OpsAdmission.Facts facts(PostgresOpsRequestSpec spec, String type, Optional<String> problem, boolean found,
            Phase dbPhase, OpsRequestPhase phase, List<OpsQueue.Entry> same) {
        return new OpsAdmission.Facts("PostgresOpsRequest", "Postgres", "me", "demo", spec, type, SUPPORTED, problem, found, dbPhase,
                phase, same);
    }

    static OpsAdmission.Facts ready(PostgresOpsRequestSpec spec, String type) {
        return facts(spec, type, Optional.empty(), true, Phase.READY, null, List.of(new OpsQueue.Entry("me", "2026-12-06T10:00:00Z", null)));
    }

    @Test
    void aMissingDatabaseIsRefusedFirstNamingTheField() {
        var v = OpsAdmission.judge(facts(spec("nonsense", null), "Nope", Optional.of("x"), false, null, null, List.of()));
        assertThat(v).isEqualTo(new OpsAdmission.Refuse(OpsStatus.REASON_DATABASE_NOT_FOUND,
                "spec.databaseRef.name: there is no Postgres pg in namespace demo; nothing was changed"));
    }

    @Test
    void anUnsupportedTypeIsRefusedListingTheSupportedOnes() {
        var v = OpsAdmission.judge(ready(spec(null, null), "VerticalScaling"));
        assertThat(v).isEqualTo(new OpsAdmission.Refuse(OpsStatus.REASON_NOT_SUPPORTED, "spec.type: VerticalScaling is not "
                + "supported yet by this operator (supported: Switchover, Restart); nothing was changed"));
    }

    @Test
    void aTypeProblemIsRefusedWithItsFieldBeforeAnythingElse() {
        var v = OpsAdmission.judge(facts(spec("bad", null), "Restart", Optional.of("spec.restart.x: wrong"), true, Phase.READY,
                null, List.of()));
        assertThat(v).isEqualTo(new OpsAdmission.Refuse(OpsStatus.REASON_INVALID, "spec.restart.x: wrong; nothing was changed"));
    }

    @Test
    void anUnreadableTimeoutIsRefusedNamingTheField() {
        var v = OpsAdmission.judge(ready(spec("5 minutes", null), "Restart"));
        assertThat(v).isInstanceOf(OpsAdmission.Refuse.class);
        assertThat(((OpsAdmission.Refuse) v).message()).startsWith("spec.timeout: ").endsWith("; nothing was changed");
    }

    @Test
    void anOlderUnfinishedRequestOnTheSameDatabaseGoesFirst() {
        var same = List.of(new OpsQueue.Entry("older", "2026-12-06T09:00:00Z", OpsRequestPhase.PENDING),
                new OpsQueue.Entry("me", "2026-12-06T10:00:00Z", null));
        var v = OpsAdmission.judge(facts(spec(null, null), "Restart", Optional.empty(), true, Phase.READY, null, same));
        assertThat(v).isEqualTo(new OpsAdmission.Queue("waiting for PostgresOpsRequest older on Postgres pg to finish (one "
                + "request at a time per database)"));
    }

    @Test
    void ifReadyRefusesToStartOnADatabaseThatIsNotReadyAndAlwaysStarts() {
        var notReady = facts(spec(null, null), "Restart", Optional.empty(), true, Phase.CRITICAL, null, List.of());
        assertThat(OpsAdmission.judge(notReady)).isEqualTo(new OpsAdmission.Refuse(OpsStatus.REASON_NOT_READY,
                "spec.apply: IfReady, and Postgres pg is Critical; nothing was changed (apply: Always starts on a database "
                        + "that is not Ready)"));
        var always = facts(spec(null, ApplyOption.ALWAYS), "Restart", Optional.empty(), true, null, null, List.of());
        assertThat(OpsAdmission.judge(always)).isEqualTo(new OpsAdmission.Run(OpsStatus.DEFAULT_TIMEOUT, true));
    }

    @Test
    void aRunningRequestGoesOnWhateverTheDatabasePhaseNow() {
        var running = facts(spec("90s", null), "Restart", Optional.empty(), true, Phase.NOT_READY, OpsRequestPhase.PROGRESSING,
                List.of(new OpsQueue.Entry("me", "2026-12-06T10:00:00Z", OpsRequestPhase.PROGRESSING)));
        assertThat(OpsAdmission.judge(running)).isEqualTo(new OpsAdmission.Run(Duration.ofSeconds(90), false));
    }
}
