package org.ferretdboperator.coordinator.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ferretdboperator.contract.ArchiverEnvironment;

/**
 * Continuous WAL archiving with pgBackRest (the choice and the evidence: docs/backup-tools.md). The coordinator writes
 * pgBackRest's configuration next to its other secret file (the replication passfile) and the archive settings into
 * postgresql.conf; PostgreSQL's archiver then runs pgBackRest itself, so archiving goes on whatever the coordinator does.
 *
 * <p>Every member archives ({@code archive_mode = always}): a standby ships the segments it received, so the segments a
 * primary had not shipped when it died are in the store all the same, and after a promotion the new primary ships its
 * timeline's history file and segments. A segment already in the store is not replaced ({@link #pushScriptContent}).
 *
 * @param stanza  the Postgres object's name: one pgBackRest stanza per backend
 * @param confDir where the configuration (with the access keys, 0600, owned by PostgreSQL's user) and the lock and
 *                spool directories go
 */
public record PgBackRestArchiver(ArchiveSettings settings, String stanza, Path pgdata, Path socketDir, int port,
        String superuser, Path confDir) {

    public Path configFile() {
        return confDir.resolve("pgbackrest.conf");
    }

    private String invocation() {
        return "pgbackrest --config=" + configFile() + " --stanza=" + stanza;
    }

    public Path pushScript() {
        // pgBackRest's backup checks that archive_command names pgbackrest
        return confDir.resolve("pgbackrest-archive-push.sh");
    }

    /** The postgresql.conf lines; sh runs the script, so a noexec mount of its directory does not matter. */
    public List<String> postgresqlLines() {
        String command = "sh " + pushScript() + " %p";
        return List.of(
                "archive_mode = always",
                "archive_command = '" + command.replace("'", "''") + "'",
                // a quiet database still closes a segment a minute, which bounds how much an archive restore can miss
                "archive_timeout = '60s'");
    }

    /**
     * The archive_command script. Two of pgBackRest's refusals are expected here and handled:
     * <ul>
     * <li>no stanza yet (the store's archive.info missing: exit 103, "unable to find a valid repository", wrapping the
     * file's absence; 55 when pgBackRest reports the absence itself): the first archiver creates it; only a primary can,
     * so a standby's pushes fail and PostgreSQL retries them until the primary has. A 103 for another reason (wrong
     * keys, unreachable endpoint) makes stanza-create fail the same way, and the push fails with it;</li>
     * <li>the segment is already stored with another checksum (exit 45): every member archives, and a segment closed
     * early (archive_timeout, pg_switch_wal, promotion) carries, after its switch record, whatever bytes each member's
     * recycled file held. Recovery reads no further than that record, and one timeline has one writer (the lease), so
     * the copy in the store serves and this one is dropped.</li>
     * </ul>
     */
    public String pushScriptContent() {
        String pgbackrest = "pgbackrest --config=" + configFile() + " --stanza=" + stanza;
        return String.join("\n",
                "#!/bin/sh",
                "# Managed by pg-coordinator: PostgreSQL's archive_command (see PgBackRestArchiver).",
                pgbackrest + " archive-push \"$1\"",
                "rc=$?",
                "case $rc in",
                "  0) exit 0 ;;",
                "  45) echo \"archive-push: $1 is already in the store (pushed by another member)\" >&2; exit 0 ;;",
                "  55|103) " + pgbackrest + " stanza-create && exec " + pgbackrest + " archive-push \"$1\" ;;",
                "esac",
                "exit $rc",
                "");
    }

    /** pgBackRest's configuration, with the access keys read from the mounted Secret. */
    public String configuration() throws IOException {
        String keyId = readKey(ArchiverEnvironment.ACCESS_KEY_ID_FILE);
        String secret = readKey(ArchiverEnvironment.SECRET_ACCESS_KEY_FILE);
        StringBuilder out = new StringBuilder();
        out.append("# Managed by pg-coordinator and rewritten before every start.\n[global]\n");
        out.append("repo1-type=s3\n");
        out.append("repo1-s3-bucket=").append(settings.bucket()).append('\n');
        out.append("repo1-s3-endpoint=").append(settings.host()).append('\n');
        out.append("repo1-storage-port=").append(settings.port()).append('\n');
        out.append("repo1-s3-region=").append(settings.region()).append('\n');
        // path style works with every S3 implementation; virtual-host style needs a DNS name per bucket
        out.append("repo1-s3-uri-style=path\n");
        out.append("repo1-path=").append(settings.path()).append('\n');
        settings.caFile().ifPresent(ca -> out.append("repo1-storage-ca-file=").append(ca).append('\n'));
        out.append("repo1-s3-key=").append(keyId).append('\n');
        out.append("repo1-s3-key-secret=").append(secret).append('\n');
        out.append("compress-type=").append(settings.compression()).append('\n');
        out.append("lock-path=").append(confDir.resolve("pgbackrest-lock")).append('\n');
        out.append("spool-path=").append(confDir.resolve("pgbackrest-spool")).append('\n');
        // to the server log through the archiver's stderr; no log file in an image without /var/log/pgbackrest
        out.append("log-level-file=off\nlog-level-console=off\nlog-level-stderr=warn\n");
        out.append('[').append(stanza).append("]\n");
        out.append("pg1-path=").append(pgdata).append('\n');
        out.append("pg1-socket-path=").append(socketDir).append('\n');
        out.append("pg1-port=").append(port).append('\n');
        out.append("pg1-user=").append(superuser).append('\n');
        return out.toString();
    }

    private String readKey(String name) throws IOException {
        Path file = settings.credentialsDir().resolve(name);
        if (!Files.isReadable(file)) {
            throw new IOException(ArchiverEnvironment.CREDENTIALS_DIR + ": no readable key " + name + " in "
                    + settings.credentialsDir());
        }
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (value.isEmpty() || value.matches("(?s).*[\\s\\[\\]].*")) {
            throw new IOException(ArchiverEnvironment.CREDENTIALS_DIR + ": key " + name + " in " + settings.credentialsDir()
                    + " is empty or has whitespace or brackets");
        }
        return value;
    }
}
