package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class WalPositionsTest {

    @Test
    void lsnRoundTripsPostgresTextForm() {
        assertThat(Lsn.parse("0/3000060")).isEqualTo(0x3000060L);
        assertThat(Lsn.parse("1A/FF")).isEqualTo((0x1AL << 32) | 0xFF);
        assertThat(Lsn.format(Lsn.parse("16/B374D848"))).isEqualTo("16/B374D848");
        assertThat(Lsn.parse(null)).isEqualTo(Lsn.UNKNOWN);
        assertThatThrownBy(() -> Lsn.parse("3000060")).hasMessageContaining("not an LSN");
    }

    @Test
    void historyFileParsesAndEncodes() {
        TimelineHistory h = TimelineHistory.parseHistoryFile("1\t0/3000060\tno recovery target specified\n\n"
                + "2\t0/5000000\tno recovery target specified\n");
        assertThat(h.endOf(1)).contains(0x3000060L);
        assertThat(h.endOf(2)).contains(0x5000000L);
        assertThat(TimelineHistory.decode(h.encode())).isEqualTo(h);
    }

    @Test
    void divergenceIsJudgedAgainstTheForkPoint() {
        TimelineHistory h = TimelineHistory.decode("1:0/1000,2:0/2000");
        assertThat(h.diverged(2, 0x2000, 3)).isFalse();
        assertThat(h.diverged(2, 0x2001, 3)).isTrue();
        assertThat(h.diverged(1, 0x1500, 3)).isTrue();
        assertThat(h.diverged(3, 0x9999, 3)).isFalse();
        assertThat(h.diverged(4, 0x10, 3)).as("a timeline the leader never had").isTrue();
        assertThat(TimelineHistory.EMPTY.diverged(1, 5, 2)).as("unknown fork point").isTrue();
    }

    @Test
    void syncSettingWritesQuotedQuorumAndReadsItBack() {
        SyncSetting s = new SyncSetting(1, Set.of("pg-2", "pg-1"));
        assertThat(s.toPostgres()).isEqualTo("ANY 1 (\"pg-1\",\"pg-2\")");
        assertThat(SyncSetting.parse(s.toPostgres())).isEqualTo(s);
        assertThat(SyncSetting.parse("")).isEqualTo(SyncSetting.NONE);
        assertThat(SyncSetting.NONE.toPostgres()).isEmpty();
    }

    @Test
    void settingsNotWrittenByTheCoordinatorAreUnmanaged() {
        assertThat(SyncSetting.parse("FIRST 1 (a, b)")).isSameAs(SyncSetting.UNMANAGED);
        assertThat(SyncSetting.parse("*")).isSameAs(SyncSetting.UNMANAGED);
        assertThat(SyncSetting.parse("ANY 3 (a, b)")).isSameAs(SyncSetting.UNMANAGED);
        assertThat(SyncSetting.UNMANAGED.isEmpty()).isFalse();
    }

    @Test
    void slotNamesFollowMemberNames() {
        assertThat(Slots.nameFor("ferret-pg-backend-2")).isEqualTo("ferret_pg_backend_2");
        assertThat(Slots.isMemberSlot("ferret_pg_backend_7", "ferret-pg-backend-0")).isTrue();
        assertThat(Slots.isMemberSlot("backup", "ferret-pg-backend-0")).isFalse();
        assertThat(Slots.isMemberSlot("other_pg_1", "ferret-pg-backend-0")).isFalse();
    }
}
