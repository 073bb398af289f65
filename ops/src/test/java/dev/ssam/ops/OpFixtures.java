package dev.ssam.ops;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.function.Executable;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared pieces of the op tests (act, conv, norm, elementwise, reduce, loss, optim): seeded
 * inputs placed inside guard buffers (so kernels must honour offsets), the awkward sizes, and
 * message checks for rejected shapes.
 */
public final class OpFixtures {
    /** Sizes that are 1, prime or not a multiple of any lane count. */
    public static final int[] AWKWARD = {1, 7, 17, 33, 129};

    private OpFixtures() {
    }

    /** A tensor of U(lo, hi) values inside guard regions. */
    public static Tensor uniform(SplittableRandom r, double lo, double hi, int... shape) {
        Tensor t = GuardedTensor.zeros(shape).tensor();
        for (int k = 0; k < t.size(); k++) {
            t.data()[t.offset() + k] = (float) r.nextDouble(lo, hi);
        }
        return t;
    }

    /** A copy of {@code t} inside guard regions; null stays null. */
    public static Tensor guarded(Tensor t) {
        return t == null ? null : GuardedTensor.copyOf(t).tensor();
    }

    /** A compact snapshot to prove later that an input was not modified. */
    public static Tensor snapshot(Tensor t) {
        return t == null ? null : t.copy();
    }

    /** Asserts {@code now} is bitwise what {@code before} captured (both may be null). */
    public static void assertUnchanged(String name, Tensor before, Tensor now) {
        if (before != null) {
            TensorCompare.assertBitwiseEqual(name + " unchanged", before, now);
        }
    }

    /** {@code sum(a * b)} in double: the scalar loss every backward test differentiates. */
    public static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += (double) a.data()[a.offset() + i] * b.data()[b.offset() + i];
        }
        return s;
    }

    /** A one-element tensor holding {@code v}, to compare scalars through TensorCompare. */
    public static Tensor scalar(double v) {
        return Tensor.of(new float[] {(float) v}, 1);
    }

    /** Asserts {@code call} throws IllegalArgumentException whose message contains every fragment. */
    public static void assertRejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }
}
