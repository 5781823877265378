package org.ferretdboperator.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.Prerequisite;

/** The guide's FerretDB object (../shared/seed/ferretdb.yaml), and the names the guide shows for its children. */
final class Seed {

    static final Path FILE = Path.of("..", "shared", "seed", "ferretdb.yaml");

    private Seed() {
    }

    /** The seed object moved into {@code namespace}, otherwise unchanged except for the deletion policy. */
    static FerretDB in(KubernetesClient client, Path projectDir, String namespace, DeletionPolicy deletionPolicy) {
        Path file = projectDir.resolve(FILE).normalize();
        Prerequisite.require(Files.isRegularFile(file), "the guide's manifest " + file + " is not there");
        FerretDB seed;
        try (InputStream in = Files.newInputStream(file)) {
            seed = client.getKubernetesSerialization().unmarshal(in, FerretDB.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        seed.getMetadata().setNamespace(namespace);
        seed.getSpec().setDeletionPolicy(deletionPolicy);
        return seed;
    }

    /**
     * ferret-pg-backend-0..2, ferret-0..1, ferret-secondary-0..1 for the seed's {@code ferret}; pass the object as the API
     * server returned it, with the CRD's defaults (3 backend replicas) applied.
     */
    static List<String> podNames(FerretDB seed) {
        String name = seed.getMetadata().getName();
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < seed.getSpec().getBackend().getReplicas(); i++) {
            pods.add(Names.pod(Names.backend(name), i));
        }
        for (int i = 0; i < seed.getSpec().getServer().getPrimary().getReplicas(); i++) {
            pods.add(Names.pod(Names.primaryServers(name), i));
        }
        for (int i = 0; i < seed.getSpec().getServer().getSecondary().getReplicas(); i++) {
            pods.add(Names.pod(Names.secondaryServers(name), i));
        }
        return pods;
    }

    static List<String> statefulSetNames(FerretDB seed) {
        String name = seed.getMetadata().getName();
        return List.of(Names.backend(name), Names.primaryServers(name), Names.secondaryServers(name));
    }
}
