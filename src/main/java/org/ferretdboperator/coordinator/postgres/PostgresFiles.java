package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.contract.PostgresDistribution;
import org.ferretdboperator.coordinator.archive.PgBackRestArchiver;
import org.ferretdboperator.coordinator.decision.Slots;
import org.ferretdboperator.coordinator.process.ProcessRunner;

/**
 * The files in PGDATA the coordinator owns, rewritten before every start so a clone or a rewind (which copy the
 * source's files) never runs with another member's port, socket or authentication rules.
 */
public final class PostgresFiles {

    private final InstanceSettings settings;
    private final ProcessRunner runner;
    private final Optional<PgBackRestArchiver> archiver;

    public PostgresFiles(InstanceSettings settings, ProcessRunner runner) {
        this(settings, runner, Optional.empty());
    }

    /** With continuous WAL archiving when {@code archiver} is present. */
    public PostgresFiles(InstanceSettings settings, ProcessRunner runner, Optional<PgBackRestArchiver> archiver) {
        this.settings = settings;
        this.runner = runner;
        this.archiver = archiver;
    }

    public String postgresqlConf() {
        List<String> lines = new ArrayList<>(List.of(
                "# Managed by pg-coordinator and rewritten before every start; put overrides in postgresql.custom.conf.",
                "listen_addresses = '" + settings.listenAddresses() + "'",
                "port = " + settings.port(),
                "unix_socket_directories = '" + settings.socketDir() + "'",
                "password_encryption = 'scram-sha-256'",
                "wal_level = replica",
                // pg_rewind needs hint bits WAL-logged (or data checksums; initdb enables both)
                "wal_log_hints = on",
                "hot_standby = on",
                "hot_standby_feedback = on",
                "max_wal_senders = 16",
                "max_replication_slots = 16",
                "max_slot_wal_keep_size = '" + settings.slotWalKeepSize() + "'",
                "wal_keep_size = '128MB'",
                // a standby re-pointed at a new primary must retry at once, not after the 5 s default
                "wal_retrieve_retry_interval = '200ms'",
                "wal_receiver_status_interval = '1s'",
                "wal_sender_timeout = '10s'",
                "wal_receiver_timeout = '10s'",
                "synchronous_commit = on",
                "recovery_target_timeline = 'latest'",
                "logging_collector = off",
                "log_line_prefix = '%m [%p] %q%u@%d '",
                "include_if_exists = 'postgresql.custom.conf'"));
        if (settings.distribution() == PostgresDistribution.DOCUMENTDB) {
            // before the include: postgresql.custom.conf may override these as it may every other line
            lines.addAll(lines.size() - 1, DocumentDb.configuration());
        }
        settings.tlsDir().ifPresent(dir -> lines.addAll(lines.size() - 1, TlsConfiguration.postgresqlConf(dir)));
        archiver.ifPresent(a -> lines.addAll(lines.size() - 1, a.postgresqlLines()));
        lines.add("");
        return String.join("\n", lines);
    }

    /**
     * scram-sha-256 for every network login; the superuser only over loopback (the coordinator) or the local socket
     * (the postgres container's own tools), never from the network. With TLS on, replication and every other network
     * login are accepted only over TLS ({@code hostssl}): a plaintext one matches no rule and is refused.
     */
    public String pgHbaConf() {
        String su = settings.superuser().username();
        String repl = settings.replication().username();
        String network = settings.tlsDir().isPresent() ? "hostssl" : "host   ";
        return String.join("\n",
                "# Managed by pg-coordinator.",
                "# TYPE  DATABASE     USER  ADDRESS       METHOD",
                "local   all          " + su + "  trust",
                "local   all          all   scram-sha-256",
                "host    all          " + su + "  127.0.0.1/32  scram-sha-256",
                "host    all          " + su + "  ::1/128       scram-sha-256",
                "host    all          " + su + "  all           reject",
                network + " replication  " + repl + "  all           scram-sha-256",
                network + " postgres     " + repl + "  all           scram-sha-256",
                "host    all          " + repl + "  all           reject",
                network + " all          all   all           scram-sha-256",
                "");
    }

    /** libpq conninfo of the replication role to a peer at host:port. */
    public String conninfo(String address, boolean forStreaming) {
        int colon = address.lastIndexOf(':');
        List<String> parts = new ArrayList<>(List.of(
                "host=" + address.substring(0, colon),
                "port=" + address.substring(colon + 1),
                "user=" + settings.replication().username(),
                "passfile=" + settings.passfile(),
                "connect_timeout=2",
                "keepalives=1", "keepalives_idle=2", "keepalives_interval=1", "keepalives_count=3"));
        settings.tlsDir().ifPresent(dir -> parts.addAll(TlsConfiguration.conninfo(dir)));
        if (forStreaming) {
            parts.add("application_name=" + settings.memberName());
        } else {
            parts.add("dbname=postgres");
        }
        return String.join(" ", parts);
    }

