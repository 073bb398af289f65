package dev.ssam.runtime.check;

import dev.ssam.runtime.Tensor;

import java.util.Arrays;

/**
 * Element-by-element comparison of tensors under a {@link Tolerance}, with a report of the shape,
 * the worst index and the maximum absolute and relative error. Used by every parity test and by
 * the device check script.
 */
public final class TensorCompare {
    private TensorCompare() {
    }

    /**
     * The outcome of one comparison.
     *
     * @param name      what was compared
     * @param shape     shape compared
     * @param failures  elements outside the tolerance
     * @param worst     flat index of the worst element (largest excess over the tolerance)
     * @param maxAbs    maximum absolute error
     * @param maxRel    maximum relative error ({@code |a-b| / |b|}, over {@code |b| > 0})
     * @param actualAt  actual value at {@code worst}
     * @param expectedAt expected value at {@code worst}
     */
    public record Result(String name, int[] shape, int failures, int worst, double maxAbs, double maxRel,
                         double actualAt, double expectedAt) {
        public boolean passed() {
            return failures == 0;
        }

        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape) + ": " + (failures == 0 ? "ok" : failures + " elements out of tolerance")
                    + ", max abs err " + String.format("%.3e", maxAbs) + ", max rel err " + String.format("%.3e", maxRel)
                    + ", worst at flat index " + worst + " (actual " + actualAt + ", expected " + expectedAt + ")";
        }
    }

    /** Compares; shapes must be equal. */
    public static Result compare(String name, Tensor expected, Tensor actual, Tolerance tol) {
        if (!expected.sameShape(actual)) {
            return new Result(name + " (shape mismatch: actual " + actual.shapeString() + ", expected "
                    + expected.shapeString() + ")", actual.shape(), Math.max(1, actual.size()), 0,
                    Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN);
        }
        float[] e = expected.data();
        float[] a = actual.data();
        int eo = expected.offset();
        int ao = actual.offset();
        int failures = 0;
        int worst = 0;
        double worstExcess = Double.NEGATIVE_INFINITY;
        double maxAbs = 0;
        double maxRel = 0;
        for (int i = 0; i < expected.size(); i++) {
            double x = a[ao + i];
            double y = e[eo + i];
            boolean ok = tol.accepts(x, y);
            double abs = Math.abs(x - y);
            if (Double.isNaN(abs)) {
                abs = ok ? 0 : Double.POSITIVE_INFINITY;
            }
            double excess = ok ? abs - (tol.atol() + tol.rtol() * Math.abs(y)) : Double.POSITIVE_INFINITY;
            if (!ok) {
                failures++;
            }
            if (excess > worstExcess || (!ok && failures == 1)) {
                worstExcess = excess;
                worst = i;
            }
            maxAbs = Math.max(maxAbs, abs);
            if (y != 0) {
                maxRel = Math.max(maxRel, abs / Math.abs(y));
            }
        }
        double av = expected.size() == 0 ? Double.NaN : a[ao + worst];
        double ev = expected.size() == 0 ? Double.NaN : e[eo + worst];
        return new Result(name, expected.shape(), failures, worst, maxAbs, maxRel, av, ev);
    }

    /** Compares and throws an {@link AssertionError} with the report if any element fails. */
    public static Result assertClose(String name, Tensor expected, Tensor actual, Tolerance tol) {
        Result r = compare(name, expected, actual, tol);
        if (!r.passed()) {
            throw new AssertionError(r.toString());
        }
        return r;
    }

    /**
     * Asserts bitwise equality (used for determinism, cross-backend and inputs-unchanged checks),
     * except that every NaN equals every other NaN: the payload bits of a NaN result are the
     * hardware's choice (x86 keeps an operand's, an NVIDIA GPU returns its canonical NaN), not part
     * of the number ({@link Float#floatToIntBits} semantics).
     */
    public static void assertBitwiseEqual(String name, Tensor expected, Tensor actual) {
        if (!expected.sameShape(actual)) {
            throw new AssertionError(name + ": shape " + actual.shapeString() + ", expected " + expected.shapeString());
        }
        for (int i = 0; i < expected.size(); i++) {
            float x = actual.data()[actual.offset() + i];
            float y = expected.data()[expected.offset() + i];
            if (Float.floatToIntBits(x) != Float.floatToIntBits(y)) {
                throw new AssertionError(name + " " + expected.shapeString() + ": differs at flat index " + i
                        + " (actual " + x + " = 0x" + Integer.toHexString(Float.floatToRawIntBits(x)) + ", expected "
                        + y + " = 0x" + Integer.toHexString(Float.floatToRawIntBits(y)) + ")");
            }
        }
    }
}
