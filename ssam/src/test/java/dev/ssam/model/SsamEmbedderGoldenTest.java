package dev.ssam.model;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HEAR runtime path (whole-clip log-mel, 200-frame windows, trim) against tiny_hear. */
class SsamEmbedderGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"ref", "cpu"})
    void tinyHearEmbeddingsMatchGolden(String device) throws IOException {
        SsamParams p = SsamWeights.load(GoldenAssume.require("tiny.safetensors.index.json"));
        try (Backend backend = device.equals("ref") ? Backend.ref() : Backend.cpu(2);
             Safetensors waves = Safetensors.open(GoldenAssume.require("logmel.safetensors"));
             Safetensors hear = Safetensors.open(GoldenAssume.require("tiny_hear.safetensors"))) {
            SsamEmbedder embedder = new SsamEmbedder(p, backend, 3);
            List<float[]> clips = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clips.add(waves.tensor("wave" + i).toArray());
            }
            List<ClipEmbedding> all = embedder.embedAll(clips, 16_000);
            for (int i = 0; i < 3; i++) {
                Tensor ts = hear.tensor("timestamp_emb" + i);                 // (1, frames, 960)
                ClipEmbedding e = all.get(i);
                TensorCompare.assertClose("timestamp_emb" + i, ts.reshape(ts.dim(1), ts.dim(2)), e.timestamps(),
                        Tolerance.MODEL_VS_GOLDEN);
                Tensor scene = hear.tensor("scene_emb" + i);
                TensorCompare.assertClose("scene_emb" + i, scene.reshape(scene.dim(1)), e.scene(), Tolerance.MODEL_VS_GOLDEN);
                assertEquals(0f, e.timesMs()[0]);
                assertEquals(e.durationMs() / e.frames(), e.timesMs()[1], 1e-3);
            }
            // One clip at a time gives the same as the batch.
            ClipEmbedding single = embedder.embed(clips.get(2), 16_000);
            TensorCompare.assertClose("single vs batched", all.get(2).timestamps(), single.timestamps(),
                    Tolerance.CPU_VS_REF);
        }
    }

    @Test
    void tooShortAudioIsAClearError() throws IOException {
        SsamParams p = SsamWeights.load(GoldenFiles.resource(getClass(), "micro.safetensors"));
        SsamEmbedder embedder = new SsamEmbedder(p, Backend.ref());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> embedder.embed(new float[100], 16_000));
        assertTrue(e.getMessage().contains("samples"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> embedder.embed(new float[0], 16_000));
    }
}
