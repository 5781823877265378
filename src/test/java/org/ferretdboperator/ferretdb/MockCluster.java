package org.ferretdboperator.ferretdb;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.ferretdboperator.api.catalog.FerretDBVersion;
import org.ferretdboperator.api.common.Phase;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.postgres.PostgresFixtures;
import org.ferretdboperator.support.Labels;

/** Helpers for reconciler tests against the fabric8 mock API server (no kubelet, no GC: the test plays both). */
final class MockCluster {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Path SEED = Path.of("..", "shared", "seed", "ferretdb.yaml");
    static final Path CATALOG = Path.of("kubernetes", "catalog");

    private final KubernetesClient client;

    MockCluster(KubernetesClient client) {
        this.client = client;
    }

    void namespace(String name) {
        if (client.namespaces().withName(name).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                    .create();
        }
    }

    /** Applies every manifest of the shipped default catalog, as `kubectl apply -f kubernetes/catalog/` would. */
    void applyCatalog() throws IOException {
        try (Stream<Path> files = Files.list(CATALOG)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    FerretDBVersion version = client.getKubernetesSerialization().unmarshal(in, FerretDBVersion.class);
                    // The mock has no server-side apply; the catalog is the same for every test, so create once.
                    if (client.resource(version).get() == null) {
                        client.resource(version).create();
                    }
                }
            }
        }
    }

    List<HasMetadata> load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return client.load(in).items();
        }
    }

    FerretDB seed() throws IOException {
        try (InputStream in = Files.newInputStream(SEED)) {
            return client.getKubernetesSerialization().unmarshal(in, FerretDB.class);
        }
    }

    /** A JSON merge patch, as `kubectl patch --type merge` sends it: no resourceVersion, so no conflict with the operator. */
    void patch(String namespace, String name, String mergePatch) {
        client.resources(FerretDB.class).inNamespace(namespace).withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
    }

    FerretDB get(String namespace, String name) {
        return client.resources(FerretDB.class).inNamespace(namespace).withName(name).get();
    }

    Postgres backend(String namespace, String ferretdb) {
        return client.resources(Postgres.class).inNamespace(namespace).withName(ferretdb + "-pg-backend").get();
    }

    StatefulSet statefulSet(String namespace, String name) {
        return client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    }

    Service service(String namespace, String name) {
        return client.services().inNamespace(namespace).withName(name).get();
    }

    Secret secret(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    /** What the StatefulSet controller and kubelet would report. */
    void serversReady(String namespace, String statefulSet, int ready) {
        client.apps().statefulSets().inNamespace(namespace).withName(statefulSet).editStatus(s -> {
            int replicas = s.getSpec().getReplicas();
            s.setStatus(new StatefulSetStatusBuilder().withReplicas(replicas).withReadyReplicas(ready)
                    .withAvailableReplicas(ready).withObservedGeneration(s.getMetadata().getGeneration()).build());
            return s;
        });
    }

    /** What the Postgres reconciler would report. */
    /**
     * Brings the backend to a phase the way a cluster would: through its member pods' readiness and role labels,
     * which the Postgres reconciler turns into the backend's phase (it owns that status, so patching it would not last).
     */
    void backendPhase(String namespace, String ferretdb, Phase phase) {
        String backend = ferretdb + "-pg-backend";
        boolean primaryReady = phase != Phase.NOT_READY;
        boolean standbysReady = phase == Phase.READY;
        putPod(PostgresFixtures.member(namespace, backend, 0, primaryReady, Labels.ROLE_PRIMARY));
        putPod(PostgresFixtures.member(namespace, backend, 1, standbysReady, Labels.ROLE_SECONDARY));
        putPod(PostgresFixtures.member(namespace, backend, 2, standbysReady, Labels.ROLE_SECONDARY));
        await().atMost(TIMEOUT).until(() -> {
            Postgres pg = client.resources(Postgres.class).inNamespace(namespace).withName(backend).get();
            return pg != null && pg.getStatus() != null && pg.getStatus().getPhase() == phase;
        });
    }

    private void putPod(Pod pod) {
        Pod existing = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
        if (existing == null) {
            client.resource(pod).create();
        } else {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(p -> {
                p.getMetadata().setLabels(pod.getMetadata().getLabels());
                p.setStatus(pod.getStatus());
                return p;
            });
        }
    }

    Phase phase(String namespace, String name) {
        FerretDB ferretdb = get(namespace, name);
        return ferretdb == null || ferretdb.getStatus() == null ? null : ferretdb.getStatus().getPhase();
    }

    void awaitPhase(String namespace, String name, Phase phase) {
        await().atMost(TIMEOUT).until(() -> phase(namespace, name) == phase);
    }
}
