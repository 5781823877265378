package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A role name and password read from a mounted Secret directory (files {@code username}, {@code password}). */
public record Credentials(String username, char[] password) {

    /** Reads {@code dir/username} and {@code dir/password}; a missing file is an error naming the file. */
    public static Credentials read(Path dir) {
        return new Credentials(readFile(dir.resolve("username")), readFile(dir.resolve("password")).toCharArray());
    }

    private static String readFile(Path file) {
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw new IllegalStateException("secret file " + file + " is empty");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read secret file " + file + ": " + e.getMessage(), e);
        }
    }

    public String passwordString() {
        return new String(password);
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", password=***]";
    }
}
