package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.support.Names;

/**
 * The auth Secret {@code <name>-auth} the operator generates when {@code spec.authSecret.name} is not given: username
 * {@value FerretDBDefaults#USERNAME} and a random password. Clients use it to log in to FerretDB, and the backend's
 * coordinator keeps FerretDB's PostgreSQL role in step with it.
 */
public final class GeneratedAuthSecret {

    private GeneratedAuthSecret() {
    }

    /** 40 characters from 62 symbols: about 238 bits; alphanumeric so it is safe in URLs, shells and YAML. */
    public static final int PASSWORD_LENGTH = 40;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static Secret build(FerretDB ferretdb, SecureRandom random) {
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(Names.ferretdbAuthSecret(ferretdb.getMetadata().getName()))
                    .withNamespace(ferretdb.getMetadata().getNamespace())
                    .withLabels(FerretDBLabels.of(ferretdb))
                .endMetadata()
                .withType("kubernetes.io/basic-auth")
                .addToData("username", base64(FerretDBDefaults.USERNAME))
                .addToData("password", base64(password(random)))
                .build();
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    static String password(SecureRandom random) {
        StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
