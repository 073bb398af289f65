package dev.ssam.ops.matmul;

import dev.ssam.runtime.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled micro-kernel of the Cpu GEMM and its scalar edge store.
 *
 * <p>Operands of one tile: B is a packed panel ({@link GemmPack}), {@code kc} rows of {@link #NR}
 * floats, zero-padded, so the kernel never needs a mask; the MR rows of A are rows of a row-major
 * matrix, {@code A[r, p] = a[aOff + r * rs + p]}: A itself (rs = lda) or a packed block (rs = kc).
 * The unit step along p keeps the six scalar loads free of range checks after C2's range-check
 * elimination; a second stride parameter along p measured 2x slower.
 */
final class GemmKernel {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int L = S.length();
    /** Rows of C per micro-tile. */
    static final int MR = 6;
    /** Columns of C per micro-tile: four vectors (24 accumulators + 4 B vectors + 1 broadcast = 29 registers). */
    static final int NR = 4 * L;

    private GemmKernel() {
    }

    /**
     * One MR x NR tile: {@code acc = sum_p A[r, p] * panel[p, :]} in p order (one FMA per step),
     * then {@code C = [C +] acc [+ bias]} stored to {@code c[cOff + r * ldc + j]}.
     */
    static void kernel(int kc, float[] a, int aOff, int rs, float[] b, int bOff,
                       float[] c, int cOff, int ldc, boolean add, float[] bias, int biasOff) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        int a1 = aOff + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[aOff + p]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            c42 = b2.fma(x, c42);
            c43 = b3.fma(x, c43);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
            c52 = b2.fma(x, c52);
            c53 = b3.fma(x, c53);
        }
        int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
        if (add) {
            // Earlier K blocks (or beta * C) are already in C: C + acc, the same sum as the edge path.
            c00 = FloatVector.fromArray(S, c, o0).add(c00);
            c01 = FloatVector.fromArray(S, c, o0 + L).add(c01);
            c02 = FloatVector.fromArray(S, c, o0 + 2 * L).add(c02);
            c03 = FloatVector.fromArray(S, c, o0 + 3 * L).add(c03);
            c10 = FloatVector.fromArray(S, c, o1).add(c10);
            c11 = FloatVector.fromArray(S, c, o1 + L).add(c11);
            c12 = FloatVector.fromArray(S, c, o1 + 2 * L).add(c12);
            c13 = FloatVector.fromArray(S, c, o1 + 3 * L).add(c13);
            c20 = FloatVector.fromArray(S, c, o2).add(c20);
            c21 = FloatVector.fromArray(S, c, o2 + L).add(c21);
            c22 = FloatVector.fromArray(S, c, o2 + 2 * L).add(c22);
            c23 = FloatVector.fromArray(S, c, o2 + 3 * L).add(c23);
            c30 = FloatVector.fromArray(S, c, o3).add(c30);
            c31 = FloatVector.fromArray(S, c, o3 + L).add(c31);
            c32 = FloatVector.fromArray(S, c, o3 + 2 * L).add(c32);
            c33 = FloatVector.fromArray(S, c, o3 + 3 * L).add(c33);
            c40 = FloatVector.fromArray(S, c, o4).add(c40);
            c41 = FloatVector.fromArray(S, c, o4 + L).add(c41);
            c42 = FloatVector.fromArray(S, c, o4 + 2 * L).add(c42);
            c43 = FloatVector.fromArray(S, c, o4 + 3 * L).add(c43);
            c50 = FloatVector.fromArray(S, c, o5).add(c50);
            c51 = FloatVector.fromArray(S, c, o5 + L).add(c51);
            c52 = FloatVector.fromArray(S, c, o5 + 2 * L).add(c52);
            c53 = FloatVector.fromArray(S, c, o5 + 3 * L).add(c53);
        }
        if (bias != null) {
            FloatVector v0 = FloatVector.fromArray(S, bias, biasOff);
            FloatVector v1 = FloatVector.fromArray(S, bias, biasOff + L);
            FloatVector v2 = FloatVector.fromArray(S, bias, biasOff + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, bias, biasOff + 3 * L);
            c00 = c00.add(v0);
            c01 = c01.add(v1);
            c02 = c02.add(v2);
            c03 = c03.add(v3);
            c10 = c10.add(v0);
            c11 = c11.add(v1);
            c12 = c12.add(v2);
            c13 = c13.add(v3);
            c20 = c20.add(v0);
            c21 = c21.add(v1);
            c22 = c22.add(v2);
            c23 = c23.add(v3);
            c30 = c30.add(v0);
            c31 = c31.add(v1);
            c32 = c32.add(v2);
            c33 = c33.add(v3);
            c40 = c40.add(v0);
            c41 = c41.add(v1);
            c42 = c42.add(v2);
            c43 = c43.add(v3);
            c50 = c50.add(v0);
            c51 = c51.add(v1);
            c52 = c52.add(v2);
            c53 = c53.add(v3);
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c02.intoArray(c, o0 + 2 * L);
        c03.intoArray(c, o0 + 3 * L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c12.intoArray(c, o1 + 2 * L);
        c13.intoArray(c, o1 + 3 * L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c22.intoArray(c, o2 + 2 * L);
        c23.intoArray(c, o2 + 3 * L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        c32.intoArray(c, o3 + 2 * L);
        c33.intoArray(c, o3 + 3 * L);
        c40.intoArray(c, o4);
        c41.intoArray(c, o4 + L);
        c42.intoArray(c, o4 + 2 * L);
        c43.intoArray(c, o4 + 3 * L);
        c50.intoArray(c, o5);
        c51.intoArray(c, o5 + L);
        c52.intoArray(c, o5 + 2 * L);
        c53.intoArray(c, o5 + 3 * L);
    }

    /**
     * Stores the valid {@code mr x nr} corner of a tile the kernel wrote to {@code tile} (row
     * stride NR), with the kernel's store arithmetic lane by lane, so edge and interior elements
     * round identically. Masks keep every access inside the corner.
     */
    static void storeEdge(float[] tile, float[] c, int cOff, int ldc, int mr, int nr, boolean add,
                          float[] bias, int biasOff) {
        for (int v = 0; v < NR && v < nr; v += L) {
            VectorMask<Float> m = S.indexInRange(v, nr);
            // x + (-0) is x for every x, -0 included: a bias-free store adds -0 rather than branching on a vector.
            FloatVector bv = bias == null ? FloatVector.broadcast(S, -0f) : FloatVector.fromArray(S, bias, biasOff + v, m);
            for (int r = 0; r < mr; r++) {
                int o = cOff + r * ldc + v;
                FloatVector x = FloatVector.fromArray(S, tile, r * NR + v);
                if (add) {
                    x = FloatVector.fromArray(S, c, o, m).add(x);
                }
                x.add(bv).intoArray(c, o, m);
            }
        }
    }
}
