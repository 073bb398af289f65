package dev.ssam.tasks.train;

import dev.ssam.model.Pretraining;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Five AdamW steps of the micro model against the official trainer (golden micro_adamw). */
class AdamWStateGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"ref", "cpu"})
    void fiveStepsMatchGoldenLossesAndEveryParameter(String device) throws Exception {
        try (Backend backend = Backend.parse(device, 2);
             Safetensors golden = Safetensors.open(GoldenFiles.resource(getClass(), "micro_adamw.safetensors"));
             Safetensors inputs = Safetensors.open(GoldenFiles.resource(getClass(), "micro_golden.safetensors"))) {
            SsamParams p = SsamWeights.load(GoldenFiles.resource(getClass(), "micro.safetensors"));
            Tensor x = inputs.tensor("x");
            Pretraining.Workspace ws = Pretraining.Workspace.allocate(p.config(), x.dim(0));
            SsamParams grads = SsamParams.zeros(p.config());
            AdamWState opt = AdamWState.zeros(p.config(), AdamWState.Hyper.OFFICIAL);
            Tensor losses = golden.tensor("losses");
            double worstLoss = 0;
            for (int s = 0; s < 5; s++) {
                Pretraining.Result r = Pretraining.lossAndGradients(backend, p, x, golden.tensor("mask" + s),
                        Pretraining.Options.OFFICIAL, grads, ws);
                TensorCompare.Result c = TensorCompare.assertClose("loss before step " + s, losses.slice0(s, s + 1),
                        Tensor.of(new float[] {(float) r.loss()}, 1), Tolerance.MODEL_VS_GOLDEN);
                worstLoss = Math.max(worstLoss, c.maxAbs());
                opt.update(backend, p, grads, 1e-3);
            }
            assertEquals(5, opt.steps());
            Map<String, Tensor> named = p.named();
            double worst = 0;
            String worstName = "";
            for (String name : named.keySet()) {
                TensorCompare.Result c = TensorCompare.assertClose("param." + name, golden.tensor("param." + name),
                        named.get(name), Tolerance.MODEL_VS_GOLDEN);
                if (c.maxAbs() > worst) {
                    worst = c.maxAbs();
                    worstName = name;
                }
            }
            System.out.printf("AdamWStateGoldenTest[%s]: max loss error %.3g, max parameter error %.3g (%s)%n",
                    device, worstLoss, worst, worstName);
        }
    }
}
