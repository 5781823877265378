package org.ferretdboperator.coordinator.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.contract.MemberCount;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.ferretdboperator.coordinator.member.PodMemberDirectory;
import org.ferretdboperator.ops.LeaseMemberCount;
import org.ferretdboperator.ops.LeaseSwitchover;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Compare-and-swap on a real API server: 409s, racing writers, preserved foreign metadata, own-pod patches. */
class KubernetesLeaseStoreIT {

    static final String NS = "coordinator-it";
    static LocalControlPlane controlPlane;

    @BeforeAll
    static void startApiServer() throws Exception {
        controlPlane = LocalControlPlane.startDedicated("lease-store-apiserver");
        controlPlane.admin().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    }

    @AfterAll
    static void stop() throws Exception {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    KubernetesLeaseStore store(String lease) {
        return new KubernetesLeaseStore(controlPlane.admin(), NS, lease, 2000);
    }

    static Map<String, String> record(String leader) {
        return LeaseAnnotations.encode(new LeaderRecord(leader + ":5432", 0x5000, 2, TimelineHistory.decode("1:0/3000"), 42,
                Set.of("pg-1"), 1, null, -1));
    }

    @Test
    void createsOnceThenOnlyCompareAndSwapWins() throws Exception {
        KubernetesLeaseStore store = store("cas");
        LeaseSnapshot first = store.write(null, "pg-0", 1, record("pg-0"));
        assertThat(first.holder()).isEqualTo("pg-0");
        assertThatThrownBy(() -> store.write(null, "pg-1", 1, record("pg-1"))).isInstanceOf(LeaseConflictException.class);

        LeaseSnapshot renewed = store.write(first, "pg-0", 1, record("pg-0"));
        assertThat(renewed.resourceVersion()).isNotEqualTo(first.resourceVersion());
        // a writer still holding the older version loses, and is told who holds it now
        assertThatThrownBy(() -> store.write(first, "pg-1", 2, record("pg-1")))
                .isInstanceOf(LeaseConflictException.class).hasMessageContaining("now held by pg-0");

        LeaseSnapshot read = store.read().orElseThrow();
        assertThat(read.transitions()).isEqualTo(1);
        assertThat(LeaseAnnotations.decode(read.annotations()).leaderAddress()).isEqualTo("pg-0:5432");
        assertThat(read.raw().getSpec().getLeaseDurationSeconds()).isEqualTo(2);
        assertThat(read.raw().getSpec().getRenewTime()).isNotNull();
    }

    @Test
    void exactlyOneOfManyRacingCandidatesAcquires() throws Exception {
        KubernetesLeaseStore store = store("race");
        LeaseSnapshot vacant = store.write(null, "", 3, Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String me = "pg-" + i;
                Callable<Boolean> attempt = () -> {
                    try {
                        store(vacant.raw().getMetadata().getName()).write(vacant, me, 4, record(me));
                        return true;
                    } catch (LeaseConflictException e) {
                        return false;
                    }
                };
                attempts.add(pool.submit(attempt));
            }
            int winners = 0;
            for (Future<Boolean> f : attempts) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The operator writes its requests on the Lease with a merge patch and no precondition; a renewal based on the
     * version before it must go through, keeping the request, and a coordinator's write in between must still win.
     */
    @Test
    void aRenewalGoesOnTopOfTheOperatorsRequestButNotOfAnotherCoordinatorsWrite() throws Exception {
        String postgres = "pgz";
        KubernetesLeaseStore store = store(Names.lease(postgres));
        LeaseSnapshot held = store.write(null, "pgz-0", 1, record("pgz-0"));
        SwitchoverRequest request = new LeaseSwitchover(controlPlane.admin()).request(NS, postgres, "uid-1", "pgz-1").orElseThrow();
        new LeaseMemberCount(controlPlane.admin()).announce(NS, postgres, new MemberCount("uid-2", 5));

        LeaseSnapshot renewed = store.write(held, "pgz-0", 1, record("pgz-0"));
        assertThat(renewed.holder()).isEqualTo("pgz-0");
        assertThat(SwitchoverRequest.decode(renewed.annotations())).contains(request);
        assertThat(MemberCount.decode(renewed.annotations())).contains(new MemberCount("uid-2", 5));

        store.write(renewed, "pgz-0", 1, record("pgz-0"));
        assertThatThrownBy(() -> store.write(renewed, "pgz-0", 1, record("pgz-0")))
                .as("a coordinator wrote since").isInstanceOf(LeaseConflictException.class);
    }

    @Test
    void keepsTheOperatorsMetadataAndReleasesToNoHolder() throws Exception {
        Lease owned = new LeaseBuilder().withNewMetadata().withName("owned").withNamespace(NS)
                .withLabels(Map.of("app.kubernetes.io/managed-by", "ferretdb-operator"))
                .withAnnotations(Map.of("example.com/note", "kept")).endMetadata().withNewSpec().endSpec().build();
        controlPlane.admin().resource(owned).create();
        KubernetesLeaseStore store = store("owned");
        LeaseSnapshot taken = store.write(store.read().orElseThrow(), "pg-2", 1, record("pg-2"));
        LeaseSnapshot released = store.write(taken, "", 1, record("pg-2"));
        Lease now = controlPlane.admin().leases().inNamespace(NS).withName("owned").get();
        assertThat(now.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "ferretdb-operator");
        assertThat(now.getMetadata().getAnnotations()).containsEntry("example.com/note", "kept");
        assertThat(now.getSpec().getHolderIdentity()).isNull();
        assertThat(released.holder()).isEmpty();
    }

    @Test
    void eachCoordinatorPatchesOnlyItsOwnPod() throws Exception {
        for (String name : List.of("pgx-0", "pgx-1")) {
            controlPlane.admin().resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                    .withLabels(Labels.postgresSelector("pgx")).endMetadata().withNewSpec().addNewContainer().withName("postgres")
                    .withImage("postgres:15").endContainer().endSpec().build()).create();
        }
        try (PodMemberDirectory zero = new PodMemberDirectory(controlPlane.admin(), NS, "pgx", "pgx-0", null, () -> { });
                PodMemberDirectory one = new PodMemberDirectory(controlPlane.admin(), NS, "pgx", "pgx-1", null, () -> { })) {
            MemberState state = new MemberState(MemberState.STANDBY, 2, 0x5000, true, "pgx-1:5432", true, "pgx-0:5432", false,
                    null, 42, 1);
            zero.publish(state);
            zero.setRole(Role.SECONDARY);
            await().atMost(Duration.ofSeconds(10)).until(() -> state.equals(one.states().get("pgx-0")));
            await().atMost(Duration.ofSeconds(10)).until(() -> "secondary".equals(zero.ownRoleLabel()));
            assertThat(one.states()).doesNotContainKey("pgx-1");
            zero.setRole(Role.NONE);
            await().atMost(Duration.ofSeconds(10)).until(() -> zero.ownRoleLabel() == null);
            var pod = controlPlane.admin().pods().inNamespace(NS).withName("pgx-0").get();
            assertThat(pod.getMetadata().getAnnotations()).containsKey(PodContract.MEMBER_STATE_ANNOTATION);
            assertThat(controlPlane.admin().pods().inNamespace(NS).withName("pgx-1").get().getMetadata().getAnnotations()).isNullOrEmpty();
        }
    }

    /**
     * A pod force-deleted and recreated under the same name (what the StatefulSet does while the old pod's containers
     * still run): the old incarnation's coordinator, which patches with its pod's uid, is refused by the API server
     * and leaves the new pod's labels and state alone, and no longer reads the new pod's label as its own; the new
     * incarnation's coordinator, with the new uid, patches as usual.
     */
    @Test
    void aCoordinatorOfAnEarlierIncarnationCannotPatchTheNewPodOfTheSameName() throws Exception {
        String name = "pgy-0";
        io.fabric8.kubernetes.api.model.Pod old = controlPlane.admin().resource(pod("pgy", name)).create();
        String oldUid = old.getMetadata().getUid();
        MemberState state = new MemberState(MemberState.PRIMARY, 3, 0x6000, false, null, true, "pgy-0:5432", false,
                null, 42, 1);
        try (PodMemberDirectory oldCoordinator = new PodMemberDirectory(controlPlane.admin(), NS, "pgy", name, oldUid,
                () -> { })) {
            oldCoordinator.setRole(Role.PRIMARY);
            oldCoordinator.publish(state);
            await().atMost(Duration.ofSeconds(10)).until(() -> "primary".equals(oldCoordinator.ownRoleLabel()));

            controlPlane.admin().pods().inNamespace(NS).withName(name).withGracePeriod(0).delete();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> controlPlane.admin().pods().inNamespace(NS).withName(name).get() == null);
            io.fabric8.kubernetes.api.model.Pod fresh = controlPlane.admin().resource(pod("pgy", name)).create();
            assertThat(fresh.getMetadata().getUid()).isNotEqualTo(oldUid);

            assertThatThrownBy(() -> oldCoordinator.setRole(Role.PRIMARY))
                    .as("a role label patched by the old incarnation's coordinator")
                    .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class);
            assertThatThrownBy(() -> oldCoordinator.publish(state))
                    .as("a state annotation patched by the old incarnation's coordinator")
                    .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class);
            var now = controlPlane.admin().pods().inNamespace(NS).withName(name).get();
            assertThat(now.getMetadata().getUid()).isEqualTo(fresh.getMetadata().getUid());
            assertThat(now.getMetadata().getLabels()).doesNotContainKey(Labels.ROLE);
            assertThat(now.getMetadata().getAnnotations()).isNullOrEmpty();

            try (PodMemberDirectory newCoordinator = new PodMemberDirectory(controlPlane.admin(), NS, "pgy", name,
                    fresh.getMetadata().getUid(), () -> { })) {
                newCoordinator.setRole(Role.SECONDARY);
                await().atMost(Duration.ofSeconds(10)).until(() -> "secondary".equals(newCoordinator.ownRoleLabel()));
                // the old coordinator sees its own incarnation's label only: there is none any more
                await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.admin().pods().inNamespace(NS)
                        .withName(name).get().getMetadata().getLabels().containsKey(Labels.ROLE));
                assertThat(oldCoordinator.ownRoleLabel()).isNull();
            }
        }
    }

    private static io.fabric8.kubernetes.api.model.Pod pod(String postgres, String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(Labels.postgresSelector(postgres)).endMetadata().withNewSpec().addNewContainer()
                .withName("postgres").withImage("postgres:15").endContainer().endSpec().build();
    }
}
