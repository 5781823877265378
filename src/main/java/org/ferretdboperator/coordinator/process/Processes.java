package org.ferretdboperator.coordinator.process;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Process liveness and signals as PostgreSQL's lifecycle needs them. */
public final class Processes {

    /** Linux's numbers (the same on x86-64 and arm64): only the signals PostgreSQL's lifecycle uses. */
    private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "KILL", 9, "USR1", 10,
            "USR2", 12, "TERM", 15);
    private static final int ESRCH = 3;

    private Processes() {
    }

    /**
     * Alive and not a zombie. A postmaster started through pg_ctl is re-parented to PID 1, which may reap it late; an
     * exited postmaster must count as gone at once, or fencing would wait for the reaper.
     */
    public static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The program the process runs: the base name of its executable, else of its first argument (a process of
     * another user hides its executable link but not its command line); empty for a process that is gone.
     */
    public static Optional<String> programName(long pid) {
        Optional<String> command = ProcessHandle.of(pid).flatMap(h -> h.info().command());
        if (command.isEmpty()) {
            try {
                byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
                int end = 0;
                while (end < cmdline.length && cmdline[end] != 0) {
                    end++;
                }
                command = end == 0 ? Optional.empty() : Optional.of(new String(cmdline, 0, end));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return command.map(c -> c.substring(c.lastIndexOf('/') + 1));
    }

    /**
     * Sends a signal with the C library's kill(2), through Java's foreign function interface: the coordinator's image
     * has no kill program (bookworm minbase has no procps), and a fence must not depend on one. An exited process is
     * not an error.
     */
    public static void signal(long pid, String signal) throws IOException {
        Integer number = SIGNALS.get(signal);
        if (number == null) {
            throw new IllegalArgumentException("unsupported signal " + signal + "; one of " + SIGNALS.keySet());
        }
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a process id: " + pid);
        }
        int errno;
        try {
            errno = NativeKill.kill((int) pid, number);
        } catch (LinkageError | UnsupportedOperationException e) {
            signalWithoutForeignAccess(pid, signal, e);
            return;
        }
        if (errno != 0 && errno != ESRCH) {
            throw new IOException("kill(" + pid + ", SIG" + signal + ") failed with errno " + errno);
        }
    }

    /**
     * Where the foreign function interface is missing (a native image built without its experimental support), only
     * the two signals ProcessHandle sends are left: SIGKILL stands in for SIGQUIT, since a modern PostgreSQL's backends
     * exit on their own once their postmaster is gone.
     */
    private static void signalWithoutForeignAccess(long pid, String signal, Throwable why) throws IOException {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        switch (signal) {
            case "TERM" -> handle.ifPresent(ProcessHandle::destroy);
            case "KILL", "QUIT" -> handle.ifPresent(ProcessHandle::destroyForcibly);
            default -> throw new IOException("cannot send SIG" + signal + " to " + pid + " without java.lang.foreign: "
                    + why);
        }
    }

    private static final class NativeKill {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
        private static final java.lang.foreign.StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO_HANDLE = CALL_STATE.varHandle(
                java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
        private static final MethodHandle KILL = LINKER.downcallHandle(
                LINKER.defaultLookup().find("kill").orElseThrow(() -> new IllegalStateException("no kill in libc")),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO);

        /** 0 on success, else errno. */
        static int kill(int pid, int signal) throws IOException {
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CALL_STATE);
                int rc = (int) KILL.invokeExact(state, pid, signal);
                return rc == 0 ? 0 : (int) ERRNO_HANDLE.get(state, 0L);
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IOException("kill(" + pid + ", " + signal + ")", e);
            }
        }
    }
}
