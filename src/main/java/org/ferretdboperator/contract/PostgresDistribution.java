package org.ferretdboperator.contract;

import java.util.Locale;

/**
 * Which PostgreSQL a backend runs, as the coordinator must configure it ({@code POSTGRES_DISTRIBUTION}). KubeDB names
 * its PostgresVersions after the distribution ({@code 17.4-documentdb}), and so does a backend's {@code spec.version}.
 */
public enum PostgresDistribution {

    /** Plain PostgreSQL: FerretDB 1.x stores documents in ordinary tables. */
    POSTGRESQL("PostgreSQL"),

    /**
     * PostgreSQL with Microsoft's DocumentDB extension, which FerretDB 2.x needs: its libraries preloaded, the
     * extension created in database {@code postgres}, FerretDB's role a member of {@code documentdb_admin_role}.
     */
    DOCUMENTDB("DocumentDB");

    private static final String DOCUMENTDB_VERSION_SUFFIX = "-documentdb";

    private final String value;

    PostgresDistribution(String value) {
        this.value = value;
    }

    /** The env value (and KubeDB's catalog spelling). */
    public String value() {
        return value;
    }

    /** Distribution named by a PostgreSQL version such as {@code 17}, {@code 17.4} or {@code 17.4-documentdb}. */
    public static PostgresDistribution ofVersion(String version) {
        return version != null && version.toLowerCase(Locale.ROOT).endsWith(DOCUMENTDB_VERSION_SUFFIX) ? DOCUMENTDB : POSTGRESQL;
    }

    /** Parses the env value; null for anything else. */
    public static PostgresDistribution parse(String value) {
        for (PostgresDistribution d : values()) {
            if (d.value.equals(value)) {
                return d;
            }
        }
        return null;
    }
}
