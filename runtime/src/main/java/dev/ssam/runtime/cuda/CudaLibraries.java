package dev.ssam.runtime.cuda;

import dev.ssam.runtime.RuntimeFlags;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds and opens the three CUDA libraries the {@code cuda} device binds by hand: the driver
 * ({@code libcuda}, installed with the NVIDIA driver), NVRTC and cuBLAS (toolkit libraries).
 *
 * <p>Search order for each library, first that opens wins:
 * <ol>
 *   <li>the driver only: {@code -Dssam.cudaDriver} when set (a file path or a library name), and
 *       nothing else;</li>
 *   <li>each folder of {@code -Dssam.cudaLibraryPath} ({@code :}-separated) with each standard name;</li>
 *   <li>the standard names through the dynamic linker's search ({@code LD_LIBRARY_PATH}, the
 *       ld.so cache): {@code libcuda.so.1, libcuda.so}; {@code libnvrtc.so, libnvrtc.so.13,
 *       libnvrtc.so.12}; {@code libcublas.so, libcublas.so.13, libcublas.so.12};</li>
 *   <li>NVRTC and cuBLAS only: the toolkit folders {@link #TOOLKIT_DIRS} with each standard name.</li>
 * </ol>
 * A library that opens nowhere gives a {@link CudaUnavailableException} listing every name tried
 * and why it failed. cuBLAS needs {@code libcublasLt} of the same version: when cuBLAS is opened
 * from a folder, the Lt library beside it is opened first, so the dynamic linker finds it without
 * {@code LD_LIBRARY_PATH}.
 *
 * <pre>{@code
 * SymbolLookup cublas = CudaLibraries.open(CudaLibraries.Library.CUBLAS).lookup();
 * }</pre>
 */
public final class CudaLibraries {
    /** Where the CUDA toolkit keeps its libraries when no linker path names them. */
    public static final List<String> TOOLKIT_DIRS = List.of("/usr/local/cuda/targets/x86_64-linux/lib",
            "/usr/local/cuda/lib64");

    /** The libraries, with their standard names in search order. */
    public enum Library {
        /** The CUDA driver API ({@code cu*}). */
        DRIVER("CUDA driver", List.of("libcuda.so.1", "libcuda.so")),
        /** The runtime compiler ({@code nvrtc*}). */
        NVRTC("NVRTC", List.of("libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12")),
        /** cuBLAS ({@code cublas*}). */
        CUBLAS("cuBLAS", List.of("libcublas.so", "libcublas.so.13", "libcublas.so.12"));

        private final String title;
        private final List<String> names;

        Library(String title, List<String> names) {
            this.title = title;
            this.names = names;
        }

        /** A readable name for messages. */
        public String title() {
            return title;
        }

        /** The standard file names, in search order. */
        public List<String> names() {
            return names;
        }
    }

    /**
     * One opened library.
     *
     * @param library which one
     * @param name    the candidate that opened (a path or a bare name)
     * @param lookup  its symbols (kept for the JVM's lifetime)
     */
    public record Opened(Library library, String name, SymbolLookup lookup) {
    }

    private CudaLibraries() {
    }

    /** Opens {@code library} with the settings of {@link RuntimeFlags#CURRENT}. */
    public static Opened open(Library library) {
        RuntimeFlags f = RuntimeFlags.CURRENT;
        return open(library, f.cudaDriver(), f.cudaLibraryPath());
    }

    /**
     * Opens {@code library} trying {@link #candidates} in order.
     *
     * @throws CudaUnavailableException when no candidate opens; the message lists each with its failure
     */
    public static Opened open(Library library, String driverSetting, String libraryPath) {
        List<String> failures = new ArrayList<>();
        for (String candidate : candidates(library, driverSetting, libraryPath)) {
            boolean path = candidate.contains("/");
            if (path && !Files.isRegularFile(Path.of(candidate))) {
                failures.add(candidate + " (no such file)");
                continue;
            }
            try {
                if (path && library == Library.CUBLAS) {
                    openCompanion(Path.of(candidate));
                }
                SymbolLookup lookup = path
                        ? SymbolLookup.libraryLookup(Path.of(candidate), Arena.global())
                        : SymbolLookup.libraryLookup(candidate, Arena.global());
                return new Opened(library, candidate, lookup);
            } catch (IllegalArgumentException e) {
                failures.add(candidate + " (" + e.getMessage() + ")");
            }
        }
        throw new CudaUnavailableException(unavailableMessage(library, failures), null);
    }

    /**
     * The candidates of {@code library} in search order (see the class comment): paths and bare
     * names, without duplicates.
     *
     * @param driverSetting {@code ssam.cudaDriver}: when not blank, the only driver candidate
     * @param libraryPath   {@code ssam.cudaLibraryPath}: {@code :}-separated folders searched first
     */
    public static List<String> candidates(Library library, String driverSetting, String libraryPath) {
        if (library == Library.DRIVER && driverSetting != null && !driverSetting.isBlank()) {
            return List.of(driverSetting.trim());
        }
        Set<String> out = new LinkedHashSet<>();
        if (libraryPath != null) {
            for (String dir : libraryPath.split(":")) {
                if (!dir.isBlank()) {
                    for (String name : library.names()) {
                        out.add(Path.of(dir.trim(), name).toString());
                    }
                }
            }
        }
        out.addAll(library.names());
        if (library != Library.DRIVER) {
            for (String dir : TOOLKIT_DIRS) {
                for (String name : library.names()) {
                    out.add(dir + "/" + name);
                }
            }
        }
        return List.copyOf(out);
    }

    private static String unavailableMessage(Library library, List<String> failures) {
        String fix = switch (library) {
            case DRIVER -> "Install the NVIDIA driver (it provides libcuda.so.1) or point -Dssam.cudaDriver at "
                    + "libcuda.so.1";
            case NVRTC -> "Install the CUDA toolkit's NVRTC (libnvrtc.so.13 or .12) or point "
                    + "-Dssam.cudaLibraryPath at the folder holding it";
            case CUBLAS -> "Install the CUDA toolkit's cuBLAS (libcublas.so.13 and libcublasLt.so.13, or .12) "
                    + "or point -Dssam.cudaLibraryPath at the folder holding them";
        };
        return "CUDA: cannot load the " + library.title() + " library; tried " + String.join(", ", failures)
                + ". " + fix;
    }

    /** Opens {@code libcublasLt.so<suffix>} beside {@code libcublas.so<suffix>} when it exists. */
    private static void openCompanion(Path cublas) {
        String file = cublas.getFileName().toString();
        Path lt = cublas.resolveSibling(file.replace("libcublas.so", "libcublasLt.so"));
        if (!lt.equals(cublas) && Files.isRegularFile(lt)) {
            SymbolLookup.libraryLookup(lt, Arena.global());
        }
    }
}
