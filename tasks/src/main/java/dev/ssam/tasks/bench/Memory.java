package dev.ssam.tasks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, from {@code /proc/self/status} (Linux); NaN elsewhere. */
public final class Memory {
    private Memory() {
    }

    /** Peak resident set size (VmHWM) in MiB, or NaN where /proc is absent. */
    public static double peakRssMegabytes() {
        return field("VmHWM:");
    }

    /** Current resident set size (VmRSS) in MiB, or NaN where /proc is absent. */
    public static double rssMegabytes() {
        return field("VmRSS:");
    }

    private static double field(String key) {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return Double.NaN;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
