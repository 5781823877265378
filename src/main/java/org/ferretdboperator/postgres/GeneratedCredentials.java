package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.util.Map;
import org.ferretdboperator.api.postgres.Postgres;

/** A basic-auth Secret with a fresh random password, for the credentials the operator generates. */
final class GeneratedCredentials {

    static final String USERNAME_KEY = "username";
    static final String PASSWORD_KEY = "password";
    /** 40 characters of 62 symbols: about 238 bits; letters and digits only, so no quoting in conninfo strings. */
    static final int PASSWORD_LENGTH = 40;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedCredentials() {
    }

    static Secret secret(Postgres pg, String name, String username) {
        return new SecretBuilder()
                .withMetadata(PostgresObjects.metadata(pg, name))
                .withType("kubernetes.io/basic-auth")
                .withStringData(Map.of(USERNAME_KEY, username, PASSWORD_KEY, password()))
                .build();
    }

    static String password() {
        StringBuilder sb = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
