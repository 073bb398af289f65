package dev.ssam.tasks.probe;

import dev.ssam.ops.optim.AdamW;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.optim.Adam} with PyTorch's defaults (betas 0.9, 0.999, eps 1e-8) and no weight
 * decay, over a fixed list of (parameter, gradient) pairs; each step is {@link AdamW#step} with
 * weight decay 0, which is exactly Adam.
 */
final class Adam {
    private final List<Tensor[]> slots = new ArrayList<>();   // {param, grad, m, v}
    private final float lr;
    private int step;

    Adam(float lr) {
        this.lr = lr;
    }

    /** Registers a parameter and its gradient buffer (same shape). */
    void add(Tensor param, Tensor grad) {
        slots.add(new Tensor[] {param, grad, Tensor.zeros(param.shape()), Tensor.zeros(param.shape())});
    }

    /** One update of every parameter from its gradient. */
    void step(Backend backend) {
        step++;
        for (Tensor[] s : slots) {
            AdamW.step(backend, s[0], s[1], s[2], s[3], step, lr, 0.9f, 0.999f, 1e-8f, 0f);
        }
    }
}
