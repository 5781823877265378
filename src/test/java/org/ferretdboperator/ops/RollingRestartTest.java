package org.ferretdboperator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ferretdboperator.ops.RollingRestart.PodView;
import org.junit.jupiter.api.Test;

class RollingRestartTest {

    static final String REQUEST = "2026-12-06T12:00:00Z";
    static final String OLD = "2026-12-06T11:00:00Z";
    static final String NEW = "2026-12-06T12:00:05Z";
    static final List<String> MEMBERS = List.of("pg-0", "pg-1", "pg-2");

    static PodView pod(String name, String created, String role) {
        return new PodView(name, created, true, role, false);
    }

    @Test
    void standbysFirstLowestOrdinalFirst() {
        var pods = List.of(pod("pg-0", OLD, "secondary"), pod("pg-1", OLD, "primary"), pod("pg-2", OLD, "secondary"));
        assertThat(RollingRestart.backend(REQUEST, MEMBERS, pods)).isEqualTo(new RollingRestart.Evict("pg-0"));
        var next = List.of(pod("pg-0", NEW, "secondary"), pod("pg-1", OLD, "primary"), pod("pg-2", OLD, "secondary"));
        assertThat(RollingRestart.backend(REQUEST, MEMBERS, next)).isEqualTo(new RollingRestart.Evict("pg-2"));
    }

    @Test
    void onePodAtATimeEachBackInItsRoleBeforeTheNext() {
        var recreating = List.of(pod("pg-1", OLD, "primary"), pod("pg-2", OLD, "secondary"));
        assertThat(RollingRestart.backend(REQUEST, MEMBERS, recreating)).isInstanceOf(RollingRestart.Wait.class);
        var notReady = List.of(new PodView("pg-0", NEW, false, null, false), pod("pg-1", OLD, "primary"),
                pod("pg-2", OLD, "secondary"));
        assertThat(RollingRestart.backend(REQUEST, MEMBERS, notReady)).isInstanceOf(RollingRestart.Wait.class);
        var noRole = List.of(new PodView("pg-0", NEW, true, null, false), pod("pg-1", OLD, "primary"),
                pod("pg-2", OLD, "secondary"));
        assertThat(RollingRestart.backend(REQUEST, MEMBERS, noRole)).as("not streaming yet").isInstanceOf(RollingRestart.Wait.class);
        var terminating = List.of(new PodView("pg-0", OLD, true, "secondary", true), pod("pg-1", OLD, "primary"),
                pod("pg-2", OLD, "secondary"));
        assertThat(RollingRestart.backend(REQUEST, MEMBERS, terminating)).isInstanceOf(RollingRestart.Wait.class);
    }

    @Test
    void thePrimaryHandsOverBeforeItsRestartThenRestartsAsAStandby() {
        var onlyPrimary = List.of(pod("pg-0", NEW, "secondary"), pod("pg-1", OLD, "primary"), pod("pg-2", NEW, "secondary"));
        assertThat(RollingRestart.backend(REQUEST, MEMBERS, onlyPrimary)).isEqualTo(new RollingRestart.HandOver("pg-1"));
        var handedOver = List.of(pod("pg-0", NEW, "primary"), pod("pg-1", OLD, "secondary"), pod("pg-2", NEW, "secondary"));
        assertThat(RollingRestart.backend(REQUEST, MEMBERS, handedOver)).isEqualTo(new RollingRestart.Evict("pg-1"));
        var done = List.of(pod("pg-0", NEW, "primary"), pod("pg-1", NEW, "secondary"), pod("pg-2", NEW, "secondary"));
        assertThat(RollingRestart.backend(REQUEST, MEMBERS, done)).isInstanceOf(RollingRestart.Done.class);
    }

    @Test
    void serversOneAtATimeEachReadyBeforeTheNext() {
        List<String> servers = List.of("fr-0", "fr-secondary-0");
        var start = List.of(pod("fr-0", OLD, null), pod("fr-secondary-0", OLD, null));
        assertThat(RollingRestart.servers(REQUEST, servers, start)).isEqualTo(new RollingRestart.Evict("fr-0"));
        var notReady = List.of(new PodView("fr-0", NEW, false, null, false), pod("fr-secondary-0", OLD, null));
        assertThat(RollingRestart.servers(REQUEST, servers, notReady)).isInstanceOf(RollingRestart.Wait.class);
        var second = List.of(pod("fr-0", NEW, null), pod("fr-secondary-0", OLD, null));
        assertThat(RollingRestart.servers(REQUEST, servers, second)).isEqualTo(new RollingRestart.Evict("fr-secondary-0"));
        var done = List.of(pod("fr-0", NEW, null), pod("fr-secondary-0", NEW, null));
        assertThat(RollingRestart.servers(REQUEST, servers, done)).isInstanceOf(RollingRestart.Done.class);
    }
}
