package dev.ssam.tasks.data;

import dev.ssam.model.Masking;
import dev.ssam.model.SsamConfig;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

import java.util.SplittableRandom;

/**
 * Pretraining batches as a pure function of the micro-step: which clips, which crops and which
 * masks micro-step m gets depends only on (seed, m), so a resumed run sees exactly the batches an
 * uninterrupted one would (SSAM-SPEC section 5 for the crop).
 *
 * <ul>
 *   <li>Clip stream: the epochs' permutations of the C cached clips, back to back; micro-step m
 *       takes positions [m B, m B + B). Epoch e's permutation is a Fisher-Yates shuffle seeded by
 *       {@code Seeds.derive(seed, SHUFFLE, e)}. Every clip is seen once per epoch; a batch may span
 *       two epochs (no clip is dropped).</li>
 *   <li>Crop: a clip of T_c > T frames starts at {@code nextInt(T_c - T)}, uniform in
 *       [0, T_c - T - 1], seeded by {@code Seeds.derive(seed, CROP, position)}: the official
 *       {@code np.random.randint(0, duration - req_num_frames)}, whose exclusive upper bound never
 *       picks the last possible start. A clip of exactly T frames is used whole. A shorter clip is
 *       tiled along time (frame t is clip frame t mod T_c); the official {@code np.tile(spec, k)}
 *       repeats a 2-D array along its last (mel) axis instead, which cannot be fed to the model, so
 *       the evident intent is implemented.</li>
 *   <li>Masks: {@link Masking#sample(SsamConfig, Masking.Mode, long, Tensor)} with seed
 *       {@code Seeds.derive(seed, MASK, m)}.</li>
 * </ul>
 *
 * <pre>{@code
 * CropBatches batches = new CropBatches(cache, SsamConfig.tiny(), Masking.Mode.UNSTRUCTURED, 8, 0L);
 * Tensor x = Tensor.zeros(8, 200, 80);      // (B, T, F)
 * Tensor mask = Tensor.zeros(8, 250);       // (B, P)
 * batches.fill(0, x, mask, null);
 * }</pre>
 */
public final class CropBatches {
    private final LogMelCache cache;
    private final SsamConfig config;
    private final Masking.Mode mode;
    private final int batch;
    private final long seed;
    private long permEpoch = -1;
    private int[] perm;

    /**
     * @param cache  the clips
     * @param config the model (frames T, mel bins F = 80, patches and mask ratio)
     * @param mode   how masks are drawn
     * @param batch  clips per micro-step B
     * @param seed   the run seed
     */
    public CropBatches(LogMelCache cache, SsamConfig config, Masking.Mode mode, int batch, long seed) {
        if (cache == null || config == null || mode == null) {
            throw new IllegalArgumentException("CropBatches: cache, config and mode are required");
        }
        Shapes.requirePositive("CropBatches", "batch", batch);
        if (config.melBins() != LogMelCache.MELS) {
            throw new IllegalArgumentException("CropBatches: the model takes " + config.melBins()
                    + " mel bins, the front end gives " + LogMelCache.MELS);
        }
        this.cache = cache;
        this.config = config;
        this.mode = mode;
        this.batch = batch;
        this.seed = seed;
    }

    /** Clips per micro-step B. */
    public int batch() {
        return batch;
    }

    /** Clips per epoch C. */
    public int clipsPerEpoch() {
        return cache.clips();
    }

    /** The clip at {@code position} of the clip stream. */
    public synchronized int clipAt(long position) {
        int c = cache.clips();
        long epoch = position / c;
        if (epoch != permEpoch) {
            perm = permutation(c, Seeds.derive(seed, Seeds.Purpose.SHUFFLE, epoch));
            permEpoch = epoch;
        }
        return perm[(int) (position % c)];
    }

    /** A uniformly random permutation of [0, n) (Fisher-Yates). */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The first frame of a crop of {@code frames} frames from a clip of {@code clipFrames} (0 when tiled). */
    public static int cropStart(int clipFrames, int frames, SplittableRandom r) {
        return clipFrames > frames ? r.nextInt(clipFrames - frames) : 0;
    }

    /**
     * Writes micro-step {@code microStep}'s batch.
     *
     * @param x     (B, T, F), overwritten with the normalised log-mel crops
     * @param mask  (B, P), overwritten; 1 = masked
     * @param clips (B) or null: receives the clip index of each row
     */
    public void fill(long microStep, Tensor x, Tensor mask, int[] clips) {
        int t = config.frames();
        int f = config.melBins();
        Shapes.require("CropBatches", "x", x, Shapes.names("batch", "frames", "melBins"), batch, t, f);
        if (microStep < 0) {
            throw new IllegalArgumentException("CropBatches: micro-step is " + microStep + ", expected >= 0");
        }
        for (int b = 0; b < batch; b++) {
            long position = microStep * batch + b;
            int clip = clipAt(position);
            if (clips != null) {
                clips[b] = clip;
            }
            int tc = cache.frames(clip);
            int start = cropStart(tc, t, new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.CROP, position)));
            int dst = x.offset() + b * t * f;
            for (int row = 0; row < t; ) {
                int from = tc >= t ? start + row : row % tc;
                int n = tc >= t ? t - row : Math.min(tc - from, t - row);
                cache.read(clip, from, n, x.data(), dst + row * f);
                row += n;
            }
        }
        Masking.sample(config, mode, Seeds.derive(seed, Seeds.Purpose.MASK, microStep), mask);
    }
}
