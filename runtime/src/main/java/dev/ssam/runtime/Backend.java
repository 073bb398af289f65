package dev.ssam.runtime;

/**
 * Where an op runs. The family is sealed: every op dispatches with an exhaustive
 * {@code switch (backend)}, so adding a member (the GPU backends) fails compilation until every op
 * handles it.
 *
 * <ul>
 *   <li>{@link Ref}: plain scalar Java, loop order following the math; the oracle every other
 *       backend is tested against, and selectable as {@code --device ref}.</li>
 *   <li>{@link Cpu}: Vector API kernels ({@link Simd#FLOAT}) on a {@link Parallel} pool.</li>
 * </ul>
 *
 * <pre>{@code
 * try (Backend cpu = Backend.cpu(2)) {
 *     Matmul.linear(cpu, x, w, bias, out);
 * }
 * }</pre>
 */
public sealed interface Backend extends AutoCloseable permits Backend.Ref, Backend.Cpu {

    /** The device name as the command line spells it ({@code ref}, {@code cpu}). */
    String name();

    /** Threads this backend computes with. */
    int threads();

    @Override
    default void close() {
    }

    /** The scalar reference backend (single-threaded). */
    static Backend ref() {
        return Ref.INSTANCE;
    }

    /** The Vector API backend on {@code threads} threads (honours {@link RuntimeFlags#forceRef()}). */
    static Backend cpu(int threads) {
        return RuntimeFlags.CURRENT.forceRef() ? Ref.INSTANCE : new Cpu(Parallel.of(threads));
    }

    /**
     * Parses a device name: {@code ref} or {@code cpu}. GPU names are rejected with a message that
     * says which devices this build provides.
     */
    static Backend parse(String device, int threads) {
        return switch (device.toLowerCase(java.util.Locale.ROOT)) {
            case "ref" -> ref();
            case "cpu" -> cpu(threads);
            default -> throw new IllegalArgumentException("unknown device '" + device + "', expected ref or cpu");
        };
    }

    /** The scalar reference. */
    final class Ref implements Backend {
        static final Ref INSTANCE = new Ref();

        private Ref() {
        }

        @Override
        public String name() {
            return "ref";
        }

        @Override
        public int threads() {
            return 1;
        }

        @Override
        public String toString() {
            return "ref";
        }
    }

    /** Vector API kernels on a thread pool. */
    final class Cpu implements Backend {
        private final Parallel parallel;

        Cpu(Parallel parallel) {
            this.parallel = parallel;
        }

        /** The pool kernels split their work on. */
        public Parallel parallel() {
            return parallel;
        }

        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public int threads() {
            return parallel.threads();
        }

        @Override
        public void close() {
            parallel.close();
        }

        @Override
        public String toString() {
            return "cpu(" + parallel.threads() + " threads, " + Simd.describe() + ")";
        }
    }
}
