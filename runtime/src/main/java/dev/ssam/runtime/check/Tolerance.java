package dev.ssam.runtime.check;

/**
 * A comparison tolerance: {@code actual} passes iff {@code |actual - expected| <= atol + rtol * |expected|}
 * element by element, and NaN/Inf must match exactly.
 *
 * <p>Every tolerance the tests use is a constant here (STYLE.md: never inline). Loosening one
 * needs a comment with the measured error.
 *
 * @param atol absolute part
 * @param rtol relative part
 */
public record Tolerance(double atol, double rtol) {
    /** Cpu (Vector API) against Ref on the same inputs. */
    public static final Tolerance CPU_VS_REF = new Tolerance(1e-5, 1e-6);
    /**
     * Cpu against Ref where the Cpu kernel reorders a long reduction (GEMM with K up to 576,
     * the scan's sum over N, LayerNorm over D): float32 rounding grows with sqrt(K); measured worst
     * 4e-6 abs on unit-scale data at K = 576.
     */
    public static final Tolerance CPU_VS_REF_REDUCTION = new Tolerance(2e-5, 1e-5);
    /** A GPU backend against Ref. */
    public static final Tolerance GPU_VS_REF = new Tolerance(1e-4, 1e-5);
    /**
     * A GPU backend's compensated log-mel against a double-precision oracle: measured 7.2e-6 abs on
     * normalised values (PoCL); the host's float-FFT path is 5.8e-5 off on the same clip.
     */
    public static final Tolerance GPU_VS_DOUBLE = new Tolerance(2e-5, 1e-5);
    /** A single op against the official golden tensors. */
    public static final Tolerance OP_VS_GOLDEN = new Tolerance(1e-4, 1e-5);
    /** The log-mel front end against the golden log-mels. */
    public static final Tolerance LOGMEL_VS_GOLDEN = new Tolerance(1e-3, 1e-3);
    /** Whole-model outputs and gradients against golden. */
    public static final Tolerance MODEL_VS_GOLDEN = new Tolerance(1e-3, 1e-4);
    /** Central-difference gradient checks in double precision on Ref. */
    public static final Tolerance GRADCHECK = new Tolerance(1e-6, 1e-4);
    /** VectorMath exp, log, erf against double references rounded to float: measured at most 0.99 ulp (8.7e-8 rel). */
    public static final Tolerance VECTOR_MATH_VS_DOUBLE = new Tolerance(1e-37, 2e-7);

    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("Tolerance: atol and rtol must be >= 0, got " + atol + ", " + rtol);
        }
    }

    /** Whether one pair passes. */
    public boolean accepts(double actual, double expected) {
        if (Double.isNaN(expected) || Double.isInfinite(expected) || Double.isNaN(actual) || Double.isInfinite(actual)) {
            return Double.compare(actual, expected) == 0;
        }
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
