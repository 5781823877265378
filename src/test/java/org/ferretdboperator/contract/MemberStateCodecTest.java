package org.ferretdboperator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.ferretdboperator.coordinator.decision.MemberState;
import org.junit.jupiter.api.Test;

class MemberStateCodecTest {

    @Test
    void roundTripsAndToleratesUnknownFieldsAndGarbage() {
        MemberState s = new MemberState(MemberState.STANDBY, 3, 0x5000, false, "pg-0.pods:5432", true, "pg-1.pods:5432", false,
                "1234", -7L, 9);
        assertThat(MemberStateCodec.decode(MemberStateCodec.encode(s))).contains(s);
        String newer = MemberStateCodec.encode(s).replace("{", "{\"futureField\":1,");
        assertThat(MemberStateCodec.decode(newer)).contains(s);
        assertThat(MemberStateCodec.decode("not json")).isEmpty();
        assertThat(MemberStateCodec.decode(null)).isEmpty();
    }

    @Test
    void aProblemTravelsAndItsAbsenceCostsNothing() {
        MemberState plain = new MemberState(MemberState.STOPPED, 1, 0x5000, false, null, false, "pg-0.pods:5432", false,
                null, 7L, 2);
        assertThat(MemberStateCodec.encode(plain)).doesNotContain("problem").doesNotContain("null");
        MemberState stuck = plain.withProblem("the image lacks pg_cron.so");
        assertThat(MemberStateCodec.decode(MemberStateCodec.encode(stuck))).contains(stuck);
        // what a coordinator of the previous release published reads as no problem
        assertThat(MemberStateCodec.decode(MemberStateCodec.encode(plain)).orElseThrow().problem()).isNull();
    }

    @Test
    void theArchiverStateTravelsAndAnOlderCoordinatorsStateReadsWithoutIt() {
        MemberState plain = new MemberState(MemberState.PRIMARY, 2, 0x5000, false, null, true, "pg-0.pods:5432", false,
                null, 7L, 2);
        assertThat(MemberStateCodec.encode(plain)).doesNotContain("archiver");
        MemberState archiving = plain.withArchiver(new org.ferretdboperator.coordinator.decision.ArchiverState(12,
                "000000020000000000000007", "2026-12-06T15:00:10.123Z", 1, "000000010000000000000005",
                "2026-12-06T14:00:00Z"));
        assertThat(MemberStateCodec.decode(MemberStateCodec.encode(archiving))).contains(archiving);
        assertThat(MemberStateCodec.decode(MemberStateCodec.encode(plain)).orElseThrow().archiver()).isNull();
    }
}
