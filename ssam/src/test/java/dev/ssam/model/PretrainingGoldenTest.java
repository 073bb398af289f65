package dev.ssam.model;

import dev.ssam.ops.reduce.Reduce;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Json;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss, predictions and every gradient of one training step against the official release. */
class PretrainingGoldenTest {
    private static Backend cpu;

    @BeforeAll
    static void start() {
        cpu = Backend.cpu(2);
    }

    @AfterAll
    static void stop() {
        cpu.close();
    }

    private static Backend backend(String name) {
        return switch (name) {
            case "ref" -> Backend.ref();
            case "opencl" -> GoldenAssume.opencl();
            default -> cpu;
        };
    }

    private static Tensor scalar(double v) {
        return Tensor.of(new float[] {(float) v}, 1);
    }

    /** Runs one step and checks losses, pred, target and every golden grad.*; returns the grads. */
    private static SsamParams checkStep(Backend backend, Path weights, Path golden) throws IOException {
        SsamParams p = SsamWeights.load(weights);
        try (Safetensors g = Safetensors.open(golden)) {
            Tensor x = g.tensor("x");
            Tensor mask = g.tensor("mask");
            // on a GPU the workspace keeps the scan states the forward saves for the backward, as training does
            Pretraining.Workspace ws = Pretraining.Workspace.allocate(p.config(), x.dim(0), backend);
            SsamParams grads = SsamParams.zeros(p.config());
            Pretraining.Result r = Pretraining.lossAndGradients(backend, p, x, mask, Pretraining.Options.OFFICIAL, grads, ws);
            TensorCompare.assertClose("loss_all", g.tensor("loss_all"), scalar(r.lossAll()), Tolerance.MODEL_VS_GOLDEN);
            TensorCompare.assertClose("loss_masked", g.tensor("loss_masked"), scalar(r.lossMasked()), Tolerance.MODEL_VS_GOLDEN);
            TensorCompare.assertClose("pred", g.tensor("pred"), ws.pred(), Tolerance.MODEL_VS_GOLDEN);
            TensorCompare.assertClose("target", g.tensor("target"), ws.target(), Tolerance.MODEL_VS_GOLDEN);
            Map<String, Tensor> named = grads.named();
            int checked = 0;
            for (String name : g.names()) {
                if (name.startsWith("grad.")) {
                    String param = name.substring(5);
                    assertTrue(named.containsKey(param), "golden gradient of unknown tensor " + param);
                    TensorCompare.assertClose(name, g.tensor(name), named.get(param), Tolerance.MODEL_VS_GOLDEN);
                    checked++;
                }
            }
            assertTrue(checked >= 9, "only " + checked + " golden gradients found");
            return grads;
        }
    }

    /** Every gradient's L2 norm against grad_norms.json[model]. */
    @SuppressWarnings("unchecked")
    private static void checkNorms(Backend backend, SsamParams grads, Path normsFile, String model) throws IOException {
        Map<String, Object> all = Json.parseObject(Files.readString(normsFile));
        Map<String, Object> norms = (Map<String, Object>) all.get(model);
        assertTrue(norms != null && !norms.isEmpty(), "grad_norms.json has no entry for " + model + ": " + all.keySet());
        Map<String, Tensor> named = grads.named();
        for (Map.Entry<String, Object> e : norms.entrySet()) {
            assertTrue(named.containsKey(e.getKey()), "grad_norms names unknown tensor " + e.getKey());
            double expected = ((Number) e.getValue()).doubleValue();
            TensorCompare.assertClose("norm of grad " + e.getKey(), scalar(expected),
                    scalar(Reduce.l2Norm(backend, named.get(e.getKey()))), Tolerance.MODEL_VS_GOLDEN);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ref", "cpu", "opencl"})
    void microLossAndEveryGradientMatchGolden(String device) throws IOException {
        SsamParams grads = checkStep(backend(device), GoldenFiles.resource(getClass(), "micro.safetensors"),
                GoldenFiles.resource(getClass(), "micro_golden.safetensors"));
        checkNorms(backend(device), grads, GoldenFiles.resource(getClass(), "grad_norms.json"), "micro");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu"})
    void tinyLossAndGradientsMatchGolden(String device) throws IOException {
        SsamParams grads = checkStep(backend(device), GoldenAssume.require("tiny.safetensors.index.json"),
                GoldenAssume.require("tiny_golden.safetensors"));
        checkNorms(backend(device), grads, GoldenFiles.resource(getClass(), "grad_norms.json"), "tiny");
    }
}
