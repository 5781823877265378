package org.ferretdboperator.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find PostgreSQL 15's programs, and the OS user they run as when the tests run as root. */
public final class PostgresPrograms {

    public static final Path BIN_DIR = Path.of(System.getenv().getOrDefault("PG_BIN_DIR", "/usr/lib/postgresql/15/bin"));
    public static final String OS_USER = "postgres";

    private PostgresPrograms() {
    }

    public static boolean osUserExists() {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(OS_USER + ":"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
