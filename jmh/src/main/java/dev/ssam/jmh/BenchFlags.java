package dev.ssam.jmh;

/**
 * JVM flags every benchmark fork needs, defined once. Use as
 * {@code @Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_MODULES, BenchFlags.VECTOR, BenchFlags.NATIVE})}.
 */
public final class BenchFlags {
    /** {@code --add-modules} */
    public static final String ADD_MODULES = "--add-modules";
    /** the incubating Vector API module */
    public static final String VECTOR = "jdk.incubator.vector";
    /** native access for the FFM bindings */
    public static final String NATIVE = "--enable-native-access=ALL-UNNAMED";

    private BenchFlags() {
    }
}
