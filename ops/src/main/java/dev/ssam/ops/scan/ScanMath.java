package dev.ssam.ops.scan;

import dev.ssam.runtime.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exp, softplus and SiLU for the Cpu scan, built from add, multiply, fma, divide and bit
 * operations only.
 *
 * <p>Why not {@code lanewise(EXP)}: that is an out-of-line SVML call once compiled (the scan's
 * state vectors are spilled around it) and a per-lane {@link Math#exp} fallback before, so the
 * same kernel could give different bits before and after JIT compilation, which would break the
 * thread-count determinism the tests assert. These functions give identical bits in every mode.
 *
 * <p>Only {@link #exp} takes and returns a vector; kernels call it in their innermost loop,
 * where C2 always inlines it. The others work in place on dense scratch arrays: a helper that
 * takes a vector and is not inlined (C2 gives up inlining when a method's IR grows past
 * {@code NodeCountInliningCutoff}, which the Vector API reaches quickly) boxes the vector on
 * every call; measured, that made the gated forward several times slower.
 *
 * <p>{@link #exp}: x = k ln2 + r with |r| &lt;= ln2/2 (ln2 split in two as in Cephes {@code expf}),
 * a degree-6 polynomial for e^r and 2^k built in the exponent bits; within 1.05 ulp of the exact
 * result for x in [-86.5, 88.7] (measured on 4 M arguments); below -86.5 it returns e^-86.5
 * (about 2.6e-38, where the true value is smaller or subnormal), above 88.72 it returns +inf;
 * NaN gives NaN.
 */
final class ScanMath {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int LANES = S.length();
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23 + 126: adding it rounds x log2e to an integer k held in the low mantissa bits as 126 + k. */
    private static final float SHIFTER = 0x1.8p23f + 126f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Lower clamp: keeps 2^(k-1) a normal float. */
    private static final float EXP_LO = -86.5f;
    /** Upper clamp: above log(Float.MAX_VALUE) = 88.72284 and below 128.5 ln 2, so k stays 128. */
    private static final float EXP_OVER = 88.8f;
    /** Softplus is the identity above this (torch's threshold for beta = 1). */
    static final float SOFTPLUS_THRESHOLD = 20f;

    private ScanMath() {
    }

    /** Lanewise e^x. */
    static FloatVector exp(FloatVector x) {
        // compare and blend keep NaN (unlike C2's fixed-up min and max, two instructions); past
        // log(Float.MAX_VALUE), k = 128 and 2 e^r 2^127 overflows to +inf without a final blend
        FloatVector xc = x.blend(EXP_LO, x.compare(VectorOperators.LT, EXP_LO))
                .blend(EXP_OVER, x.compare(VectorOperators.GT, EXP_OVER));
        FloatVector t = xc.fma(LOG2E, SHIFTER);
        FloatVector k = t.sub(SHIFTER);
        FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
        // 2 e^r as a degree-6 polynomial (fitted to relative error 1.9e-9 on |r| <= ln2/2, so float
        // rounding dominates); the factor 2 lets 2^(k-1) stay finite up to k = 128
        FloatVector twoExpR = r.fma(0.0027673589065670967f, 0.016749713569879532f);
        twoExpR = twoExpR.fma(r, FloatVector.broadcast(S, 0.08333645761013031f));
        twoExpR = twoExpR.fma(r, FloatVector.broadcast(S, 0.33332839608192444f));
        twoExpR = twoExpR.fma(r, FloatVector.broadcast(S, 0.9999998211860657f));
        twoExpR = twoExpR.fma(r, FloatVector.broadcast(S, 2f));
        twoExpR = twoExpR.fma(r, FloatVector.broadcast(S, 2f));
        FloatVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return twoExpR.mul(scale);
    }

    /**
     * a[i] = softplus(a[i]) for i &lt; n (n a multiple of the lane count): a[i] above the threshold,
     * else max(x, 0) + log1p(e^-|x|), with log1p(w) = 2 atanh(w / (2 + w)) summed as an odd series
     * (w &lt;= 1, so the argument is at most 1/3 and eight terms reach float precision).
     */
    static void softplus(float[] a, int n) {
        for (int i = 0; i < n; i += LANES) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector w = exp(x.abs().neg());
            FloatVector s = w.div(w.add(2f));
            FloatVector s2 = s.mul(s);
            FloatVector p = s2.fma(1f / 15f, 1f / 13f);
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 11f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 9f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 7f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 5f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 3f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f));
            FloatVector log1p = s.add(s).mul(p);
            FloatVector pos = x.blend(0f, x.compare(VectorOperators.LT, 0f));
            pos.add(log1p).blend(x, x.compare(VectorOperators.GT, SOFTPLUS_THRESHOLD)).intoArray(a, i);
        }
    }

    /**
     * grad[i] = d softplus / dx at a[i] (sigmoid, or 1 above the threshold), then a[i] = softplus(a[i])
     * as in {@link #softplus} (within a few ulp); both from one exponential and one division (n a
     * multiple of the lane count).
     */
    static void softplusWithGrad(float[] a, float[] grad, int n) {
        for (int i = 0; i < n; i += LANES) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector w = exp(x.abs().neg());
            FloatVector w1 = w.add(1f);
            FloatVector w2 = w.add(2f);
            // one division for w / (2 + w) and for the sigmoid's 1 / (1 + w): divisions are slow
            FloatVector inv = FloatVector.broadcast(S, 1f).div(w1.mul(w2));
            FloatVector s = w.mul(w1).mul(inv);
            FloatVector s2 = s.mul(s);
            FloatVector p = s2.fma(1f / 15f, 1f / 13f);
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 11f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 9f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 7f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 5f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f / 3f));
            p = p.fma(s2, FloatVector.broadcast(S, 1f));
            FloatVector log1p = s.add(s).mul(p);
            VectorMask<Float> neg = x.compare(VectorOperators.LT, 0f);
            VectorMask<Float> big = x.compare(VectorOperators.GT, SOFTPLUS_THRESHOLD);
            // sigmoid(x) = 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) below, with w = e^-|x|
            FloatVector sig = w2.blend(w.mul(w2), neg).mul(inv);
            sig.blend(1f, big).intoArray(grad, i);
            FloatVector pos = x.blend(0f, neg);
            pos.add(log1p).blend(x, big).intoArray(a, i);
        }
    }

    /**
     * The gate of the backward: with z = z[i] and go = g[i] on entry, z[i] = go SiLU'(z) and
     * g[i] = go SiLU(z), SiLU(z) = z sigmoid(z) (one division; n a multiple of the lane count).
     */
    static void gateWithGrad(float[] z, float[] g, int n) {
        for (int i = 0; i < n; i += LANES) {
            FloatVector x = FloatVector.fromArray(S, z, i);
            FloatVector go = FloatVector.fromArray(S, g, i);
            FloatVector sig = FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
            go.mul(x.mul(sig)).intoArray(g, i);
            go.mul(sig.mul(x.mul(sig.neg().add(1f)).add(1f))).intoArray(z, i);
        }
    }

    /** a[i] = d softplus / dx at a[i]: sigmoid, or 1 above the threshold (n a multiple of the lane count). */
    static void softplusGrad(float[] a, int n) {
        for (int i = 0; i < n; i += LANES) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector sig = FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
            sig.blend(1f, x.compare(VectorOperators.GT, SOFTPLUS_THRESHOLD)).intoArray(a, i);
        }
    }

    /** a[i] = SiLU(a[i]) = x / (1 + e^-x) (n a multiple of the lane count). */
    static void silu(float[] a, int n) {
        for (int i = 0; i < n; i += LANES) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            x.div(exp(x.neg()).add(1f)).intoArray(a, i);
        }
    }

    /** a[i] = d SiLU / dx at a[i] = s (1 + x (1 - s)), s = sigmoid(x) (n a multiple of the lane count). */
    static void siluGrad(float[] a, int n) {
        for (int i = 0; i < n; i += LANES) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector sig = FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
            sig.mul(x.mul(sig.neg().add(1f)).add(1f)).intoArray(a, i);
        }
    }
}
