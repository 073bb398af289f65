package dev.ssam.tasks.train;

import dev.ssam.model.ParamSpec;
import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamParams;
import dev.ssam.ops.optim.AdamW;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.runtime.io.Safetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW over a whole SSAM model with the official parameter groups (SSAM-SPEC section 5): every
 * trainable tensor is updated by {@link AdamW#step} (torch-exact {@code torch.optim.AdamW}); weight
 * decay applies to tensors with 2 or more dimensions whose name does not end in {@code .bias}
 * ({@link ParamSpec#weightDecay()}, timm's {@code param_groups_weight_decay}), none to the others;
 * {@code pos_embed} is frozen (no update, no state).
 *
 * <p>State: the first and second moments m, v of every tensor (zeros before the first update) and
 * the number of updates done. {@link #save} writes them as one safetensors file ({@code m.<name>},
 * {@code v.<name>}, metadata {@code step} and the hyperparameters); {@link #load} restores them
 * bitwise.
 *
 * <pre>{@code
 * AdamWState opt = AdamWState.zeros(p.config(), AdamWState.Hyper.OFFICIAL);
 * Pretraining.lossAndGradients(backend, p, x, mask, Pretraining.Options.OFFICIAL, grads, ws);
 * opt.update(backend, p, grads, 1.5e-4);
 * }</pre>
 */
public final class AdamWState {
    /**
     * Hyperparameters.
     *
     * @param beta1       first-moment decay (0.9)
     * @param beta2       second-moment decay (0.95 in the official trainer, not torch's 0.999)
     * @param eps         added to the root of the second moment (1e-8)
     * @param weightDecay decoupled weight decay of the decayed group (0.05)
     */
    public record Hyper(float beta1, float beta2, float eps, float weightDecay) {
        /** The official pretraining values. */
        public static final Hyper OFFICIAL = new Hyper(0.9f, 0.95f, 1e-8f, 0.05f);

        public Hyper {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("AdamW: betas are (" + beta1 + ", " + beta2 + "), expected each in [0, 1)");
            }
            if (!(eps >= 0) || !(weightDecay >= 0) || !Float.isFinite(eps) || !Float.isFinite(weightDecay)) {
                throw new IllegalArgumentException("AdamW: eps " + eps + " and weight decay " + weightDecay
                        + " must be finite and >= 0");
            }
        }
    }

    private final SsamConfig config;
    private final Hyper hyper;
    private final SsamParams m;
    private final SsamParams v;
    private int step;

    private AdamWState(SsamConfig config, Hyper hyper, SsamParams m, SsamParams v, int step) {
        this.config = config;
        this.hyper = hyper;
        this.m = m;
        this.v = v;
        this.step = step;
    }

    /** Fresh state: zero moments, no update done. */
    public static AdamWState zeros(SsamConfig config, Hyper hyper) {
        return new AdamWState(config, hyper, SsamParams.zeros(config), SsamParams.zeros(config), 0);
    }

    /** The hyperparameters. */
    public Hyper hyper() {
        return hyper;
    }

    /** Updates done so far. */
    public int steps() {
        return step;
    }

    /** First moments (same layout as the model; zero for frozen tensors). */
    public SsamParams m() {
        return m;
    }

    /** Second moments. */
    public SsamParams v() {
        return v;
    }

    /**
     * One AdamW update of every trainable tensor of {@code params} with the gradients {@code grads}
     * at learning rate {@code lr}; increments {@link #steps()}.
     */
    public void update(Backend backend, SsamParams params, SsamParams grads, double lr) {
        if (!params.config().equals(config) || !grads.config().equals(config)) {
            throw new IllegalArgumentException("AdamW: params or grads are for another model than the optimiser state ("
                    + config.summary() + ")");
        }
        step++;
        Map<String, Tensor> p = params.named();
        Map<String, Tensor> g = grads.named();
        Map<String, Tensor> mm = m.named();
        Map<String, Tensor> vv = v.named();
        for (ParamSpec s : params.specs()) {
            if (!s.trainable()) {
                continue;
            }
            String n = s.name();
            AdamW.step(backend, p.get(n), g.get(n), mm.get(n), vv.get(n), step, (float) lr, hyper.beta1(),
                    hyper.beta2(), hyper.eps(), s.weightDecay() ? hyper.weightDecay() : 0f);
        }
    }

    /** Writes the moments and the step count to {@code file} (atomically). */
    public void save(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Tensor> mm = m.named();
        Map<String, Tensor> vv = v.named();
        for (ParamSpec s : trainable()) {
            tensors.put("m." + s.name(), mm.get(s.name()));
        }
        for (ParamSpec s : trainable()) {
            tensors.put("v." + s.name(), vv.get(s.name()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Integer.toString(step));
        meta.put("beta1", Float.toString(hyper.beta1()));
        meta.put("beta2", Float.toString(hyper.beta2()));
        meta.put("eps", Float.toString(hyper.eps()));
        meta.put("weight_decay", Float.toString(hyper.weightDecay()));
        Safetensors.write(file, tensors, meta);
    }

    /**
     * Reads state written by {@link #save} for a model of configuration {@code config}.
     *
     * @throws FileFormatException naming the file and the missing or wrongly shaped tensor
     */
    public static AdamWState load(Path file, SsamConfig config, Hyper hyper) throws IOException {
        AdamWState s = zeros(config, hyper);
        try (Safetensors st = Safetensors.open(file)) {
            String stepText = st.metadata().get("step");
            try {
                s.step = Integer.parseInt(String.valueOf(stepText));
            } catch (NumberFormatException e) {
                throw new FileFormatException(file, "optimiser state has no valid 'step' metadata (" + stepText + ")", e);
            }
            Map<String, Tensor> mm = s.m.named();
            Map<String, Tensor> vv = s.v.named();
            for (ParamSpec p : s.trainable()) {
                copy(st, "m." + p.name(), mm.get(p.name()));
                copy(st, "v." + p.name(), vv.get(p.name()));
            }
        }
        return s;
    }

    private static void copy(Safetensors st, String name, Tensor dst) throws IOException {
        if (!st.contains(name)) {
            throw new FileFormatException(st.path(), "optimiser state lacks tensor '" + name + "'");
        }
        Tensor t = st.tensor(name);
        if (!t.sameShape(dst)) {
            throw new FileFormatException(st.path(), "optimiser tensor '" + name + "' is " + t.shapeString()
                    + ", expected " + dst.shapeString());
        }
        dst.copyFrom(t);
    }

    private List<ParamSpec> trainable() {
        return m.specs().stream().filter(ParamSpec::trainable).toList();
    }
}
