package dev.ssam.tools;

import dev.ssam.runtime.Backend;
import dev.ssam.tasks.bench.KernelBenchmarks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code ssam bench kernels}: op throughput at SSAM-Tiny shapes, with OpenBLAS (numpy) as the matmul peer. */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Matmul GFLOP/s, scan state updates/s, conv and LayerNorm GB/s at SSAM-Tiny shapes, as JSON lines.")
public final class BenchKernelsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads = new ArrayList<>();

    @Option(names = "--batch", split = ",", defaultValue = "1,8", description = "Clips per call (default: ${DEFAULT-VALUE}).")
    List<Integer> batches = new ArrayList<>();

    @Option(names = "--device", defaultValue = "cpu", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    DeviceOptions.Device device = DeviceOptions.Device.cpu;

    @Option(names = "--seconds", defaultValue = "1.0", description = "Minimum timed seconds per case (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--peer", negatable = true, defaultValue = "true",
            description = "Also run numpy's matmul (OpenBLAS) at the same shapes, when python3 and numpy are present.")
    boolean peer;

    /**
     * {@code tools/bench/numpy_peer.py} of the checkout this jar was built in ({@code tools/target/ssam.jar}),
     * else relative to the working directory.
     */
    static Path peerScript() {
        try {
            Path jar = Path.of(BenchKernelsCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path script = jar.toAbsolutePath().getParent().resolveSibling("bench").resolve("numpy_peer.py");
            if (java.nio.file.Files.isRegularFile(script)) {
                return script;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // Not loaded from a file: fall back to the working directory.
        }
        return Path.of("tools", "bench", "numpy_peer.py");
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        String commit = BenchCommand.commit();
        KernelBenchmarks bench = new KernelBenchmarks(Math.max(0.5, seconds), seconds);
        for (int t : threads) {
            if (t < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads " + t + " is not a thread count");
            }
            try (Backend b = Backend.parse(device.name(), t)) {
                for (int batch : batches) {
                    bench.run(b, batch, r -> BenchCommand.print(out, r, commit));
                }
            }
        }
        if (peer) {
            List<String> notes = new ArrayList<>();
            for (String line : BenchCommand.numpyPeer(peerScript(), notes)) {
                out.println(line);
            }
            notes.forEach(n -> spec.commandLine().getErr().println("ssam bench kernels: " + n));
            out.flush();
        }
    }
}
