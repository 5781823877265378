package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * ConfigMap {@code <name>-runner} holding the runner script that the postgres container runs as its command (see
 * {@link PodContract} for the protocol and {@code runner.sh} itself).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class RunnerConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, Postgres> {

    static final String SCRIPT_RESOURCE = "/org/ferretdboperator/postgres/runner.sh";
    private static final String SCRIPT = load();
    private static final String SCRIPT_SHA256 = sha256(SCRIPT);

    public RunnerConfigMapDependent() {
        super(ConfigMap.class);
    }

    /** The script as shipped in this operator build. */
    public static String script() {
        return SCRIPT;
    }

    /** Digest of the script, put on the pod template so pods restart onto a new script version. */
    public static String scriptSha256() {
        return SCRIPT_SHA256;
    }

    @Override
    protected ConfigMap desired(Postgres pg, Context<Postgres> context) {
        return new ConfigMapBuilder()
                .withMetadata(PostgresObjects.metadata(pg, Names.runnerConfigMap(PostgresObjects.name(pg))))
                .withData(Map.of(PodContract.RUNNER_SCRIPT_KEY, SCRIPT))
                .build();
    }

    private static String load() {
        try (InputStream in = RunnerConfigMapDependent.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + SCRIPT_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
