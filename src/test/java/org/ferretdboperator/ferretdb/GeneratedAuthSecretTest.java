package org.ferretdboperator.ferretdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratedAuthSecretTest {

    @Test
    void holdsTheDedicatedRoleAndAStrongPassword() {
        Secret secret = GeneratedAuthSecret.build(Fixtures.seedLike(), new SecureRandom());
        assertThat(secret.getMetadata().getName()).isEqualTo("ferret-auth");
        assertThat(secret.getType()).isEqualTo("kubernetes.io/basic-auth");
        assertThat(decode(secret, "username")).isEqualTo("ferretdb").isNotEqualTo("postgres");
        assertThat(decode(secret, "password")).hasSize(40).matches("[A-Za-z0-9]{40}");
        assertThat(secret.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", "ferret")
                .containsEntry("app.kubernetes.io/managed-by", "ferretdb-operator");
    }

    @Test
    void passwordsDoNotRepeat() {
        SecureRandom random = new SecureRandom();
        Set<String> passwords = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            passwords.add(GeneratedAuthSecret.password(random));
        }
        assertThat(passwords).hasSize(1000);
        // Every symbol of the alphabet turns up: the draw is not stuck on a subset.
        assertThat(String.join("", passwords).chars().distinct().count()).isEqualTo(62);
    }

    static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
}
