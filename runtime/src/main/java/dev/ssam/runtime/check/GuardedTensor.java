package dev.ssam.runtime.check;

import dev.ssam.runtime.Tensor;

/**
 * A tensor placed in the middle of a larger buffer whose guard regions hold a sentinel, so a test
 * can prove a kernel wrote nothing outside its output (ggml test-backend-ops style).
 *
 * <pre>{@code
 * GuardedTensor out = GuardedTensor.zeros(251, 576);
 * kernel(..., out.tensor());
 * out.assertGuardsIntact("scan out");
 * }</pre>
 */
public final class GuardedTensor {
    /** Sentinel written around the tensor: a NaN with a payload no kernel produces. */
    public static final float SENTINEL = Float.intBitsToFloat(0x7fc0_beef);
    private static final int GUARD = 67;

    private final float[] buffer;
    private final Tensor tensor;

    private GuardedTensor(float[] buffer, Tensor tensor) {
        this.buffer = buffer;
        this.tensor = tensor;
    }

    /** A zero tensor of {@code shape} with guards on both sides. */
    public static GuardedTensor zeros(int... shape) {
        int n = Tensor.sizeOf(shape);
        float[] buf = new float[n + 2 * GUARD];
        java.util.Arrays.fill(buf, SENTINEL);
        java.util.Arrays.fill(buf, GUARD, GUARD + n, 0f);
        return new GuardedTensor(buf, Tensor.view(buf, GUARD, shape));
    }

    /** A guarded copy of {@code src}. */
    public static GuardedTensor copyOf(Tensor src) {
        GuardedTensor g = zeros(src.shape());
        g.tensor.copyFrom(src);
        return g;
    }

    /** The tensor inside the guards. */
    public Tensor tensor() {
        return tensor;
    }

    /** Throws if any guard element changed. */
    public void assertGuardsIntact(String name) {
        int start = tensor.offset();
        int end = start + tensor.size();
        for (int i = 0; i < buffer.length; i++) {
            if ((i < start || i >= end) && Float.floatToRawIntBits(buffer[i]) != Float.floatToRawIntBits(SENTINEL)) {
                throw new AssertionError(name + " " + tensor.shapeString() + ": guard element "
                        + (i < start ? (i - start) : "+" + (i - end)) + " was overwritten with " + buffer[i]);
            }
        }
    }
}