    public void writeConfig() throws IOException {
        write(settings.pgdata().resolve("postgresql.conf"), postgresqlConf(), "rw-------");
        write(settings.pgdata().resolve("pg_hba.conf"), pgHbaConf(), "rw-------");
        if (archiver.isPresent()) {
            writeArchiverConfig(archiver.get());
        }
    }

    private void writeArchiverConfig(PgBackRestArchiver a) throws IOException {
        Files.createDirectories(a.confDir());
        for (Path dir : List.of(a.confDir().resolve("pgbackrest-lock"), a.confDir().resolve("pgbackrest-spool"))) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            runner.handOver(dir);
        }
        write(a.configFile(), a.configuration(), "rw-------");
        write(a.pushScript(), a.pushScriptContent(), "rw-------");
    }

    /** The password file of the replication role (pg_basebackup, pg_rewind, the WAL receiver). */
    public void writePassfile() throws IOException {
        String pw = settings.replication().passwordString().replace("\\", "\\\\").replace(":", "\\:");
        String user = settings.replication().username().replace("\\", "\\\\").replace(":", "\\:");
        Files.createDirectories(settings.passfile().getParent());
        write(settings.passfile(), "*:*:*:" + user + ":" + pw + "\n", "rw-------");
    }

    /** Standby: standby.signal plus primary_conninfo/primary_slot_name in postgresql.auto.conf (PostgreSQL stopped). */
    public void configureStandby(String upstreamAddress) throws IOException {
        Path signal = settings.pgdata().resolve("standby.signal");
        write(signal, "", "rw-------");
        setAutoConf(Map.of(
                "primary_conninfo", upstreamAddress == null ? "" : conninfo(upstreamAddress, true),
                "primary_slot_name", upstreamAddress == null ? "" : Slots.nameFor(settings.memberName())));
    }

    /** Primary: no standby.signal, no upstream (PostgreSQL stopped). */
    public void configurePrimary() throws IOException {
        removeRecoverySignals();
        setAutoConf(Map.of("primary_conninfo", "", "primary_slot_name", ""));
    }

    /** No standby.signal or recovery.signal: the next server of this directory, single-user ones too, recovers from a crash only. */
    public void removeRecoverySignals() throws IOException {
        Files.deleteIfExists(settings.pgdata().resolve("standby.signal"));
        Files.deleteIfExists(settings.pgdata().resolve("recovery.signal"));
    }

    /**
     * The primary_conninfo postgresql.auto.conf holds (what a standby that does not accept connections yet was started
     * with), empty when none or unreadable.
     */
    public static String configuredConninfo(Path pgdata) {
        Path auto = pgdata.resolve("postgresql.auto.conf");
        try {
            if (!Files.exists(auto)) {
                return "";
            }
            String value = "";
            for (String line : Files.readAllLines(auto, StandardCharsets.UTF_8)) {
                // the last setting wins, as when PostgreSQL reads the file
                value = autoConfSetting(line, "primary_conninfo").orElse(value);
            }
            return value;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** {@code key = 'value'} as ALTER SYSTEM writes it ('' for a quote), or a bare value; a trailing comment allowed. */
    private static final java.util.regex.Pattern AUTO_CONF_SETTING = java.util.regex.Pattern
            .compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*=\\s*(?:'((?:[^']|'')*)'|([^\\s#']*))\\s*(#.*)?");

    private static final java.util.regex.Pattern AUTO_CONF_KEY = java.util.regex.Pattern
            .compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*=.*");

    /** Whether a postgresql.auto.conf line sets {@code key}, whatever the shape of its value. */
    static boolean setsAutoConfKey(String line, String key) {
        java.util.regex.Matcher m = AUTO_CONF_KEY.matcher(line);
        return m.matches() && m.group(1).equals(key);
    }

    /** The value a postgresql.auto.conf line gives {@code key}; empty when the line sets something else. */
    static Optional<String> autoConfSetting(String line, String key) {
        java.util.regex.Matcher m = AUTO_CONF_SETTING.matcher(line);
        if (!setsAutoConfKey(line, key) || !m.matches()) {
            return Optional.empty();
        }
        return Optional.of(m.group(2) != null ? m.group(2).replace("''", "'") : m.group(3));
    }

    /** Edits postgresql.auto.conf while PostgreSQL is stopped (ALTER SYSTEM's file; one line per key). */
    void setAutoConf(Map<String, String> values) throws IOException {
        Path auto = settings.pgdata().resolve("postgresql.auto.conf");
        List<String> lines = Files.exists(auto) ? new ArrayList<>(Files.readAllLines(auto, StandardCharsets.UTF_8))
                : new ArrayList<>(List.of("# Do not edit this file manually!",
                        "# It will be overwritten by the ALTER SYSTEM command."));
        lines.removeIf(line -> values.keySet().stream().anyMatch(k -> setsAutoConfKey(line, k)));
        values.forEach((k, v) -> lines.add(k + " = '" + v.replace("'", "''") + "'"));
        write(auto, String.join("\n", lines) + "\n", "rw-------");
    }

    private void write(Path file, String content, String mode) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".coordinator-tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
        runner.handOver(tmp);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
