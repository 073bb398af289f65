package dev.ssam.model;

import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Random patch masks for pretraining (SSAM-SPEC section 5), as the official
 * {@code BaseSSAST.random_masking} draws them: 1 = masked (replaced by {@code mask_token}), 0 = kept.
 * Exactly {@link SsamConfig#numKept()} patches of every clip are kept (125 of 250 at ratio 0.5).
 *
 * <ul>
 *   <li>{@link Mode#UNSTRUCTURED}: a uniformly random permutation of the P patches (the official
 *       argsort of uniform noise); the first numKept are kept. Drawn here as a partial Fisher-Yates
 *       shuffle, which gives every numKept-subset the same probability, as argsort of i.i.d.
 *       noise does.</li>
 *   <li>{@link Mode#TIMESTEP}: a random permutation of the gridFrames time columns (the official
 *       noise per column repeated over the gridBins frequency patches); patches are taken column by
 *       column in that order, frequency patches in ascending order within a column, and the first
 *       numKept are kept. When numKept is a multiple of gridBins (125 = 25 x 5 at ratio 0.5) whole
 *       columns are kept or masked. Otherwise one column is split; the official argsort breaks that
 *       tie in an unspecified order, this class keeps its lowest-frequency patches.</li>
 * </ul>
 *
 * <p>Masks are a pure function of the seed: clip b of {@link #sample(SsamConfig, Mode, long, Tensor)}
 * draws from the b-th {@link SplittableRandom#split()} of {@code new SplittableRandom(seed)}, so a
 * trainer that derives the seed from its step counter reproduces every mask after a resume.
 *
 * <pre>{@code
 * Tensor mask = Tensor.zeros(8, 250);                                    // (B, P)
 * Masking.sample(SsamConfig.tiny(), Masking.Mode.UNSTRUCTURED, 42L, mask); // 125 zeros per row
 * }</pre>
 */
public final class Masking {
    static final String OP = "masking";

    private Masking() {
    }

    /** How patches are chosen for masking. */
    public enum Mode {
        /** Independent patches: a uniformly random subset of numKept patches is kept. */
        UNSTRUCTURED,
        /** Whole time steps: all gridBins frequency patches of a time column together. */
        TIMESTEP;

        /** Parses {@code unstructured} or {@code timestep} (the official {@code masking_mode} values). */
        public static Mode parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "unstructured" -> UNSTRUCTURED;
                case "timestep" -> TIMESTEP;
                default -> throw new IllegalArgumentException("masking: mode '" + name
                        + "' is unknown, expected unstructured or timestep");
            };
        }

        /** The official name ({@code unstructured}, {@code timestep}). */
        public String officialName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Fills every row of {@code mask} with a fresh mask; row b uses the b-th split of
     * {@code new SplittableRandom(seed)}.
     *
     * @param mask (B, P), overwritten; P = {@link SsamConfig#numPatches()}
     */
    public static void sample(SsamConfig c, Mode mode, long seed, Tensor mask) {
        int batch = check(c, mode, mask);
        SplittableRandom root = new SplittableRandom(seed);
        int[] scratch = new int[c.numPatches()];
        for (int b = 0; b < batch; b++) {
            fillRow(c, mode, root.split(), mask, b, scratch);
        }
    }

    /** A new (B, P) mask; see {@link #sample(SsamConfig, Mode, long, Tensor)}. */
    public static Tensor sample(SsamConfig c, Mode mode, long seed, int batch) {
        Shapes.requirePositive(OP, "batch", batch);
        Tensor mask = Tensor.zeros(batch, c.numPatches());
        sample(c, mode, seed, mask);
        return mask;
    }

    /**
     * Writes one clip's mask, drawn from {@code random}, into row {@code row} of {@code mask}.
     *
     * @param mask (B, P); only row {@code row} is written
     */
    public static void sampleRow(SsamConfig c, Mode mode, SplittableRandom random, Tensor mask, int row) {
        int batch = check(c, mode, mask);
        if (row < 0 || row >= batch) {
            throw new IllegalArgumentException(OP + ": row is " + row + ", expected 0 <= row < batch=" + batch);
        }
        if (random == null) {
            throw new IllegalArgumentException(OP + ": random is missing (null)");
        }
        fillRow(c, mode, random, mask, row, new int[c.numPatches()]);
    }

    private static int check(SsamConfig c, Mode mode, Tensor mask) {
        if (c == null || mode == null) {
            throw new IllegalArgumentException(OP + ": " + (c == null ? "config" : "mode") + " is missing (null)");
        }
        int batch = Shapes.requireRank(OP, "mask", mask, 2, "(batch, patches)")[0];
        Shapes.require(OP, "mask", mask, Shapes.names("batch", "patches"), batch, c.numPatches());
        return batch;
    }

    /** Order the patches (perm), keep the first numKept of that order, mask the rest. */
    private static void fillRow(SsamConfig c, Mode mode, SplittableRandom r, Tensor mask, int row, int[] perm) {
        int p = c.numPatches();
        int kept = c.numKept();
        switch (mode) {
            case UNSTRUCTURED -> {
                // Partial Fisher-Yates: perm[0, kept) becomes a uniform random kept-subset, in random order.
                for (int i = 0; i < p; i++) {
                    perm[i] = i;
                }
                for (int i = 0; i < kept; i++) {
                    swap(perm, i, r.nextInt(i, p));
                }
            }
            case TIMESTEP -> {
                int cols = c.gridFrames();
                int bins = c.gridBins();
                int[] order = new int[cols];
                for (int t = 0; t < cols; t++) {
                    order[t] = t;
                }
                for (int i = 0; i < cols - 1; i++) {
                    swap(order, i, r.nextInt(i, cols));
                }
                // Column order[j] contributes tokens order[j] * bins + f, f ascending.
                for (int j = 0; j < cols; j++) {
                    for (int f = 0; f < bins; f++) {
                        perm[j * bins + f] = order[j] * bins + f;
                    }
                }
            }
        }
        float[] m = mask.data();
        int base = mask.offset() + row * p;
        java.util.Arrays.fill(m, base, base + p, 1f);
        for (int i = 0; i < kept; i++) {
            m[base + perm[i]] = 0f;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
