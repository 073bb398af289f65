package dev.ssam.ops.matmul;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Parallel;
import dev.ssam.runtime.ThreadScratch;

import static dev.ssam.ops.matmul.GemmKernel.MR;
import static dev.ssam.ops.matmul.GemmKernel.NR;

/**
 * The Cpu GEMM driver, BLIS style: op(B) is packed per call (weights change every training step,
 * and packing costs n*k against m*n*k multiply-adds) one NR-column panel of one k block at a
 * time, and each panel is swept by the MR-row tiles of a block of rows while it sits in L1. A is
 * read in place; only A transposed (packed MC rows at a time) and a ragged last row tile are
 * copied. For A in place the k blocks are the innermost loop, so the block's column of C under
 * a panel stays in L2 while its partial sums accumulate.
 *
 * <p>A C at most one vector wide goes to {@link GemmCpuNarrow} instead.
 *
 * <p>Threads split either the row tiles or the column panels, whichever costs less by a simple
 * model that counts the duplicated packing of B a row split implies; k is never split, so each
 * element of C is computed by one thread in an order that depends on k alone.
 */
final class GemmCpu {
    /**
     * Largest k block. The panel of one block ({@code KC * NR} floats, 32 KiB with 512-bit
     * vectors) stays in L1 while the row tiles stream past it; measured 5-10% faster than 192 at
     * L = 251, and no slower at 8 clips.
     */
    static final int KC = 128;
    /** Rows of A transposed packed at a time (a multiple of MR): {@code MC * KC} floats stay in L2. */
    static final int MC = 240;
    /**
     * Most rows of A read in place per block (a multiple of MR): the block of A and its column of C
     * under one panel stay in L2 across panels and k blocks. B is repacked once per block, which
     * still measured 10% faster at 8 clips (2008 rows) than one block of all rows.
     */
    static final int MC_IN_PLACE = 504;
    /** Floats of A in one in-place row block (1 MiB), so long rows (large k) get fewer rows per block. */
    private static final int A_BLOCK_FLOATS = 1 << 18;
    /**
     * Cost of packing one element of B in multiply-adds of the kernel (measured: the transposing
     * pack of in_proj's weight about 0.3 ns per element, the kernel about 0.015 ns per multiply-add).
     */
    private static final long PACK_COST = 20;
    /** Per-thread pack buffers (every element a sweep reads is written by its pack first). */
    private static final ThreadScratch.Floats PANEL = new ThreadScratch.Floats();
    private static final ThreadScratch.Floats TILE = new ThreadScratch.Floats();
    private static final ThreadScratch.Floats PACKED_A = new ThreadScratch.Floats();
    private static final ThreadScratch.Floats EDGE_A = new ThreadScratch.Floats();

    private GemmCpu() {
    }

    /** {@code C = alpha op(A) op(B) + beta C [+ bias]} on validated dims. */
    static void gemm(Backend.Cpu cpu, Gemm.Dims d, float alpha, float[] a, int aOff, float[] b, int bOff,
                     float beta, float[] c, int cOff, float[] bias, int biasOff) {
        if (d.m() == 0 || d.n() == 0) {
            return;
        }
        if (alpha == 0f || d.k() == 0) {
            scaleOnly(d, beta, c, cOff, bias, biasOff);
            return;
        }
        if (GemmCpuNarrow.applies(d)) {
            GemmCpuNarrow.gemm(cpu, d, alpha, a, aOff, b, bOff, beta, c, cOff, bias, biasOff);
            return;
        }
        Task task = new Task(d, alpha, a, aOff, b, bOff, beta, c, cOff, bias, biasOff);
        int tiles = ceilDiv(d.m(), MR);
        int panels = ceilDiv(d.n(), NR);
        Parallel par = cpu.parallel();
        if (splitRows(tiles, panels, d.k(), par.threads())) {
            par.forRange(tiles, (from, to, worker) -> task.run(from, to, 0, panels));
        } else {
            par.forRange(panels, (from, to, worker) -> task.run(0, tiles, from, to));
        }
    }

    /**
     * Whether splitting row tiles beats splitting column panels: a row split packs all of B in
     * every thread, a panel split packs only its share but leaves threads idle when panels are few.
     */
    static boolean splitRows(int tiles, int panels, int k, int threads) {
        long rowTiles = ceilDiv(tiles, threads);
        long panelShare = ceilDiv(panels, threads);
        long byRows = (long) panels * NR * k * PACK_COST + rowTiles * MR * panels * NR * k;
        long byPanels = panelShare * NR * k * PACK_COST + (long) tiles * MR * panelShare * NR * k;
        return byRows <= byPanels;
    }

    /** Row tiles per block of A: MC rows of A transposed (packed), or up to a budget of A read in place. */
    static int blockTiles(boolean transA, int k) {
        if (transA) {
            return MC / MR;
        }
        return Math.clamp(A_BLOCK_FLOATS / ((long) k * MR), 16, MC_IN_PLACE / MR);
    }

