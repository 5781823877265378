package org.ferretdboperator.coordinator.postgres;

import org.ferretdboperator.contract.AppUser;
import org.ferretdboperator.contract.PostgresDistribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.ferretdboperator.coordinator.decision.Slots;
import org.ferretdboperator.coordinator.decision.SyncCommitOverride;
import org.ferretdboperator.coordinator.decision.SyncSetting;
import org.ferretdboperator.coordinator.process.ProcessResult;
import org.ferretdboperator.coordinator.process.ProcessRunner;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

/**
 * Carries out actions on the local PostgreSQL: programs through the {@link ProcessRunner}, SQL through JDBC. Every
 * method either completes or throws with a message that says what failed; none deletes data before its replacement
 * exists.
 */
public final class InstanceController implements PostgresControl {

    private static final Logger LOG = Logger.getLogger(InstanceController.class);
    private static final Duration SHORT = Duration.ofSeconds(60);
    private static final Duration LONG = Duration.ofHours(6);

    private final InstanceSettings settings;
    private final ProcessRunner runner;
    private final PgConnections connections;
    private final PostgresFiles files;
    private final KnownPostmaster postmaster;
    /** pg_basebackup's --max-rate, when limited. */
    private volatile Optional<String> baseBackupMaxRate = Optional.empty();

    public InstanceController(InstanceSettings settings, ProcessRunner runner, PgConnections connections) {
        this(settings, runner, connections, new KnownPostmaster(), java.util.Optional.empty());
    }

    /** @param postmaster the postmaster the observer last saw running, for a fence after its pid file is gone */
    public InstanceController(InstanceSettings settings, ProcessRunner runner, PgConnections connections,
            KnownPostmaster postmaster) {
        this(settings, runner, connections, postmaster, java.util.Optional.empty());
    }

    /**
     * @param postmaster the postmaster the observer last saw running, for a fence after its pid file is gone
     * @param archiver continuous WAL archiving when present (its settings go into every config write)
     */
    public InstanceController(InstanceSettings settings, ProcessRunner runner, PgConnections connections,
            KnownPostmaster postmaster, java.util.Optional<org.ferretdboperator.coordinator.archive.PgBackRestArchiver> archiver) {
        this.settings = settings;
        this.runner = runner;
        this.connections = connections;
        this.files = new PostgresFiles(settings, runner, archiver);
        this.postmaster = postmaster;
    }

    /** Limits every later clone's transfer to {@code rate} (pg_basebackup --max-rate syntax, checked by the caller). */
    public void baseBackupMaxRate(Optional<String> rate) {
        this.baseBackupMaxRate = rate;
    }

    public PostgresFiles files() {
        return files;
    }

    // --- lifecycle ----------------------------------------------------------------------------------------------

