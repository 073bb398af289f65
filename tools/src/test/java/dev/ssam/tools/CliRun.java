package dev.ssam.tools;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One execution of the {@code ssam} command line inside the test JVM, with what it printed.
 *
 * @param exit   the exit code {@code execute} returned
 * @param out    everything printed on stdout
 * @param err    everything printed on stderr
 */
record CliRun(int exit, String out, String err) {

    /** Runs {@code ssam args...} without exiting the JVM. */
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = SsamCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** For assertion messages. */
    String describe() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
