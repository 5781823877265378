package org.ferretdboperator.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ferretdboperator.api.catalog.BackendPostgresSpec;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.contract.PostgresDistribution;

/**
 * Checks a FerretDBVersion catalog entry. Used by the FerretDBVersion reconciler to report the entry's status, and by
 * the FerretDB reconciler before it builds anything from an entry, so a bad entry never becomes a broken workload.
 *
 * <p>Rule for the backend: FerretDB 1.x stores documents as JSONB in plain PostgreSQL, so its backend is plain
 * PostgreSQL ({@code distribution} empty or {@value #PLAIN_POSTGRESQL}). FerretDB 2.x only runs on PostgreSQL with the
 * DocumentDB extension, so its entry must say {@code distribution: DocumentDB}: the operator cannot tell from an image
 * name whether the extension is inside.
 */
public final class FerretDBVersionValidator {

    private FerretDBVersionValidator() {
    }

    public static final String DOCUMENTDB = "DocumentDB";
    public static final String PLAIN_POSTGRESQL = "PostgreSQL";

    private static final Pattern FERRETDB_VERSION = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)(-[0-9A-Za-z.-]+)?$");
    /** Same rule as the Postgres kind's {@code spec.version} (see PostgresSpec), so the backend object is accepted. */
    private static final Pattern POSTGRES_VERSION = Pattern.compile("^[0-9]+(\\.[0-9]+)?(-[a-z0-9.]+)?$");

    /** Problems found, each naming its field; empty when the entry is usable. */
    public static List<String> problems(FerretDBVersionSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            problems.add("spec is required");
            return problems;
        }
        Matcher version = spec.getVersion() == null ? null : FERRETDB_VERSION.matcher(spec.getVersion());
        if (version == null) {
            problems.add("spec.version is required");
        } else if (!version.matches()) {
            problems.add("spec.version: \"" + spec.getVersion() + "\" is not a FerretDB release version such as 1.24.0");
        } else {
            int major = Integer.parseInt(version.group(1));
            if (major < 1 || major > 2) {
                problems.add("spec.version: FerretDB " + major + ".x is not supported: use a 1.x or 2.x release");
            }
        }
        if (spec.getDb() == null || isBlank(spec.getDb().getImage())) {
            problems.add("spec.db.image is required");
        }
        BackendPostgresSpec postgres = spec.getPostgres();
        if (postgres == null) {
            problems.add("spec.postgres is required");
            return problems;
        }
        if (isBlank(postgres.getVersion())) {
            problems.add("spec.postgres.version is required");
        } else if (!POSTGRES_VERSION.matcher(postgres.getVersion()).matches()) {
            problems.add("spec.postgres.version: \"" + postgres.getVersion()
                    + "\" must look like 17 or 17.4, optionally with a suffix such as -documentdb");
        }
        if (isBlank(postgres.getImage())) {
            problems.add("spec.postgres.image is required");
        }
        if (version != null && version.matches()) {
            int major = Integer.parseInt(version.group(1));
            String distribution = postgres.getDistribution();
            if (major == 2 && !DOCUMENTDB.equals(distribution)) {
                problems.add("spec.postgres.distribution must be " + DOCUMENTDB
                        + " for FerretDB 2.x, which needs PostgreSQL with the DocumentDB extension");
            }
            if (DOCUMENTDB.equals(distribution) && !isBlank(postgres.getVersion())
                    && PostgresDistribution.ofVersion(postgres.getVersion()) != PostgresDistribution.DOCUMENTDB) {
                // the backend Postgres object carries only the version; its coordinators configure DocumentDB from it
                problems.add("spec.postgres.version: \"" + postgres.getVersion() + "\" must end in -documentdb (as "
                        + "17-documentdb) when spec.postgres.distribution is " + DOCUMENTDB);
            }
            if (major == 1 && distribution != null && !PLAIN_POSTGRESQL.equals(distribution)) {
                problems.add("spec.postgres.distribution must be " + PLAIN_POSTGRESQL
                        + " or empty for FerretDB 1.x, which stores documents in plain PostgreSQL");
            }
        }
        if (spec.getSecurityContext() != null && spec.getSecurityContext().getRunAsUser() != null
                && spec.getSecurityContext().getRunAsUser() < 1) {
            problems.add("spec.securityContext.runAsUser must be a non-root user id (at least 1)");
        }
        return problems;
    }

    /** Major version of a valid entry (1 or 2). */
    public static int major(FerretDBVersionSpec spec) {
        return component(spec, 1);
    }

    /**
     * Whether the release serves {@code /debug/livez} and {@code /debug/readyz}: they appeared in FerretDB 1.23.0
     * (absent in 1.22.0's internal/util/debug/debug.go).
     */
    public static boolean hasHealthEndpoints(FerretDBVersionSpec spec) {
        return major(spec) >= 2 || component(spec, 2) >= 23;
    }

    private static int component(FerretDBVersionSpec spec, int group) {
        Matcher version = FERRETDB_VERSION.matcher(spec.getVersion());
        if (!version.matches()) {
            throw new IllegalArgumentException("spec.version is not a release version: " + spec.getVersion());
        }
        return Integer.parseInt(version.group(group));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
