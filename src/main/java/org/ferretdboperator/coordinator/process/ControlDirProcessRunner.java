package org.ferretdboperator.coordinator.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.ferretdboperator.contract.PodContract;

/**
 * The pod's channel to the postgres container, whose only command is {@code runner.sh}: the protocol is the one
 * {@link PodContract} describes and the script implements (one request as NUL-separated argv in
 * {@code requests/<id>.cmd}, written as {@code .cmd.tmp} and renamed; answers in {@code responses/<id>.out} and, last,
 * {@code responses/<id>.rc}; cancellation by deleting an unclaimed {@code .cmd} or creating {@code <id>.cancel}).
 *
 * <p>Ids sort in submission order (epoch milliseconds, then a per-process sequence), because the runner serves requests
 * one at a time in lexical order. The runner carries no per-request environment: settings travel in argv (libpq's
 * {@code passfile=}). Argv is never logged, and the request file is readable by its owner only.
 *
 * <p>Signals (fencing) do not go through the runner: with {@code shareProcessNamespace} the coordinator sends them to
 * the postmaster directly, which is faster than any request round-trip.
 */
public final class ControlDirProcessRunner implements ProcessRunner {

    /** How long a cancelled program may take to be answered (runner: SIGTERM, SIGKILL after 5 s) before we stop waiting. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(8);
    /** Exit code reported for a request the coordinator gave up on (as {@code timeout(1)} does). */
    public static final int RC_TIMED_OUT = 124;

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path controlDir;
    private final Path requests;
    private final Path responses;
    private final Duration poll;
    /** Ids given up on before their answer arrived: their answer files are removed when they appear. */
    private final Set<String> abandoned = ConcurrentHashMap.newKeySet();

    public ControlDirProcessRunner(Path controlDir, Duration poll) {
        this.controlDir = controlDir;
        this.requests = controlDir.resolve(PodContract.RUNNER_REQUESTS);
        this.responses = controlDir.resolve(PodContract.RUNNER_RESPONSES);
        this.poll = poll;
    }

