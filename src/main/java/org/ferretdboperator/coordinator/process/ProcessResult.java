package org.ferretdboperator.coordinator.process;

/** Exit status and combined output of a PostgreSQL program (output is for logs and error messages only). */
public record ProcessResult(int exitCode, String output) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** The last lines of the output, for an error message. */
    public String tail() {
        String[] lines = output.strip().split("\n");
        int from = Math.max(0, lines.length - 5);
        return String.join(" | ", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }
}
