package dev.ssam.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ssam} command line: the only {@code main} of the project and the only place that
 * prints to the console or exits.
 */
@Command(name = "ssam", mixinStandardHelpOptions = true, versionProvider = SsamCommand.Version.class,
        description = "Self-Supervised Audio Mamba on the JVM: embed audio, pretrain, evaluate, benchmark.",
        subcommands = {DemoCommand.class, EmbedCommand.class, InfoCommand.class, ConvertCommand.class, BenchCommand.class, PretrainCommand.class, EvalCommand.class, TasksCommand.class, CommandLine.HelpCommand.class})
public final class SsamCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests execute it without exiting). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SsamCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println(line.getColorScheme().errorText(line.getCommandSpec().qualifiedName() + ": " + message(ex)));
            return 1;
        });
        return cl;
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    /** Prints the version with the runtime it found. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ssam 0.1.0", "JDK " + Runtime.version() + ", vector species "
                    + dev.ssam.runtime.Simd.describe() + ", " + Runtime.getRuntime().availableProcessors() + " cores"};
        }
    }
}
