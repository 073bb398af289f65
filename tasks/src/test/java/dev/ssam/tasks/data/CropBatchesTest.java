package dev.ssam.tasks.data;

import dev.ssam.model.Masking;
import dev.ssam.model.SsamConfig;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CropBatchesTest {
    private static final SsamConfig MICRO = SsamConfig.micro();
    private static final int T = 200;
    private static final int F = 80;

    @TempDir
    static Path tmp;
    /** 7 clips of 3 s (301 frames): crops. */
    static LogMelCache longClips;
    /** 5 clips of 0.75 s (76 frames): tiled. */
    static LogMelCache shortClips;

    @BeforeAll
    static void build() throws IOException {
        longClips = LogMelCache.open(AudioSource.open("synthetic:7:3"), tmp.resolve("long"), Backend.ref(), DataListener.NONE);
        shortClips = LogMelCache.open(AudioSource.open("synthetic:5:0.75"), tmp.resolve("short"), Backend.ref(),
                DataListener.NONE);
    }

    @AfterAll
    static void close() {
        longClips.close();
        shortClips.close();
    }

    private static float[] frames(LogMelCache c, int clip) {
        float[] all = new float[c.frames(clip) * F];
        c.read(clip, 0, c.frames(clip), all, 0);
        return all;
    }

    @Test
    void cropsAreContiguousWindowsStartingBeforeTheLastPossibleStart() {
        CropBatches b = new CropBatches(longClips, MICRO, Masking.Mode.UNSTRUCTURED, 4, 1L);
        Tensor x = Tensor.zeros(4, T, F);
        Tensor mask = Tensor.zeros(4, 250);
        int[] clips = new int[4];
        boolean[] startSeen = new boolean[101];
        for (long m = 0; m < 40; m++) {
            b.fill(m, x, mask, clips);
            for (int row = 0; row < 4; row++) {
                float[] all = frames(longClips, clips[row]);
                float[] got = Arrays.copyOfRange(x.data(), row * T * F, (row + 1) * T * F);
                int found = -1;
                for (int s = 0; s + T <= 301 && found < 0; s++) {
                    if (Arrays.equals(got, Arrays.copyOfRange(all, s * F, (s + T) * F))) {
                        found = s;
                    }
                }
                assertTrue(found >= 0 && found <= 301 - T - 1, "micro-step " + m + " row " + row + ": start " + found);
                startSeen[found] = true;
            }
        }
        int distinct = 0;
        for (boolean s : startSeen) {
            distinct += s ? 1 : 0;
        }
        assertTrue(distinct > 40, "only " + distinct + " distinct crop starts in 160 crops");
    }

    @Test
    void clipsShorterThanTheWindowAreTiledAlongTime() {
        CropBatches b = new CropBatches(shortClips, MICRO, Masking.Mode.UNSTRUCTURED, 3, 2L);
        Tensor x = Tensor.zeros(3, T, F);
        int[] clips = new int[3];
        b.fill(0, x, Tensor.zeros(3, 250), clips);
        for (int row = 0; row < 3; row++) {
            float[] all = frames(shortClips, clips[row]);
            int tc = shortClips.frames(clips[row]);
            assertEquals(76, tc);
            for (int t = 0; t < T; t++) {
                float[] got = Arrays.copyOfRange(x.data(), (row * T + t) * F, (row * T + t + 1) * F);
                assertArrayEquals(Arrays.copyOfRange(all, (t % tc) * F, (t % tc + 1) * F), got, "row " + row + " frame " + t);
            }
        }
    }

    @Test
    void cropStartIsUniformBelowTheExclusiveBound() {
        SplittableRandom r = new SplittableRandom(3);
        int[] counts = new int[3];
        for (int i = 0; i < 3000; i++) {
            counts[CropBatches.cropStart(203, 200, r)]++;
        }
        for (int c : counts) {
            assertTrue(c > 850 && c < 1150, Arrays.toString(counts));
        }
        assertEquals(0, CropBatches.cropStart(200, 200, r));
        assertEquals(0, CropBatches.cropStart(201, 200, r));
        assertEquals(0, CropBatches.cropStart(50, 200, r));
    }

    @Test
    void everyEpochVisitsEveryClipOnceInASeededOrder() {
        CropBatches a = new CropBatches(longClips, MICRO, Masking.Mode.UNSTRUCTURED, 2, 5L);
        CropBatches same = new CropBatches(longClips, MICRO, Masking.Mode.UNSTRUCTURED, 2, 5L);
        CropBatches other = new CropBatches(longClips, MICRO, Masking.Mode.UNSTRUCTURED, 2, 6L);
        int c = a.clipsPerEpoch();
        boolean differs = false;
        int[][] orders = new int[4][c];
        for (int e = 0; e < 4; e++) {
            boolean[] seen = new boolean[c];
            for (int i = 0; i < c; i++) {
                long pos = (long) e * c + i;
                int clip = a.clipAt(pos);
                orders[e][i] = clip;
                assertFalse(seen[clip], "clip " + clip + " twice in epoch " + e);
                seen[clip] = true;
                assertEquals(clip, same.clipAt(pos));
                differs |= clip != other.clipAt(pos);
            }
        }
        assertTrue(differs, "seeds 5 and 6 gave the same order");
        assertFalse(Arrays.equals(orders[0], orders[1]) && Arrays.equals(orders[1], orders[2]), "epochs are not reshuffled");
    }

    @Test
    void aBatchIsAPureFunctionOfTheMicroStep() {
        CropBatches a = new CropBatches(longClips, MICRO, Masking.Mode.TIMESTEP, 3, 9L);
        CropBatches b = new CropBatches(longClips, MICRO, Masking.Mode.TIMESTEP, 3, 9L);
        Tensor x1 = Tensor.zeros(3, T, F);
        Tensor m1 = Tensor.zeros(3, 250);
        Tensor x2 = Tensor.zeros(3, T, F);
        Tensor m2 = Tensor.zeros(3, 250);
        for (long m = 0; m < 6; m++) {
            a.fill(m, x1, m1, null);
        }
        b.fill(5, x2, m2, null);
        TensorCompare.assertBitwiseEqual("x of micro-step 5", x1, x2);
        TensorCompare.assertBitwiseEqual("mask of micro-step 5", m1, m2);
    }

    @Test
    void prefetcherDeliversTheSameBatchesInOrder() {
        CropBatches src = new CropBatches(longClips, MICRO, Masking.Mode.UNSTRUCTURED, 2, 4L);
        Tensor x = Tensor.zeros(2, T, F);
        Tensor mask = Tensor.zeros(2, 250);
        try (BatchPrefetcher p = new BatchPrefetcher(src, MICRO, 10, 2)) {
            for (long m = 10; m < 20; m++) {
                BatchPrefetcher.Batch b = p.take();
                assertEquals(m, b.microStep());
                src.fill(m, x, mask, null);
                TensorCompare.assertBitwiseEqual("x " + m, x, b.x());
                TensorCompare.assertBitwiseEqual("mask " + m, mask, b.mask());
                p.release(b);
            }
        }
    }
}