    /**
     * The k block size, a function of k only: k split into near-equal blocks of at most
     * {@link #KC}, rounded up to a multiple of 16 so the in-register transposes of the packs
     * rarely fall back to their scalar edge loops.
     */
    static int blockK(int k) {
        return Math.min(KC, ceilDiv(ceilDiv(k, ceilDiv(k, KC)), 16) * 16);
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** {@code C = beta C [+ bias]} when there is nothing to multiply. */
    private static void scaleOnly(Gemm.Dims d, float beta, float[] c, int cOff, float[] bias, int biasOff) {
        for (int i = 0; i < d.m(); i++) {
            int o = cOff + i * d.ldc();
            for (int j = 0; j < d.n(); j++) {
                float v = beta == 0f ? 0f : beta * c[o + j];
                c[o + j] = bias == null ? v : v + bias[biasOff + j];
            }
        }
    }

    /** One call's operands; {@link #run} computes a rectangle of tiles. */
    private record Task(Gemm.Dims d, float alpha, float[] a, int aOff, float[] b, int bOff,
                        float beta, float[] c, int cOff, float[] bias, int biasOff) {

        /** Computes row tiles {@code [t0, t1)} by column panels {@code [q0, q1)} of C. */
        void run(int t0, int t1, int q0, int q1) {
            int m = d.m();
            int n = d.n();
            int k = d.k();
            int kcMax = blockK(k);
            boolean transA = d.transA();
            int blockTiles = blockTiles(transA, k);
            float[] panel = PANEL.get(kcMax * NR);                                      // (kc, NR) op(B)
            float[] tile = TILE.get(MR * NR);                                           // (MR, NR) edge tile
            float[] packedA = transA ? PACKED_A.get(Math.min(blockTiles, t1 - t0) * MR * kcMax) : null; // (MC, kc)
            int lastRow = (t1 - 1) * MR;
            float[] edgeA = !transA && m - lastRow < MR ? EDGE_A.get(MR * kcMax) : null;               // (MR, kc)
            if (beta != 0f && beta != 1f) {
                prescale(t0 * MR, Math.min(m, t1 * MR), q0 * NR, Math.min(n, q1 * NR));
            }
            for (int tb = t0; tb < t1; tb += blockTiles) {
                int te = Math.min(t1, tb + blockTiles);
                if (transA) {
                    // Pack MC rows of A^T per k block, then sweep every panel with them.
                    for (int k0 = 0; k0 < k; k0 += kcMax) {
                        int kc = Math.min(kcMax, k - k0);
                        GemmPack.packTransposedA(a, aOff, d.lda(), k0, kc, tb * MR, Math.min(m, te * MR),
                                (te - tb) * MR, packedA);
                        for (int q = q0; q < q1; q++) {
                            packAndSweep(tb, te, q, k0, kc, panel, tile, packedA, null);
                        }
                    }
                } else {
                    // A in place: k blocks innermost, so the block's column of C under a panel stays in L2.
                    for (int q = q0; q < q1; q++) {
                        for (int k0 = 0; k0 < k; k0 += kcMax) {
                            int kc = Math.min(kcMax, k - k0);
                            if (edgeA != null && te == t1) {
                                GemmPack.packEdgeA(a, aOff, d.lda(), lastRow, m - lastRow, k0, kc, edgeA);
                            }
                            packAndSweep(tb, te, q, k0, kc, panel, tile, null, edgeA);
                        }
                    }
                }
            }
        }

        /** Packs panel q of k block {@code [k0, k0 + kc)} and multiplies row tiles {@code [tb, te)} by it. */
        private void packAndSweep(int tb, int te, int q, int k0, int kc, float[] panel, float[] tile,
                                  float[] packedA, float[] edgeA) {
            int n = d.n();
            GemmPack.packB(d.transB(), b, bOff, d.ldb(), k0, kc, q * NR, Math.min(NR, n - q * NR), alpha, panel);
            // Earlier k blocks (or beta * C) are in C already; the bias comes with the last block.
            boolean add = k0 > 0 || beta != 0f;
            float[] bz = k0 + kc == d.k() ? bias : null;
            sweep(tb, te, q, k0, kc, add, bz, panel, tile, packedA, edgeA);
        }

        /** Row tiles {@code [tb, te)} against one packed panel of k block {@code [k0, k0 + kc)}. */
        private void sweep(int tb, int te, int q, int k0, int kc, boolean add, float[] bz,
                           float[] panel, float[] tile, float[] packedA, float[] edgeA) {
            int j0 = q * NR;
            int nr = Math.min(NR, d.n() - j0);
            int ldc = d.ldc();
            for (int t = tb; t < te; t++) {
                int i0 = t * MR;
                int mr = Math.min(MR, d.m() - i0);
                float[] src;
                int so;
                int rs;
                if (packedA != null) {
                    src = packedA;
                    so = (t - tb) * MR * kc;
                    rs = kc;
                } else if (mr < MR) {
                    src = edgeA;
                    so = 0;
                    rs = kc;
                } else {
                    src = a;
                    so = aOff + i0 * d.lda() + k0;
                    rs = d.lda();
                }
                int co = cOff + i0 * ldc + j0;
                if (mr == MR && nr == NR) {
                    GemmKernel.kernel(kc, src, so, rs, panel, 0, c, co, ldc, add, bz, biasOff + j0);
                } else {
                    GemmKernel.kernel(kc, src, so, rs, panel, 0, tile, 0, NR, false, null, 0);
                    GemmKernel.storeEdge(tile, c, co, ldc, mr, nr, add, bz, biasOff + j0);
                }
            }
        }

        private void prescale(int i0, int i1, int j0, int j1) {
            for (int i = i0; i < i1; i++) {
                int o = cOff + i * d.ldc();
                for (int j = j0; j < j1; j++) {
                    c[o + j] = beta * c[o + j];
                }
            }
        }
    }
}
