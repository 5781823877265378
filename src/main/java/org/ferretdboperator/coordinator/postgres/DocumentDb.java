package org.ferretdboperator.coordinator.postgres;

import java.util.List;
import java.util.Set;

/**
 * What a backend of FerretDB 2.x needs from PostgreSQL, from FerretDB's installation guide for DocumentDB
 * ({@code docs/installation/documentdb/deb.md}, which FerretDB keeps in step with the {@code 10-preload.sh} of its
 * postgres-documentdb images; those images' own configuration is not used, because the coordinator writes
 * postgresql.conf itself): DocumentDB's libraries and pg_cron preloaded, pg_cron working in database {@code postgres},
 * the extension created there, and FerretDB's role a member of {@code documentdb_admin_role} (DocumentDB's functions
 * are not SECURITY DEFINER, so a NOSUPERUSER role needs that membership).
 */
public final class DocumentDb {

    /** DocumentDB can live in one database only, and FerretDB 2.x connects to this one. */
    public static final String DATABASE = "postgres";
    public static final String EXTENSION = "documentdb";
    public static final String ADMIN_ROLE = "documentdb_admin_role";
    /** The shared libraries preloaded, in this order (pg_cron first: DocumentDB schedules its jobs through it). */
    public static final List<String> PRELOAD_LIBRARIES = List.of("pg_cron", "pg_documentdb_core", "pg_documentdb");

    private DocumentDb() {
    }

    /** Lines appended to postgresql.conf. */
    public static List<String> configuration() {
        return List.of(
                "# FerretDB 2.x: PostgreSQL with the DocumentDB extension",
                "shared_preload_libraries = '" + String.join(",", PRELOAD_LIBRARIES) + "'",
                "cron.database_name = '" + DATABASE + "'",
                // pg_cron's jobs in background workers, not libpq connections to localhost, which pg_hba.conf does not
                // let the superuser make without a password
                "cron.use_background_workers = on",
                "max_worker_processes = 16",
                // FerretDB's documented feature settings; a DocumentDB release that lacks one warns and ignores it
                "documentdb.enableCompact = true",
                "documentdb.enableLetAndCollationForQueryMatch = true",
                "documentdb.enableNowSystemVariable = true",
                "documentdb.enableSortbyIdPushDownToPrimaryKey = true",
                "documentdb.enableSchemaValidation = true",
                "documentdb.enableBypassDocumentValidation = true",
                "documentdb.enableUserCrud = true",
                "documentdb.maxUserLimit = 100");
    }

    /** The preload libraries missing from an image whose library directory holds {@code files}. */
    public static List<String> missingLibraries(Set<String> files) {
        return PRELOAD_LIBRARIES.stream().filter(lib -> !files.contains(lib + ".so")).toList();
    }

    /** Why PostgreSQL is not started: the image cannot be a DocumentDB image. */
    public static String missingLibrariesMessage(List<String> missing) {
        return "the postgres container's image lacks " + String.join(", ", missing.stream().map(m -> m + ".so").toList())
                + " in its library directory: FerretDB 2.x needs PostgreSQL with the DocumentDB extension (an image such"
                + " as ghcr.io/ferretdb/postgres-documentdb:17-0.102.0-ferretdb-2.0.0); PostgreSQL is not started with"
                + " libraries it cannot load";
    }
}
