package org.ferretdboperator.coordinator.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs PostgreSQL programs from a local bin directory. PostgreSQL refuses to run as root, so when this JVM runs as
 * root (CI, containers) every program runs as {@code pgUser} through {@code runuser}, and files the coordinator
 * creates are handed to that user.
 */
public final class LocalProcessRunner implements ProcessRunner {

    public static final String DEFAULT_PG_BIN_DIR = "/usr/lib/postgresql/15/bin";

    private final Path binDir;
    private final String pgUser;
    private final boolean root;
    private final Path serverLog;

    public LocalProcessRunner(Path binDir, String pgUser, Path serverLog) {
        this.binDir = binDir;
        this.pgUser = pgUser;
        this.root = isRoot();
        this.serverLog = serverLog;
    }

    public static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    public boolean runsAsOtherUser() {
        return root;
    }

    public Path binDir() {
        return binDir;
    }

    @Override
    public ProcessResult run(String program, List<String> args, Duration timeout) throws IOException, InterruptedException {
        Path exe = binDir.resolve(program);
        if (!Files.isExecutable(exe)) {
            throw new IOException("PostgreSQL program not found: " + exe + " (set PG_BIN_DIR)");
        }
        List<String> command = new ArrayList<>();
        if (root) {
            // runuser keeps the environment apart from HOME/SHELL/USER/LOGNAME
            command.addAll(List.of("runuser", "-u", pgUser, "--"));
        }
        command.add(exe.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("PGPASSWORD");
        Process process = pb.start();
        process.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // cancelled (a long action the loop gave up on): the program must not go on writing behind our back
            destroyTree(process);
            throw e;
        }
        if (!exited) {
            destroyTree(process);
            return new ProcessResult(124, program + " timed out after " + timeout.toMillis() + " ms");
        }
        return new ProcessResult(process.exitValue(), output.join());
    }

    private static void destroyTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.onExit().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // it was sent SIGKILL; nothing more to do
        }
    }

    /** The library directory's file names, from this bin directory's {@code pg_config --pkglibdir}. */
    @Override
    public Optional<Set<String>> serverLibraries() throws IOException, InterruptedException {
        Path pgConfig = binDir.resolve("pg_config");
        if (!Files.isExecutable(pgConfig)) {
            return Optional.empty();
        }
        Process p = new ProcessBuilder(pgConfig.toString(), "--pkglibdir").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = readAll(p.getInputStream()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isDirectory(Path.of(out))) {
            return Optional.empty();
        }
        try (java.util.stream.Stream<Path> files = Files.list(Path.of(out))) {
            return Optional.of(files.map(f -> f.getFileName().toString()).collect(Collectors.toUnmodifiableSet()));
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }


    @Override
    public void handOver(Path path) throws IOException {
        if (!root || !Files.exists(path)) {
            return;
        }
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(pgUser);
        GroupPrincipal group;
        try {
            group = lookup.lookupPrincipalByGroupName(pgUser);
        } catch (IOException e) {
            group = null;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(user);
        if (group != null) {
            view.setGroup(group);
        }
    }

    @Override
    public Path serverLog() {
        return serverLog;
    }
}
