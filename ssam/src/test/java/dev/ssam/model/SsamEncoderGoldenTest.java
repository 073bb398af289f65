package dev.ssam.model;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

/** Whole-encoder forward against the official release: features and scene embeddings. */
class SsamEncoderGoldenTest {
    private static Backend cpu;

    @BeforeAll
    static void start() {
        cpu = Backend.cpu(2);
    }

    @AfterAll
    static void stop() {
        cpu.close();
    }

    static Backend backend(String name) {
        return switch (name) {
            case "ref" -> Backend.ref();
            case "opencl" -> GoldenAssume.opencl();
            default -> cpu;
        };
    }

    /** Scene = mean over the 50 frames of the features, as the official embedding does. */
    static Tensor meanOverFrames(Tensor features) {
        int b = features.dim(0);
        int t = features.dim(1);
        int d = features.dim(2);
        Tensor out = Tensor.zeros(b, d);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < t; k++) {
                    s += features.get(i, k, j);
                }
                out.set((float) (s / t), i, j);
            }
        }
        return out;
    }

    private static void checkModel(Backend backend, Path weights, Path golden) throws IOException {
        SsamParams p = SsamWeights.load(weights);
        try (Safetensors g = Safetensors.open(golden)) {
            Tensor features = SsamEncoder.features(backend, p, g.tensor("x"));
            TensorCompare.assertClose("features", g.tensor("features"), features, Tolerance.MODEL_VS_GOLDEN);
            TensorCompare.assertClose("scene", g.tensor("scene"), meanOverFrames(features), Tolerance.MODEL_VS_GOLDEN);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ref", "cpu", "opencl"})
    void microFeaturesMatchGolden(String device) throws IOException {
        checkModel(backend(device), GoldenFiles.resource(getClass(), "micro.safetensors"),
                GoldenFiles.resource(getClass(), "micro_golden.safetensors"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ref", "cpu"})
    void tinyFeaturesMatchGolden(String device) throws IOException {
        checkModel(backend(device), GoldenAssume.require("tiny.safetensors.index.json"),
                GoldenAssume.require("tiny_golden.safetensors"));
    }
}
