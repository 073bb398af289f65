package dev.ssam.ops;

import dev.ssam.runtime.gpu.KernelSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every portable kernel source compiles as CUDA C++, checked here without a GPU: each
 * {@code src/main/resources/kernels/*.cl}, loaded with {@link KernelSource#load} (so prefixed with
 * portable.h exactly as the CUDA backend compiles it), goes through {@code nvcc --ptx} with the
 * options NVRTC gets ({@code --fmad=false -DSSAM_CUDA}, compute capability 9.0); nvcc defines
 * {@code __CUDACC__}, which selects portable.h's CUDA branch as NVRTC's {@code __CUDACC_RTC__}
 * does. The compile must succeed without warnings, and every {@code KERNEL} must appear in the PTX
 * under its own (extern "C") name, the name the host looks it up by. Skipped with a printed reason
 * where no nvcc exists (the GPU machine has none: there the CUDA parity tests compile the same
 * sources through NVRTC).
 */
class CudaKernelSourcesTest {
    private static final Path SOURCES = Path.of("src/main/resources/kernels");
    private static final List<Path> NVCC = List.of(Path.of("/usr/local/cuda/bin/nvcc"),
            Path.of("/usr/local/cuda-13.0/bin/nvcc"));
    /** Compile-time parameters a source requires, at the tiny model's values. */
    private static final Map<String, List<String>> DEFINES = Map.of("scan.cl", List.of("-DSSAM_NSTATE=24", "-DSSAM_SPLIT=4", "-DSSAM_AHEAD=8"),
            "conv.cl", List.of("-DCONV_TAPS=4", "-DCONV_TOKENS=8"),
            "layernorm.cl", List.of("-DLN_LANES=32", "-DLN_GROUP_ROWS=8"));
    /** Sources compiled a second time with other parameters: the code under #if they select. */
    private static final Map<String, List<String>> VARIANTS = Map.of("scan.cl+projected",
            List.of("-DSSAM_NSTATE=24", "-DSSAM_SPLIT=4", "-DSSAM_DTRANK=12", "-DSSAM_AHEAD=8"),
            "scan.cl+widest", List.of("-DSSAM_NSTATE=32", "-DSSAM_SPLIT=8", "-DSSAM_DTRANK=16", "-DSSAM_AHEAD=16"));
    private static final Pattern KERNEL = Pattern.compile("KERNEL\\s+void\\s+(\\w+)\\s*\\(");

    static Stream<String> sources() throws IOException {
        if (!Files.isDirectory(SOURCES)) {
            return Stream.of("(no kernel folder)");
        }
        try (Stream<Path> files = Files.list(SOURCES)) {
            return Stream.concat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cl")),
                    VARIANTS.keySet().stream()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void compilesAsCudaWithEveryKernelExported(String name, @TempDir Path tmp)
            throws IOException, InterruptedException {
        if (!Files.isDirectory(SOURCES)) {
            skip("the kernel sources are not at " + SOURCES.toAbsolutePath());
        }
        Path nvcc = NVCC.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (nvcc == null) {
            skip("no nvcc at " + NVCC);
        }
        List<String> defines = VARIANTS.containsKey(name) ? VARIANTS.get(name) : DEFINES.getOrDefault(name, List.of());
        name = name.replaceFirst("\\+.*", "");
        KernelSource src = KernelSource.load(CudaKernelSourcesTest.class, name);
        Path cu = Files.writeString(tmp.resolve(name.replace(".cl", ".cu")), src.text());
        Path ptx = tmp.resolve(name.replace(".cl", ".ptx"));
        List<String> cmd = new ArrayList<>(List.of(nvcc.toString(), "--ptx", "-arch=sm_90", "-x", "cu",
                "--fmad=false", "-DSSAM_CUDA"));
        cmd.addAll(defines);
        cmd.addAll(List.of("-o", ptx.toString(), cu.toString()));
        run(name, "nvcc", cmd);
        // ptxas assembles the PTX for the device as the driver would: register and work-group memory limits
        Path ptxas = nvcc.resolveSibling("ptxas");
        if (Files.isExecutable(ptxas)) {
            run(name, "ptxas", List.of(ptxas.toString(), "-arch=sm_90", "-o", tmp.resolve("k.cubin").toString(),
                    ptx.toString()));
        }
        String text = Files.readString(ptx);
        Matcher m = KERNEL.matcher(Files.readString(SOURCES.resolve(name)));
        int kernels = 0;
        while (m.find()) {
            kernels++;
            assertTrue(text.contains(".entry " + m.group(1) + "("), name + ": kernel " + m.group(1)
                    + " is not exported under its own name (extern \"C\") in the PTX");
        }
        assertTrue(kernels > 0, name + " declares no KERNEL");
    }

    /** Runs a tool and fails on a non-zero status, a timeout or any warning, with its output. */
    private static void run(String name, String tool, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, name + ": " + tool + " did not finish within 120 s");
        assertEquals(0, p.exitValue(), name + ": " + tool + " failed:\n" + log);
        assertFalse(log.toLowerCase(java.util.Locale.ROOT).contains("warning"), name + ": " + tool + " warned:\n" + log);
    }

    private static void skip(String reason) {
        System.err.println("skipping the CUDA kernel-source compile check: " + reason);
        assumeTrue(false, reason);
    }
}
