package org.ferretdboperator.harness.patroni;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ferretdboperator.harness.Harness;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.PostgresPrograms;
import org.ferretdboperator.testsupport.Prerequisite;
import org.ferretdboperator.testsupport.Tools;

/**
 * Where the peer's programs are: Patroni (a virtual environment hack/tools.sh installs from PyPI) and etcd (built by
 * hack/tools.sh), found through {@code hack/tools.sh --print-env patroni etcd} as the control plane finds its tools, and
 * PostgreSQL 15's programs, the same ones our harness runs.
 *
 * <p>PostgreSQL refuses to run as root, and Patroni runs it, so as root (CI) Patroni runs as the postgres user. The tool
 * cache lives under root's home, which that user cannot enter, so its virtual environment's packages are copied once
 * per build to target/harness/patroni-python and run with the system's Python of the same minor version (a virtual
 * environment cannot be moved; its packages can). Without root everything runs as the current user from the cache.
 */
public final class PatroniTools {

    /** How to start one agent: the command before the configuration file, and its extra environment. */
    record Launch(List<String> command, Map<String, String> environment) {
    }

    private static PatroniTools found;

    final Path etcd;
    final Path patroni;
    final Path venv;
    final String version;

    private PatroniTools(Path etcd, Path patroni, Path venv, String version) {
        this.etcd = etcd;
        this.patroni = patroni;
        this.venv = venv;
        this.version = version;
    }

    /** The tools, or (through {@link Prerequisite#require}) a failure in CI and a printed skip elsewhere. */
    public static synchronized PatroniTools require(Path projectDir) {
        if (found != null) {
            return found;
        }
        List<String> missing = new ArrayList<>();
        for (String program : List.of("initdb", "pg_ctl", "postgres", "pg_basebackup", "pg_rewind", "pg_controldata")) {
            if (!Files.isExecutable(PostgresPrograms.BIN_DIR.resolve(program))) {
                missing.add(PostgresPrograms.BIN_DIR.resolve(program) + " (install postgresql-15, or set PG_BIN_DIR)");
            }
        }
        for (String program : List.of("setsid", "kill")) {
            if (!Prerequisite.onPath(program)) {
                missing.add(program);
            }
        }
        if (Prerequisite.isRoot() && !Prerequisite.onPath("setpriv")) {
            missing.add("setpriv (util-linux): PostgreSQL refuses to run as root, so Patroni runs as " + PostgresPrograms.OS_USER);
        }
        Map<String, Path> env = Tools.find(projectDir, Tools.PATRONI, Tools.ETCD).orElse(Map.of());
        Path etcd = env.get("ETCD");
        Path patroni = env.get("PATRONI");
        if (etcd == null || !Files.isExecutable(etcd)) {
            missing.add("etcd (run hack/tools.sh etcd)");
        }
        Path venv = null;
        if (patroni == null || !Files.isExecutable(patroni)) {
            missing.add("patroni (run hack/tools.sh patroni)");
        } else {
            venv = venvOf(patroni).orElse(null);
            if (venv == null) {
                missing.add(patroni + " is not the wrapper hack/tools.sh writes (no virtual environment named in it)");
            }
        }
        Prerequisite.require(missing.isEmpty(), String.join("; ", missing));
        String version = output(List.of(patroni.toString(), "--version")).strip();
        found = new PatroniTools(etcd, patroni, venv, version);
        Harness.log("peer tools: %s (%s), etcd %s", patroni, version, etcd);
        return found;
    }

    /** "patroni 4.1.5"-like. */
    public String version() {
        return version;
    }

    /** How to start Patroni on {@code config} in its own session (its pid is its process group). */
    Launch launch(Path harnessRoot, Path memberDir) {
        Map<String, String> environment = new HashMap<>();
        environment.put("HOME", memberDir.toString()); // Patroni and libpq must not look into root's home
        List<String> command = new ArrayList<>(List.of("setsid"));
        if (!Prerequisite.isRoot()) {
            command.add(patroni.toString());
            return new Launch(command, environment);
        }
        Path sitePackages = copiedPackages(harnessRoot);
        command.addAll(List.of("setpriv", "--reuid=" + PostgresPrograms.OS_USER, "--regid=" + PostgresPrograms.OS_USER,
                "--init-groups", "--", systemPython().toString(), "-s", "-m", "patroni"));
        environment.put("PYTHONPATH", sitePackages.toString());
        return new Launch(command, environment);
    }

    private Path systemPython() {
        String minor = pythonMinor();
        for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, "python" + minor);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        Prerequisite.require(false, "python" + minor + " in /usr/bin or /usr/local/bin (Patroni's virtual environment was "
                + "made with Python " + minor + " and must run as " + PostgresPrograms.OS_USER + ", who cannot enter the tool cache)");
        throw new IllegalStateException("unreachable");
    }

    private String pythonMinor() {
        try {
            for (String line : Files.readAllLines(venv.resolve("pyvenv.cfg"))) {
                Matcher m = Pattern.compile("^version(?:_info)?\\s*=\\s*(\\d+\\.\\d+)").matcher(line.strip());
                if (m.find()) {
                    return m.group(1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(venv.resolve("pyvenv.cfg") + " names no Python version");
    }

    /** The venv's site-packages, copied where the postgres user can read them (once; a stamp names the source). */
    private synchronized Path copiedPackages(Path harnessRoot) {
        Path source;
        try (var libs = Files.list(venv.resolve("lib"))) {
            source = libs.map(p -> p.resolve("site-packages")).filter(Files::isDirectory).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no site-packages in " + venv));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path copy = harnessRoot.resolve("patroni-python");
        Path stamp = copy.resolve("stamp");
        String want = source + " " + version + "\n";
        try {
            if (Files.exists(stamp) && Files.readString(stamp).equals(want)) {
                return copy.resolve("site-packages");
            }
            Harness.deleteTree(copy);
            Files.createDirectories(copy);
            if (!Command.run(copy, Map.of(), Duration.ofMinutes(2), List.of("cp", "-r", source.toString(),
                    copy.resolve("site-packages").toString())).succeeded()
                    || !Command.run(copy, Map.of(), Duration.ofMinutes(2), List.of("chmod", "-R", "a+rX", copy.toString()))
                            .succeeded()) {
                throw new IllegalStateException("cannot copy " + source + " to " + copy);
            }
            Files.writeString(stamp, want);
            return copy.resolve("site-packages");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The virtual environment the tools.sh wrapper execs ({@code exec "<venv>/bin/patroni" "$@"}). */
    private static Optional<Path> venvOf(Path wrapper) {
        try {
            Matcher m = Pattern.compile("exec \"([^\"]+)/bin/patroni\"").matcher(Files.readString(wrapper));
            return m.find() ? Optional.of(Path.of(m.group(1))).filter(Files::isDirectory) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** stdout of a short command ("" when it fails). */
    private static String output(List<String> command) {
        try {
            return Command.run(Path.of("").toAbsolutePath(), Map.of(), Duration.ofSeconds(30), command).stdout();
        } catch (UncheckedIOException e) {
            return "";
        }
    }
}
