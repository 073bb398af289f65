package dev.ssam.runtime.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One GPU kernel source in the portable dialect, ready to compile: the shared header
 * {@code kernels/portable.h} (a runtime resource: macros and device helpers, dialect rules at its
 * top) followed by the op's {@code kernels/<name>} resource, with a {@code #line} directive so
 * compiler messages point into the op's file. The same text compiles as OpenCL C and, later, as
 * CUDA C through NVRTC; the compiler's predefined macros pick the header's branch.
 *
 * <pre>{@code
 * private static final KernelSource SRC = KernelSource.load(ScanOpenCl.class, "scan.cl");
 * }</pre>
 *
 * @param name   the resource name, e.g. {@code scan.cl}
 * @param text   the header and the source, as compiled
 * @param sha256 hex SHA-256 of {@code text}: the compile cache's key
 */
public record KernelSource(String name, String text, String sha256) {
    /** The header every source is prefixed with. */
    public static final String HEADER = "portable.h";

    /** Loads {@code kernels/<name>} from {@code anchor}'s class path and prefixes the header. */
    public static KernelSource load(Class<?> anchor, String name) {
        String header = read(KernelSource.class, HEADER);
        String body = read(anchor, name);
        String text = header + "\n#line 1 \"" + name + "\"\n" + body;
        return new KernelSource(name, text, sha256(text));
    }

    private static String read(Class<?> anchor, String name) {
        String path = "/kernels/" + name;
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + path + " is not on the class path of "
                        + anchor.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + path, e);
        }
    }

    static String sha256(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + sha256.substring(0, 12) + ")";
    }
}