    @Override
    public ProcessResult run(String program, List<String> args, Duration timeout) throws IOException, InterruptedException {
        if (!program.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a PostgreSQL program name: '" + program + "'");
        }
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).indexOf('\0') >= 0) {
                throw new IllegalArgumentException(program + ": argument " + (i + 1) + " contains a NUL byte");
            }
        }
        sweepAbandoned();
        String id = nextId();
        Path request = submit(id, program, args);
        Path rc = responses.resolve(id + PodContract.RUNNER_EXIT_CODE_SUFFIX);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!Files.exists(rc)) {
                if (System.nanoTime() - deadline > 0) {
                    return timedOut(id, request, program, timeout);
                }
                Thread.sleep(poll.toMillis());
            }
        } catch (InterruptedException e) {
            try {
                if (!cancel(id, request) && !awaitAnswer(rc)) {
                    abandoned.add(id);
                } else if (Files.exists(rc)) {
                    collect(id);
                }
            } catch (IOException | InterruptedException cancelFailed) {
                abandoned.add(id);
                e.addSuppressed(cancelFailed);
            }
            throw e;
        }
        return collect(id);
    }

    static String nextId() {
        return String.format("%013d-%09d-%04x", System.currentTimeMillis(), SEQUENCE.incrementAndGet(),
                ThreadLocalRandom.current().nextInt(0x10000));
    }

    private Path submit(String id, String program, List<String> args) throws IOException {
        Files.createDirectories(requests);
        Files.createDirectories(responses);
        ByteArrayOutputStream argv = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>();
        all.add(program);
        all.addAll(args);
        for (int i = 0; i < all.size(); i++) {
            if (i > 0) {
                argv.write(0);
            }
            argv.writeBytes(all.get(i).getBytes(StandardCharsets.UTF_8));
        }
        Path tmp = requests.resolve(id + PodContract.RUNNER_REQUEST_TMP_SUFFIX);
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, argv.toByteArray());
        Path request = requests.resolve(id + PodContract.RUNNER_REQUEST_SUFFIX);
        Files.move(tmp, request, StandardCopyOption.ATOMIC_MOVE);
        return request;
    }

    /**
     * Withdraws the request, or asks the runner to stop it; returns the runner's answer if it comes within
     * {@link #CANCEL_WAIT}, so that the next request does not queue behind a program nobody waits for.
     */
    private ProcessResult timedOut(String id, Path request, String program, Duration timeout)
            throws IOException, InterruptedException {
        String what = program + ": no answer from the postgres container's runner within " + timeout.toMillis() + " ms";
        if (cancel(id, request)) {
            return new ProcessResult(RC_TIMED_OUT, what + "; the request was withdrawn before it started ("
                    + runnerState() + ")");
        }
        Path rc = responses.resolve(id + PodContract.RUNNER_EXIT_CODE_SUFFIX);
        long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
        while (!Files.exists(rc) && System.nanoTime() - deadline < 0) {
            Thread.sleep(poll.toMillis());
        }
        if (!Files.exists(rc)) {
            abandoned.add(id);
            return new ProcessResult(RC_TIMED_OUT, what + "; cancelled, and the runner has not answered yet ("
                    + runnerState() + ")");
        }
        ProcessResult cancelled = collect(id);
        return new ProcessResult(RC_TIMED_OUT, cancelled.output() + "\n" + what + "; cancelled (it exited with "
                + cancelled.exitCode() + ")");
    }

    /**
     * Waits up to {@link #CANCEL_WAIT} for the runner's answer to a cancelled request, so that whoever cancelled it
     * (a clone given up on) knows the program has stopped before it cleans up after it.
     */
    private boolean awaitAnswer(Path rc) throws InterruptedException {
        long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
        while (!Files.exists(rc)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(poll.toMillis());
        }
        return true;
    }

    /** True when the request was withdrawn before the runner claimed it; otherwise the runner is asked to stop it. */
    private boolean cancel(String id, Path request) throws IOException {
        try {
            Files.delete(request);
            return true;
        } catch (NoSuchFileException claimed) {
            Path cancel = requests.resolve(id + PodContract.RUNNER_CANCEL_SUFFIX);
            if (!Files.exists(responses.resolve(id + PodContract.RUNNER_EXIT_CODE_SUFFIX))) {
                Files.writeString(cancel, "");
            }
            return false;
        }
    }

    private ProcessResult collect(String id) throws IOException {
        Path rc = responses.resolve(id + PodContract.RUNNER_EXIT_CODE_SUFFIX);
        Path out = responses.resolve(id + PodContract.RUNNER_OUTPUT_SUFFIX);
        String code = Files.readString(rc, StandardCharsets.UTF_8).strip();
        String output = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
        Files.deleteIfExists(rc);
        Files.deleteIfExists(out);
        Files.deleteIfExists(requests.resolve(id + PodContract.RUNNER_CANCEL_SUFFIX));
        try {
            return new ProcessResult(Integer.parseInt(code), output);
        } catch (NumberFormatException e) {
            throw new IOException("the runner's exit code file " + rc + " holds '" + code + "', not a number");
        }
    }

    private void sweepAbandoned() {
        for (String id : abandoned) {
            try {
                if (Files.exists(responses.resolve(id + PodContract.RUNNER_EXIT_CODE_SUFFIX))) {
                    collect(id);
                    abandoned.remove(id);
                } else if (!Files.exists(requests.resolve(id + PodContract.RUNNER_CLAIM_SUFFIX))
                        && !Files.exists(requests.resolve(id + PodContract.RUNNER_REQUEST_SUFFIX))) {
                    Files.deleteIfExists(requests.resolve(id + PodContract.RUNNER_CANCEL_SUFFIX));
                    abandoned.remove(id);
                }
            } catch (IOException e) {
                // tried again on the next request
            }
        }
    }

    /** For error messages: how long ago the runner's loop last turned. */
    String runnerState() {
        Path heartbeat = controlDir.resolve(PodContract.RUNNER_HEARTBEAT_NAME);
        Optional<Long> beat;
        try {
            beat = Optional.of(Long.parseLong(Files.readString(heartbeat).strip()));
        } catch (IOException | NumberFormatException e) {
            return "no runner heartbeat at " + heartbeat + ": is runner.sh running in the postgres container?";
        }
        long age = System.currentTimeMillis() / 1000 - beat.get();
        return "runner heartbeat " + age + " s ago";
    }


    @Override
    public void handOver(Path path) {
        // Both containers run as the same uid with the pod's fsGroup: nothing to change.
    }

    /** The runner's link to its own stdout: the server log reaches the postgres container's log. */
    @Override
    public Path serverLog() {
        return controlDir.resolve(PodContract.RUNNER_LOG_LINK_NAME);
    }

    /** The list the runner wrote at its start; empty when there is none (pg_config missing from the image). */
    @Override
    public Optional<Set<String>> serverLibraries() throws IOException {
        Path list = controlDir.resolve(PodContract.RUNNER_SERVER_LIBRARIES_NAME);
        if (!Files.exists(list)) {
            return Optional.empty();
        }
        return Optional.of(Files.readAllLines(list).stream().map(String::strip).filter(l -> !l.isEmpty())
                .collect(Collectors.toUnmodifiableSet()));
    }
}
