package dev.ssam.ops.act;

import dev.ssam.runtime.Simd;
import dev.ssam.runtime.ThreadScratch;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transcendental pieces every activation kernel is built from, once as scalar float
 * functions (the {@code Ref} kernels) and once as Vector API functions on {@link Simd#FLOAT}
 * (the {@code Cpu} kernels, including the SiLU fused into the causal conv).
 *
 * <p>The formulas and their evaluation order follow PyTorch's CPU kernels in float32:
 * {@code silu = x / (1 + exp(-x))}, {@code gelu = x * 0.5 * (1 + erf(x / sqrt 2))},
 * {@code softplus = x > 20 ? x : log1p(exp(x))}. The {@code *Grad} functions return the
 * derivative d act / dx, so a backward is {@code gx = gout * actGrad(x)}.
 *
 * <p>Java has no {@code erf} and the Vector API has no ERF operator: {@link #erf(float)} is
 * N. Juffa's faithfully rounded float approximation (published on Stack Overflow, question
 * 35148198: an odd polynomial in x below |x| = 475/512 and {@code 1 - exp(poly(|x|))} above),
 * maximum error about 1 ulp given a correctly rounded exp. The scalar versions use
 * {@link Math#exp} and {@link Math#log1p}; the vector versions use {@link #exp(FloatVector)} and
 * {@link #log(FloatVector)} (Cephes expf and logf, about 1 ulp), so the two may differ by an ulp
 * or two. {@code VectorMathTest} measures them against double-precision references.
 *
 * <p>Every vector function here is built from IEEE-exact lanewise operations, so it returns the
 * same bits interpreted or compiled; {@code lanewise(EXP)} and {@code reduceLanes(ADD)} do not
 * (C2's SVML and reduction trees differ from the Java fallbacks), which would make Cpu results
 * depend on JIT warm-up and so on the thread split. {@link #sumLanes(FloatVector)} is the
 * deterministic horizontal sum the Cpu reductions use.
 *
 * <pre>{@code
 * FloatVector y = VectorMath.gelu(FloatVector.fromArray(S, x, i));
 * float z = VectorMath.gelu(0.5f);
 * }</pre>
 */
public final class VectorMath {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    /** 1 / sqrt(2). */
    private static final float SQRT1_2 = 0.70710678118654752f;
    /** 1 / sqrt(2 pi): torch's {@code kBeta = M_2_SQRTPI * M_SQRT1_2 * 0.5}. */
    private static final float INV_SQRT_2PI = 0.39894228040143268f;
    /** Softplus threshold (torch default, beta 1): above it softplus is the identity. */
    public static final float SOFTPLUS_THRESHOLD = 20f;
    /** Where erf switches from the odd polynomial to 1 - exp(poly): 475/512. */
    private static final float ERF_SPLIT = 0.927734375f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 = LN2_HI + LN2_LO, LN2_HI with few significant bits so n * LN2_HI is exact (Cephes). */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float to the nearest integer. */
    private static final float ROUNDER = 12582912f;
    private static final float TWO23 = 8388608f;
    private static final float SQRT_HALF = 0.707106781186547524f;

    /** The calling thread's copy of a vector's lanes for {@link #sumLanes(FloatVector)}. */
    private static final ThreadScratch.Floats LANES_COPY = new ThreadScratch.Floats();

    private VectorMath() {
    }

    // ---- scalar (Ref) ----

    /** 1 / (1 + exp(-x)). */
    public static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
    }

    /** x / (1 + exp(-x)). */
    public static float silu(float x) {
        return x / (1f + (float) Math.exp(-x));
    }

    /** d silu / dx = s (1 + x (1 - s)) with s = sigmoid(x). */
    public static float siluGrad(float x) {
        float s = sigmoid(x);
        return s * (1f + x * (1f - s));
    }

    /** The error function in float, within about 1 ulp. */
    public static float erf(float a) {
        float t = Math.abs(a);
        float s = a * a;
        if (t > ERF_SPLIT) {
            // erf = 1 - exp(p(t)), p a degree-7 polynomial ending in -t^2
            float r = Math.fma(-1.72853470e-5f, t, 3.83197126e-4f);
            float u = Math.fma(-3.88396438e-3f, t, 2.42546219e-2f);
            r = Math.fma(r, s, u);
            r = Math.fma(r, t, -1.06777877e-1f);
            r = Math.fma(r, t, -6.34846687e-1f);
            r = Math.fma(r, t, -1.28717512e-1f);
            r = Math.fma(r, t, -t);
            r = 1f - (float) Math.exp(r);
            return Math.copySign(r, a);
        }
        // erf = a + a q(a^2): the leading 2/sqrt(pi) - 1 sits in q's constant term
        float r = -5.96761703e-4f;
        r = Math.fma(r, s, 4.99119423e-3f);
        r = Math.fma(r, s, -2.67681349e-2f);
        r = Math.fma(r, s, 1.12819925e-1f);
        r = Math.fma(r, s, -3.76125336e-1f);
        r = Math.fma(r, s, 1.28379166e-1f);
        return Math.fma(r, a, a);
    }

    /** x * 0.5 * (1 + erf(x / sqrt 2)) (exact GELU). */
    public static float gelu(float x) {
        return x * 0.5f * (1f + erf(x * SQRT1_2));
    }

    /** d gelu / dx = Phi(x) + x phi(x). */
    public static float geluGrad(float x) {
        float cdf = 0.5f * (1f + erf(x * SQRT1_2));
        float pdf = INV_SQRT_2PI * (float) Math.exp(x * x * -0.5f);
        return cdf + x * pdf;
    }

    /** x > 20 ? x : log1p(exp(x)). */
    public static float softplus(float x) {
        return x > SOFTPLUS_THRESHOLD ? x : (float) Math.log1p(Math.exp(x));
    }

    /** d softplus / dx = x > 20 ? 1 : e^x / (e^x + 1). */
    public static float softplusGrad(float x) {
        if (x > SOFTPLUS_THRESHOLD) {
            return 1f;
        }
        float z = (float) Math.exp(x);
        return z / (z + 1f);
    }

    // ---- vector (Cpu): add, mul, fma, div, conversions, bit operations and blends only ----

    /** Lanewise e^x (Cephes expf: Cody-Waite reduction by ln 2, degree-5 polynomial), within about 1 ulp. */
    public static FloatVector exp(FloatVector x) {
        // Direct Vector API calls only (no helper methods, no float-int convert): inlined into a
        // caller's loop the helpers' extra call levels tipped C2 past its inlining node budget and
        // the vectors were boxed.
        FloatVector xc = x.max(-104f).min(89f); // beyond these exp is 0 or inf; NaN passes through
        FloatVector t = xc.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUNDER));
        FloatVector n = t.sub(ROUNDER); // round(x log2 e); t's low mantissa bits hold it as an integer
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(S, 1.9875691500e-4f), FloatVector.broadcast(S, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        // 2^n as two factors so that n = 128 (overflow to inf) and n < -126 (subnormal) round once
        IntVector ni = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER));
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector f1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector f2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(f1).mul(f2);
    }

    /** Lanewise natural log (Cephes logf), within about 1 ulp; log 0 = -inf, log of a negative or NaN is NaN. */
    public static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(TWO23), subnormal);
        IntVector bits = xs.reinterpretAsInts();
        // x = m 2^e with m in [0.5, 1)
        FloatVector m = bits.and(0x007f_ffff).or(0x3f00_0000).reinterpretAsFloats();
        FloatVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(126).convert(VectorOperators.I2F, 0)
                .reinterpretAsFloats();
        e = e.sub(FloatVector.broadcast(S, 23f), subnormal);
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        e = e.sub(FloatVector.broadcast(S, 1f), low);
        FloatVector f = m.sub(1f).blend(m.add(m).sub(1f), low); // in [sqrt(1/2) - 1, sqrt 2 - 1)
        FloatVector z = f.mul(f);
        FloatVector y = f.fma(7.0376836292e-2f, -1.1514610310e-1f);
        y = y.fma(f, FloatVector.broadcast(S, 1.1676998740e-1f));
        y = y.fma(f, FloatVector.broadcast(S, -1.2420140846e-1f));
        y = y.fma(f, FloatVector.broadcast(S, 1.4249322787e-1f));
        y = y.fma(f, FloatVector.broadcast(S, -1.6668057665e-1f));
        y = y.fma(f, FloatVector.broadcast(S, 2.0000714765e-1f));
        y = y.fma(f, FloatVector.broadcast(S, -2.4999993993e-1f));
        y = y.fma(f, FloatVector.broadcast(S, 3.3333331174e-1f));
        y = y.mul(f).mul(z);
        y = e.fma(FloatVector.broadcast(S, LN2_LO), y);
        y = z.fma(FloatVector.broadcast(S, -0.5f), y);
        FloatVector r = e.fma(FloatVector.broadcast(S, LN2_HI), f.add(y));
        r = r.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        r = r.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return r.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN)));
    }

    /** Lanewise 1 / (1 + exp(-x)). */
    public static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /** Lanewise x / (1 + exp(-x)). */
    public static FloatVector silu(FloatVector x) {
        return x.div(exp(x.neg()).add(1f));
    }

    /** Lanewise d silu / dx. */
    public static FloatVector siluGrad(FloatVector x) {
        FloatVector s = sigmoid(x);
        return s.mul(x.mul(s.neg().add(1f)).add(1f));
    }

    /** Lanewise erf; both branches are evaluated and blended. */
    public static FloatVector erf(FloatVector a) {
        FloatVector t = a.abs();
        FloatVector s = a.mul(a);
        FloatVector r = t.fma(-1.72853470e-5f, 3.83197126e-4f);
        FloatVector u = t.fma(-3.88396438e-3f, 2.42546219e-2f);
        r = r.fma(s, u);
        r = r.fma(t, FloatVector.broadcast(S, -1.06777877e-1f));
        r = r.fma(t, FloatVector.broadcast(S, -6.34846687e-1f));
        r = r.fma(t, FloatVector.broadcast(S, -1.28717512e-1f));
        r = r.fma(t, t.neg());
        FloatVector large = exp(r).neg().add(1f);
        large = large.blend(large.neg(), a.compare(VectorOperators.LT, 0f));
        FloatVector q = s.fma(-5.96761703e-4f, 4.99119423e-3f);
        q = q.fma(s, FloatVector.broadcast(S, -2.67681349e-2f));
        q = q.fma(s, FloatVector.broadcast(S, 1.12819925e-1f));
        q = q.fma(s, FloatVector.broadcast(S, -3.76125336e-1f));
        q = q.fma(s, FloatVector.broadcast(S, 1.28379166e-1f));
        FloatVector small = q.fma(a, a);
        return small.blend(large, t.compare(VectorOperators.GT, ERF_SPLIT));
    }

    /** Lanewise exact GELU. */
    public static FloatVector gelu(FloatVector x) {
        return gelu(x, erfOverSqrt2(x));
    }

    /**
     * Lanewise exact GELU given {@code e = erfOverSqrt2(x)}: the two halves let a loop compute the
     * erf in a pass of its own, which keeps each compiled loop within C2's inlining budget.
     */
    public static FloatVector gelu(FloatVector x, FloatVector e) {
        return x.mul(0.5f).mul(e.add(1f));
    }

    /** Lanewise erf(x / sqrt 2), the normal CDF's erf term in GELU. */
    public static FloatVector erfOverSqrt2(FloatVector x) {
        return erf(x.mul(SQRT1_2));
    }

    /** Lanewise d gelu / dx. */
    public static FloatVector geluGrad(FloatVector x) {
        return geluGrad(x, erfOverSqrt2(x));
    }

    /** Lanewise d gelu / dx given {@code e = erfOverSqrt2(x)} (see {@link #gelu(FloatVector, FloatVector)}). */
    public static FloatVector geluGrad(FloatVector x, FloatVector e) {
        FloatVector cdf = e.add(1f).mul(0.5f);
        FloatVector pdf = exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
        return cdf.add(x.mul(pdf));
    }

    /** Lanewise softplus with threshold 20, as max(x, 0) + log1p(exp(-|x|)) below it. */
    public static FloatVector softplus(FloatVector x) {
        FloatVector u = exp(x.abs().neg()); // in (0, 1]
        FloatVector w = u.add(1f);
        // log1p(u) = log(w) + (u - (w - 1)) / w recovers the bits of u lost in 1 + u
        FloatVector log1p = log(w).add(u.sub(w.sub(1f)).div(w));
        FloatVector y = x.max(0f).add(log1p);
        return y.blend(x, x.compare(VectorOperators.GT, SOFTPLUS_THRESHOLD));
    }

    /** Lanewise d softplus / dx = sigmoid(x), 1 above the threshold. */
    public static FloatVector softplusGrad(FloatVector x) {
        FloatVector z = exp(x);
        FloatVector g = z.div(z.add(1f));
        return g.blend(1f, x.compare(VectorOperators.GT, SOFTPLUS_THRESHOLD));
    }

    /**
     * The sum of the lanes by a fixed pairwise tree (lane i + lane i + n/2, halving). Unlike
     * {@code reduceLanes(ADD)}, whose association order differs between C2 and the interpreter,
     * this gives the same bits in every tier (for a given vector width).
     */
    public static float sumLanes(FloatVector v) {
        // The same halving tree on a copy of the lanes: the vector form's slice by a loop-variant
        // offset was not intrinsified and boxed a vector per step (most of a LayerNorm backward's
        // allocation).
        int n = v.length();
        float[] t = LANES_COPY.get(n);
        v.intoArray(t, 0);
        for (int half = n / 2; half > 0; half /= 2) {
            for (int i = 0; i < half; i++) {
                t[i] += t[i + half];
            }
        }
        return t[0];
    }

    /** The lanes' sum in double by the same fixed tree as {@link #sumLanes(FloatVector)}. */
    public static double sumLanes(DoubleVector v) {
        for (int half = v.length() / 2; half > 0; half /= 2) {
            v = v.add(v.slice(half));
        }
        return v.lane(0);
    }
}
