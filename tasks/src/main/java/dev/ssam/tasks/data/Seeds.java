package dev.ssam.tasks.data;

/**
 * Counter-based seeds: every random draw of pretraining (epoch shuffles, crops, masks) is seeded by
 * a pure function of the run seed, a purpose and a counter (epoch, clip position, step), never by
 * a stream that advances. Resuming at step s therefore reproduces every later draw without saving
 * any generator state.
 *
 * <p>The mix is SplitMix64's finaliser (Steele, Lea, Flood 2014) applied twice, which spreads
 * neighbouring counters over the whole 64-bit range; {@link java.util.SplittableRandom} seeded with
 * the result then draws the values.
 *
 * <pre>{@code
 * long s = Seeds.derive(runSeed, Seeds.Purpose.CROP, position);
 * int start = new SplittableRandom(s).nextInt(frames - 200);
 * }</pre>
 */
public final class Seeds {
    /** What a derived seed is for; distinct purposes give unrelated seeds for the same counter. */
    public enum Purpose {
        /** The order of the clips in one epoch (counter: epoch). */
        SHUFFLE,
        /** The crop start of one clip (counter: position in the clip stream). */
        CROP,
        /** The masks of one micro-batch (counter: micro-step). */
        MASK,
        /** Model initialisation (counter: 0). */
        INIT
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** The seed for draw {@code counter} of {@code purpose} in a run seeded with {@code seed}. */
    public static long derive(long seed, Purpose purpose, long counter) {
        long h = mix(seed + GOLDEN * (purpose.ordinal() + 1));
        return mix(h ^ mix(counter + GOLDEN));
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
