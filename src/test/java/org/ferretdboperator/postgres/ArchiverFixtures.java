package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ferretdboperator.api.postgres.ArchiverCompression;
import org.ferretdboperator.api.postgres.ArchiverS3Spec;
import org.ferretdboperator.api.postgres.ArchiverSpec;

/** spec.archiver and its credentials Secret for the operator-side tests. */
final class ArchiverFixtures {

    private ArchiverFixtures() {
    }

    static ArchiverSpec archiver(String secretName) {
        ArchiverS3Spec s3 = new ArchiverS3Spec();
        s3.setBucket("wal-archive");
        s3.setEndpoint("https://s3.storage.example:9000");
        s3.setPrefix("demo/ferret");
        s3.setRegion("eu-west-1");
        s3.setSecretName(secretName);
        ArchiverSpec spec = new ArchiverSpec();
        spec.setS3(s3);
        spec.setCompression(ArchiverCompression.ZST);
        spec.setRetentionPolicy("30d");
        return spec;
    }

    /** A Secret with these keys (KubeStash's names), values as given. */
    static Secret secret(String name, Map<String, String> keys) {
        Map<String, String> data = new LinkedHashMap<>();
        keys.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withNewMetadata().withName(name).endMetadata().withData(data).build();
    }
}