    @Override
    public void initDb() throws IOException, InterruptedException {
        Path pgdata = settings.pgdata();
        prepareParent(pgdata);
        Path pwfile = Files.createTempFile(pgdata.getParent(), ".initdb-pw", "");
        try {
            Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(pwfile, settings.superuser().passwordString());
            runner.handOver(pwfile);
            check(runner.run("initdb", List.of("-D", pgdata.toString(), "-U", settings.superuser().username(),
                    "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                    "--locale=C", "--data-checksums"), SHORT), "initdb");
        } finally {
            Files.deleteIfExists(pwfile);
        }
        files.writeConfig();
    }

    @Override
    public void startPrimary() throws IOException, InterruptedException {
        files.writeConfig();
        files.configurePrimary();
        start();
    }

    /** Starts as a standby of {@code upstreamAddress}, or without upstream (read-only, replaying local WAL) when null. */
    @Override
    public void startStandby(String upstreamAddress) throws IOException, InterruptedException {
        files.writeConfig();
        files.writePassfile();
        files.configureStandby(upstreamAddress);
        start();
    }

    private void start() throws IOException, InterruptedException {
        requireServerLibraries();
        removeStalePidFile();
        Path log = runner.serverLog();
        ProcessResult result = runner.run("pg_ctl", List.of("start", "-D", settings.pgdata().toString(), "-W", "-l",
                log.toString()), SHORT);
        check(result, "pg_ctl start");
        // pg_ctl -W returns before the postmaster writes its pid file; wait for it so the next tick sees it starting
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (PostmasterPidFile.runningPostmaster(settings.pgdata()).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("PostgreSQL did not start within 10 s; see " + log);
            }
            Thread.sleep(20);
        }
    }

    /**
     * A postmaster.pid, or the lock file beside the unix socket, left by a server that died with its container or node
     * may name a live program of the new pod (see {@link PostmasterPidFile}); PostgreSQL will not take the data
     * directory, or the socket, while that program answers signals. Seen on real nodes: after a lost node returned,
     * every start of its member exited with "lock file .s.PGSQL.5432.lock already exists", re-clones included.
     */
    private void removeStalePidFile() throws IOException {
        List<Path> lockFiles = new java.util.ArrayList<>(List.of(settings.pgdata().resolve(PostmasterPidFile.NAME)));
        if (settings.socketDir() != null) {
            lockFiles.add(PostmasterPidFile.socketLockFile(settings.socketDir(), settings.port()));
        }
        for (Path lockFile : lockFiles) {
            Optional<String> stale = PostmasterPidFile.removeLockIfBlockingStart(lockFile);
            if (stale.isPresent()) {
                LOG.infof("removed a stale %s naming %s: PostgreSQL would not start while it answers signals", lockFile,
                        stale.get());
            }
        }
    }

    /**
     * A DocumentDB backend on an image without DocumentDB's libraries would not start (the postmaster exits at once on
     * a preload library it cannot load, over and over); say why instead. An image whose libraries cannot be listed is
     * given the benefit of the doubt.
     */
    private void requireServerLibraries() throws IOException, InterruptedException {
        if (settings.distribution() != PostgresDistribution.DOCUMENTDB) {
            return;
        }
        Optional<Set<String>> libraries = runner.serverLibraries();
        if (libraries.isPresent()) {
            List<String> missing = DocumentDb.missingLibraries(libraries.get());
            if (!missing.isEmpty()) {
                throw new UnusableImageException(DocumentDb.missingLibrariesMessage(missing));
            }
        }
    }

    /** Fast shutdown; immediate if it does not finish in time. */
    @Override
    public void stopFast(Duration timeout) throws IOException, InterruptedException {
        connections.closeLocal();
        if (!postmasterAlive()) {
            return;
        }
        ProcessResult fast = runner.run("pg_ctl", List.of("stop", "-D", settings.pgdata().toString(), "-m", "fast", "-w", "-t",
                Long.toString(Math.max(1, timeout.toSeconds()))), timeout.plusSeconds(5));
        if (!fast.ok() && postmasterAlive()) {
            LOG.warnf("fast shutdown did not finish (%s); stopping immediately", fast.tail());
            fence();
        }
    }

    /**
     * Stops accepting writes now: SIGQUIT to the postmaster (immediate shutdown: every backend exits at once, open
     * sessions are cut, nothing more is acknowledged), SIGKILL if it is still there after a second. Without a pid
     * file (the data directory removed under a running server) the postmaster last seen running is the one fenced.
     */
    @Override
    public void fence() throws IOException, InterruptedException {
        connections.closeLocal();
        Optional<Long> pid = PostmasterPidFile.runningPostmaster(settings.pgdata()).or(postmaster::stillRunning);
        if (pid.isEmpty() || !runner.alive(pid.get())) {
            return;
        }
        runner.signal(pid.get(), "QUIT");
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (runner.alive(pid.get())) {
            if (System.nanoTime() > deadline) {
                runner.signal(pid.get(), "KILL");
                break;
            }
            Thread.sleep(5);
        }
    }

    public boolean postmasterAlive() {
        return PostmasterPidFile.runningPostmaster(settings.pgdata()).isPresent();
    }

    @Override
    public void promote() throws SQLException {
        try (Statement st = connections.local().createStatement(); ResultSet rs = st.executeQuery("SELECT pg_promote(true, 60)")) {
            if (!rs.next() || !rs.getBoolean(1)) {
                throw new SQLException("pg_promote() did not complete");
            }
        }
        checkpointInBackground();
    }

    /**
     * A promotion only requests a spread checkpoint, and until one completes pg_control still names the old timeline:
     * pg_rewind against this server then reports "same timeline, no rewind required" and a diverged old primary could
     * not rejoin for minutes. An immediate CHECKPOINT on its own connection fixes that without holding up the loop
     * (which must keep renewing the Lease); Patroni does the same after a promotion.
     */
    private void checkpointInBackground() {
        Thread t = new Thread(() -> {
            long started = System.nanoTime();
            try (Connection c = PgConnections.open("127.0.0.1", settings.port(), "postgres", settings.superuser(), 5, 0);
                    Statement st = c.createStatement()) {
                st.execute("CHECKPOINT");
                LOG.infof("checkpoint after promotion done in %d ms", (System.nanoTime() - started) / 1_000_000);
            } catch (SQLException e) {
                LOG.warnf("checkpoint after promotion failed (a diverged member's rewind waits for the next one): %s",
                        e.getMessage());
            }
        }, "checkpoint-after-promotion");
        t.setDaemon(true);
        t.start();
    }

    // --- joining a leader --------------------------------------------------------------------------------------

    /**
     * pg_basebackup from the leader into an empty PGDATA, then start as its standby. A copy that fails or is cancelled
     * (the thread interrupted: the runner kills pg_basebackup, which then cannot clean up after itself) is removed, so
     * a half-copied directory is never taken for a data directory.
     */
    @Override
    public void cloneFrom(String leaderAddress) throws IOException, InterruptedException {
        Path pgdata = settings.pgdata();
        prepareParent(pgdata);
        if (!emptyOrAbsent(pgdata)) {
            throw new IOException("not cloning into " + pgdata + ": it is not empty");
        }
        files.writePassfile();
        List<String> args = new java.util.ArrayList<>(List.of("-D", pgdata.toString(), "-d",
                files.conninfo(leaderAddress, true), "-X", "stream", "-c", "fast", "--no-password"));
        baseBackupMaxRate.ifPresent(rate -> args.add("--max-rate=" + rate));
        ProcessResult copied;
        try {
            copied = runner.run("pg_basebackup", args, LONG);
        } catch (IOException | InterruptedException | RuntimeException e) {
            removeFailedCopy(pgdata, e);
            throw e;
        }
        if (!copied.ok()) {
            IOException failed = new IOException("pg_basebackup from " + leaderAddress + " failed (exit " + copied.exitCode()
                    + "): " + copied.tail());
            removeFailedCopy(pgdata, failed);
            throw failed;
        }
        startStandby(leaderAddress);
    }

    private static boolean emptyOrAbsent(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void removeFailedCopy(Path pgdata, Exception cause) {
        try {
            deleteTree(pgdata);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * pg_rewind against the leader (PostgreSQL stopped first), then start as its standby.
     *
     * @param leaderOnLaterTimeline the leader runs on a later timeline than this data directory; if pg_rewind then
     *                              finds both on the same timeline, the leader's pg_control predates its promotion (no
     *                              checkpoint since), nothing was rewound, and starting would fail: throws
     *                              {@link RewindNotReadyException} instead, to be retried
     */
    @Override
    public void rewind(String leaderAddress, boolean leaderOnLaterTimeline) throws IOException, InterruptedException {
        if (postmasterAlive()) {
            stopFast(Duration.ofSeconds(30));
        }
        files.writePassfile();
        removeStalePidFile(); // pg_rewind's crash recovery runs a single-user server, which takes the same lock file
        if (ControlFile.read(settings.pgdata()).map(c -> !c.cleanShutdown()).orElse(false)) {
            // a standby that crashed: pg_rewind first finishes its crash recovery in a single-user server, which
            // refuses standby mode ("standby mode is not supported by single-user servers"); Patroni removes the
            // signal files the same way. The start after the rewind writes standby.signal again.
            files.removeRecoverySignals();
        }
        ProcessResult result = runner.run("pg_rewind", List.of("-D", settings.pgdata().toString(), "--source-server="
                + files.conninfo(leaderAddress, false)), LONG);
        check(result, "pg_rewind against " + leaderAddress);
        if (leaderOnLaterTimeline && result.tail().contains("same timeline")) {
            throw new RewindNotReadyException("pg_rewind against " + leaderAddress + " found no timeline switch yet (the "
                    + "leader has not checkpointed since its promotion); retrying");
        }
        startStandby(leaderAddress);
    }

    /**
     * Moves PGDATA aside, clones from the leader, and removes the old directory only once the clone started; a failed
     * clone moves the old directory back.
     */
    @Override
    public void reclone(String leaderAddress) throws IOException, InterruptedException {
        if (postmasterAlive()) {
            stopFast(Duration.ofSeconds(30));
        }
        Path pgdata = settings.pgdata();
        Path aside = pgdata.resolveSibling(pgdata.getFileName() + ".replaced-" + System.currentTimeMillis());
        if (Files.exists(pgdata)) {
            Files.move(pgdata, aside);
        }
        try {
            cloneFrom(leaderAddress);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (postmasterAlive()) {
                fence();
            }
            deleteTree(pgdata);
            if (Files.exists(aside)) {
                Files.move(aside, pgdata);
            }
            throw e;
        }
        deleteTree(aside);
    }

    // --- settings at runtime -----------------------------------------------------------------------------------

    /** Points the running standby at a new leader; PostgreSQL 13+ applies primary_conninfo on reload. */
    @Override
    public void repoint(String leaderAddress) throws SQLException, IOException {
        files.writePassfile();
        alterSystem(Map.of("primary_conninfo", files.conninfo(leaderAddress, true), "primary_slot_name",
                Slots.nameFor(settings.memberName())));
    }

    /**
     * A standby still starting (short of a consistent state, so no SQL) is pointed at the leader through
     * postgresql.auto.conf, which ALTER SYSTEM would have written, and a reload: PostgreSQL 13+ re-reads
     * primary_conninfo in its startup process and starts a WAL receiver, so the standby can fetch the WAL it lacks.
     */
    @Override
    public void repointStarting(String leaderAddress) throws IOException, InterruptedException {
        files.writePassfile();
        files.configureStandby(leaderAddress);
        check(runner.run("pg_ctl", List.of("reload", "-D", settings.pgdata().toString()), SHORT), "pg_ctl reload");
    }

    /** Stops the WAL receiver: its position becomes final. */
    @Override
    public void detach() throws SQLException {
        alterSystem(Map.of("primary_conninfo", ""));
    }

    @Override
    public void setSynchronousStandbys(SyncSetting setting) throws SQLException {
        alterSystem(Map.of("synchronous_standby_names", setting.toPostgres()));
    }

    private void alterSystem(Map<String, String> values) throws SQLException {
        Connection c = connections.local();
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement st = c.createStatement()) {
            for (Map.Entry<String, String> e : values.entrySet()) {
                st.execute("ALTER SYSTEM SET " + e.getKey() + " = '" + pg.escapeLiteral(e.getValue()) + "'");
            }
            st.execute("SELECT pg_reload_conf()");
        }
    }

    @Override
    public void ensureSlots(Set<String> create, Set<String> drop) throws SQLException {
        Connection c = connections.local();
        for (String slot : create) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_create_physical_replication_slot(?, true) WHERE NOT EXISTS "
                            + "(SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
                ps.setString(1, slot);
                ps.setString(2, slot);
                ps.execute();
            }
        }
        for (String slot : drop) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                ps.setString(1, slot);
                ps.execute();
            }
        }
    }

    @Override
    public void resetSynchronousCommit(Set<SyncCommitOverride> overrides) throws SQLException {
        Connection c = connections.local();
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement st = c.createStatement()) {
            for (SyncCommitOverride o : overrides) {
                String role = o.role() == null ? null : pg.escapeIdentifier(o.role());
                String db = o.database() == null ? null : pg.escapeIdentifier(o.database());
                if (role != null && db != null) {
                    st.execute("ALTER ROLE " + role + " IN DATABASE " + db + " RESET synchronous_commit");
                } else if (role != null) {
                    st.execute("ALTER ROLE " + role + " RESET synchronous_commit");
                } else if (db != null) {
                    st.execute("ALTER DATABASE " + db + " RESET synchronous_commit");
                } else {
                    st.execute("ALTER ROLE ALL RESET synchronous_commit");
                }
            }
        }
        // a stored default applies at login: sessions opened under it keep it until they reconnect
        for (SyncCommitOverride o : overrides) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() "
                    + "AND (?::text IS NULL OR datname = ?) AND (?::text IS NULL OR usename = ?)")) {
                ps.setString(1, o.database());
                ps.setString(2, o.database());
                ps.setString(3, o.role());
                ps.setString(4, o.role());
                ps.execute();
            }
        }
    }

    // --- roles -------------------------------------------------------------------------------------------------

    /**
     * The replication role (also pg_rewind's source role, with only the grants pg_rewind needs) and every application
     * role: LOGIN NOSUPERUSER, owning its database. Passwords are hashed client-side (SCRAM) by the driver, so the
     * plain text never reaches the server or its logs.
     */
    @Override
    public void ensureRoles(List<AppUser> appUsers) throws SQLException {
        Connection c = connections.local();
        PGConnection pg = c.unwrap(PGConnection.class);
        Credentials repl = settings.replication();
        ensureRole(c, pg, repl, "REPLICATION LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE");
        String replId = pg.escapeIdentifier(repl.username());
        try (Statement st = c.createStatement()) {
            for (String fn : List.of("pg_catalog.pg_ls_dir(text, boolean, boolean)", "pg_catalog.pg_stat_file(text, boolean)",
                    "pg_catalog.pg_read_binary_file(text)", "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)")) {
                st.execute("GRANT EXECUTE ON FUNCTION " + fn + " TO " + replId);
            }
        }
        boolean documentDb = settings.distribution() == PostgresDistribution.DOCUMENTDB;
        if (documentDb) {
            ensureDocumentDbExtension();
        }
        for (AppUser user : appUsers) {
            Credentials who = Credentials.read(user.secretDir());
            if (!AppUser.validRoleName(who.username())) {
                throw new IllegalArgumentException("application user in " + user.secretDir() + ": username '" + who.username()
                        + "' is not a valid role name");
            }
            ensureRole(c, pg, who, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION");
            if (documentDb && user.database().equals(DocumentDb.DATABASE)) {
                // DocumentDB's database stays the superuser's; the role works in it through DocumentDB's admin role
                try (Statement st = c.createStatement()) {
                    st.execute("GRANT " + DocumentDb.ADMIN_ROLE + " TO " + pg.escapeIdentifier(who.username()));
                }
                continue;
            }
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, user.database());
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            try (Statement st = c.createStatement()) {
                String db = pg.escapeIdentifier(user.database());
                String role = pg.escapeIdentifier(who.username());
                if (!exists) {
                    st.execute("CREATE DATABASE " + db + " OWNER " + role);
                } else {
                    st.execute("ALTER DATABASE " + db + " OWNER TO " + role);
                }
            }
        }
    }

    /**
     * {@code CREATE EXTENSION documentdb CASCADE} in its database (pg_cron and documentdb_core come with it), on a
     * connection of its own: creating it takes longer than the loop's connection allows a statement.
     */
    private void ensureDocumentDbExtension() throws SQLException {
        try (Connection c = PgConnections.open("127.0.0.1", settings.port(), DocumentDb.DATABASE, settings.superuser(), 3, 300);
                Statement st = c.createStatement()) {
            st.execute("SET synchronous_commit = local");
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = '" + DocumentDb.EXTENSION + "'")) {
                if (!rs.next()) {
                    throw new SQLException("extension " + DocumentDb.EXTENSION + " is not available in this PostgreSQL "
                            + "(pg_available_extensions): FerretDB 2.x needs an image with the DocumentDB extension");
                }
            }
            st.execute("CREATE EXTENSION IF NOT EXISTS " + DocumentDb.EXTENSION + " CASCADE");
        }
    }

    private static void ensureRole(Connection c, PGConnection pg, Credentials who, String attributes) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, who.username());
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        String role = pg.escapeIdentifier(who.username());
        try (Statement st = c.createStatement()) {
            st.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + " WITH " + attributes);
        }
        pg.alterUserPassword(who.username(), who.password().clone(), "scram-sha-256");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private void prepareParent(Path pgdata) throws IOException {
        Path parent = pgdata.toAbsolutePath().getParent();
        if (!Files.exists(parent)) {
            Files.createDirectories(parent);
            runner.handOver(parent);
        }
    }

    private static void check(ProcessResult result, String what) throws IOException {
        if (!result.ok()) {
            throw new IOException(what + " failed (exit " + result.exitCode() + "): " + result.tail());
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
