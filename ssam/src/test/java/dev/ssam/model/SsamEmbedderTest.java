package dev.ssam.model;

import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SsamEmbedder#embedAll} keeps its input and feature buffers between calls with the same
 * window count: a later call must give exactly what a fresh embedder gives, whatever the earlier
 * call left in them (here: a clip filling its windows, then one whose last window is mostly
 * zero padding).
 */
class SsamEmbedderTest {
    private static float[] noise(long seed, int samples) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (r.nextDouble() * 1.6 - 0.8);
        }
        return x;
    }

    @Test
    void reusedBuffersGiveWhatAFreshEmbedderGives() {
        SsamParams p = SsamInit.init(SsamConfig.micro(), 3L);
        try (Backend cpu = Backend.cpu(2)) {
            SsamEmbedder reused = new SsamEmbedder(p, cpu, 2);
            List<float[]> full = List.of(noise(1, 63_000), noise(2, 30_000));     // 394 + 188 frames: 2 + 1 windows
            List<float[]> padded = List.of(noise(3, 36_000), noise(4, 20_000));   // 226 + 126 frames: 2 + 1 windows
            assertEquals(List.of(394, 188, 226, 126), List.of(LogMel.frames(63_000), LogMel.frames(30_000),
                    LogMel.frames(36_000), LogMel.frames(20_000)));
            reused.embedAll(full, 16_000);
            List<ClipEmbedding> again = reused.embedAll(padded, 16_000);
            List<ClipEmbedding> fresh = new SsamEmbedder(p, cpu, 2).embedAll(padded, 16_000);
            assertEquals(fresh.size(), again.size());
            for (int i = 0; i < fresh.size(); i++) {
                TensorCompare.assertBitwiseEqual("clip " + i + " timestamps", fresh.get(i).timestamps(),
                        again.get(i).timestamps());
                TensorCompare.assertBitwiseEqual("clip " + i + " scene", fresh.get(i).scene(), again.get(i).scene());
                assertArrayEquals(fresh.get(i).timesMs(), again.get(i).timesMs(), "clip " + i + " times");
            }
        }
    }

    @Test
    void noClipsGiveNoEmbeddings() {
        SsamParams p = SsamInit.init(SsamConfig.micro(), 3L);
        try (Backend cpu = Backend.cpu(2)) {
            assertEquals(List.of(), new SsamEmbedder(p, cpu).embedAll(List.of(), 16_000));
        }
        assertEquals(List.of(), new SsamEmbedder(p, Backend.ref()).embedAll(List.of(), 16_000));
    }

    @Test
    void defaultWindowBatchOnTheHostBackends() {
        assertEquals(SsamEmbedder.DEFAULT_WINDOW_BATCH, SsamEmbedder.defaultWindowBatch(Backend.ref()));
        try (Backend cpu = Backend.cpu(2)) {
            assertEquals(SsamEmbedder.DEFAULT_WINDOW_BATCH, SsamEmbedder.defaultWindowBatch(cpu));
        }
    }

    @Test
    void stagesHoldWholeClipsOfAtLeastTheRequestedWindows() {
        assertArrayEquals(new int[] {0, 3, 5, 6}, SsamEmbedder.stages(new int[] {1, 1, 2, 3, 1, 1}, 4));
        assertArrayEquals(new int[] {0, 2}, SsamEmbedder.stages(new int[] {1, 1}, 4));
        assertArrayEquals(new int[] {0, 1, 2}, SsamEmbedder.stages(new int[] {5, 5}, 4));
        assertArrayEquals(new int[] {0, 0}, SsamEmbedder.stages(new int[0], 4));
        assertArrayEquals(new int[] {0, 3}, SsamEmbedder.stages(new int[] {1, 2, 3}, Integer.MAX_VALUE));
    }

    /**
     * On a GPU backend the clips are embedded in stages of {@link SsamEmbedder#GPU_STAGE_WINDOWS}
     * windows (the host's samples of one stage gathered while the device encodes the one before,
     * each stage's features downloaded while the next one encodes): the embeddings must match the
     * Cpu backend's, which encodes everything at once, also on a second call with other audio of the
     * same lengths, which reuses the stage buffers and the download blocks.
     */
    @Test
    void gpuStagesGiveTheCpuEmbeddings() {
        Backend gpu = GoldenAssume.opencl();
        assertEquals(SsamEmbedder.GPU_STAGE_WINDOWS, SsamEmbedder.defaultWindowBatch(gpu), "default window batch on a GPU");
        assertEquals(List.of(), new SsamEmbedder(SsamInit.init(SsamConfig.micro(), 5L), gpu).embedAll(List.of(), 16_000));
        SsamParams p = SsamInit.init(SsamConfig.micro(), 5L);
        int windows = 0;
        for (int i = 0; i < 70; i++) {
            windows += i % 2 == 0 ? 3 : 1;   // 40000 or 20000 samples: 3 windows or 1
        }
        assertTrue(windows > SsamEmbedder.GPU_STAGE_WINDOWS, "the clips must fill more than one stage");
        SsamEmbedder onGpu = new SsamEmbedder(p, gpu, 32);
        try (Backend cpu = Backend.cpu(2)) {
            for (int call = 0; call < 2; call++) {
                List<float[]> clips = new java.util.ArrayList<>();
                for (int i = 0; i < 70; i++) {
                    clips.add(noise(100 + 1000 * call + i, i % 2 == 0 ? 40_000 : 20_000));
                }
                List<ClipEmbedding> expected = new SsamEmbedder(p, cpu, 32).embedAll(clips, 16_000);
                List<ClipEmbedding> actual = onGpu.embedAll(clips, 16_000);
                assertEquals(expected.size(), actual.size());
                for (int i = 0; i < expected.size(); i++) {
                    String name = "call " + call + " clip " + i;
                    TensorCompare.assertClose(name + " timestamps", expected.get(i).timestamps(),
                            actual.get(i).timestamps(), Tolerance.MODEL_VS_GOLDEN);
                    TensorCompare.assertClose(name + " scene", expected.get(i).scene(), actual.get(i).scene(),
                            Tolerance.MODEL_VS_GOLDEN);
                    assertArrayEquals(expected.get(i).timesMs(), actual.get(i).timesMs(), name + " times");
                }
            }
        }
    }
}
