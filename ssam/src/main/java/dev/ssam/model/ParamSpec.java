package dev.ssam.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of the parameter tree: its official name, its official shape (as the PyTorch module
 * stores it), and how the optimiser treats it.
 *
 * <p>Weight decay follows the official trainer's parameter groups: every trainable tensor with 2 or
 * more dimensions whose name does not end in {@code .bias} (SSAM-SPEC section 5). {@code pos_embed}
 * is the only tensor that is not trainable.
 *
 * @param name        official name, e.g. {@code blocks.3.mixer.A_log}
 * @param shape       official shape, e.g. (E, N); {@link #shape()} returns a copy
 * @param trainable   whether the optimiser updates it
 * @param weightDecay whether AdamW applies weight decay to it
 */
public record ParamSpec(String name, int[] shape, boolean trainable, boolean weightDecay) {
    public ParamSpec {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
    }

    /** The spec of a tensor named {@code name} with the official decay rule. */
    static ParamSpec of(String name, int[] shape, boolean trainable) {
        return new ParamSpec(name, shape, trainable, trainable && shape.length >= 2 && !name.endsWith(".bias"));
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int size() {
        return dev.ssam.runtime.Tensor.sizeOf(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && name.equals(p.name) && Arrays.equals(shape, p.shape)
                && trainable == p.trainable && weightDecay == p.weightDecay;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), trainable, weightDecay);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (trainable ? "" : " frozen") + (weightDecay ? " decay" : "");
    }
}
