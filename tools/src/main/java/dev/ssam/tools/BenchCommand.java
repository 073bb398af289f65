package dev.ssam.tools;

import dev.ssam.runtime.io.Json;
import dev.ssam.tasks.bench.BenchResult;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code ssam bench}: kernel, inference and training throughput as JSON lines. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: kernels (ops at SSAM-Tiny shapes), embed (inference clips/s), train (pretraining clips/s).",
        subcommands = {BenchKernelsCommand.class, BenchEmbedCommand.class, BenchTrainCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The short commit the jar was built from: the system property {@code ssam.commit} (set by
     * tools/device for a kit built elsewhere), else the checkout's git HEAD, else "unknown".
     */
    static String commit() {
        String given = System.getProperty("ssam.commit");
        if (given != null && !given.isBlank()) {
            return given.trim();
        }
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String line;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                line = r.readLine();
            }
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && line != null ? line.trim() : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** A one-line description of this machine's CPU. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
        return System.getProperty("os.arch");
    }

    /** Prints {@code r} as one JSON line with commit and machine appended. */
    /** Validates a {@code --check CLIPS} option: absent, or at least 1 clip on a device other than cpu. */
    static void requireCheck(picocli.CommandLine.Model.CommandSpec spec, Integer check, DeviceOptions.Device device) {
        if (check != null && (check < 1 || device == DeviceOptions.Device.cpu)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--check needs at least 1 clip and "
                    + "a device other than cpu (got " + check + " clips on " + device + ")");
        }
    }

    /**
     * Prints a {@code --check} line and fails (exit status 1) when it was judged and something is past
     * its tolerance; {@code what} names the compared numbers in the message.
     */
    static void printCheck(PrintWriter out, BenchResult r, String commit, String device, String what) {
        print(out, r, commit);
        if (Boolean.FALSE.equals(r.fields().get("within"))) {
            throw new IllegalStateException("the " + device + " " + what + " differ from the cpu's past "
                    + r.fields().get("tolerance") + " (" + r.name() + " line above)");
        }
    }

    static void print(PrintWriter out, BenchResult r, String commit) {
        r.with("commit", commit).with("cpu", cpuModel()).with("cores", Runtime.getRuntime().availableProcessors());
        out.println(Json.write(r.toMap()));
        out.flush();
    }

    /**
     * Runs {@code tools/bench/numpy_peer.py} when python3 with numpy is available and returns its
     * JSON lines (empty when the peer cannot run, with the reason in {@code notes}).
     */
    static List<String> numpyPeer(Path script, List<String> notes) {
        List<String> lines = new ArrayList<>();
        if (!Files.isRegularFile(script)) {
            notes.add("numpy peer skipped: " + script + " not found");
            return lines;
        }
        try {
            Process p = new ProcessBuilder("python3", script.toString()).redirectErrorStream(false).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("{")) {
                        lines.add(line);
                    }
                }
            }
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                notes.add("numpy peer exited with " + p.exitValue());
            }
        } catch (IOException e) {
            notes.add("numpy peer skipped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lines;
    }
}
