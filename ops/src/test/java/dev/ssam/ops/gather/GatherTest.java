package dev.ssam.ops.gather;

import dev.ssam.ops.BackendUnderTest;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Gather} on every backend against Ref: patchify on awkward grids (a known element checked
 * by hand), tokens and tokensBackward with a random mask, with no mask and with every patch
 * masked; guard regions intact, inputs unchanged; argument checks.
 */
class GatherTest {
    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    private static Tensor random(SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextDouble(-1, 1);
        }
        return t;
    }

    private static Tensor mask(SplittableRandom rnd, int batch, int patches, double p) {
        Tensor m = Tensor.zeros(batch, patches);
        float[] d = m.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextDouble() < p ? 1f : 0f;
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void patchifyMatchesRef(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] cases = {{1, 2, 4, 2, 4}, {3, 14, 12, 2, 4}, {2, 20, 80, 4, 16}, {1, 7, 17, 7, 17}};
        for (int[] c : cases) {
            Tensor x = random(rnd, c[0], c[1], c[2]);
            Tensor before = x.copy();
            int patches = (c[1] / c[3]) * (c[2] / c[4]);
            Tensor expected = Tensor.zeros(c[0], patches, c[3] * c[4]);
            Gather.patchify(Backend.ref(), x, c[3], c[4], expected);
            GuardedTensor out = GuardedTensor.zeros(c[0], patches, c[3] * c[4]);
            Gather.patchify(b.backend(), x, c[3], c[4], out.tensor());
            TensorCompare.assertBitwiseEqual(b + " patchify " + java.util.Arrays.toString(c), expected, out.tensor());
            out.assertGuardsIntact(b + " patchify out");
            TensorCompare.assertBitwiseEqual("x unchanged", before, x);
        }
        Tensor x = random(rnd, 1, 4, 8);
        Tensor out = Tensor.zeros(1, 4, 8);
        Gather.patchify(b.backend(), x, 2, 4, out);
        // token 3 = (t 1, f 1), value i pb + j = 1 4 + 2 is x[t pf + i, f pb + j] = x[3, 6]
        assertEquals(x.get(0, 3, 6), out.get(0, 3, 6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void tokensToFramesMatchesRef(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(13);
        // {batch, skip, gridFrames, gridBins, dModel}
        int[][] cases = {{1, 0, 1, 1, 1}, {2, 1, 3, 2, 5}, {3, 0, 50, 5, 7}, {2, 1, 50, 5, 192}};
        for (int[] c : cases) {
            Tensor tokens = random(rnd, c[0], c[1] + c[2] * c[3], c[4]);
            Tensor before = tokens.copy();
            Tensor expected = Tensor.zeros(c[0], c[2], c[3] * c[4]);
            Gather.tokensToFrames(Backend.ref(), tokens, c[1], c[2], c[3], expected);
            GuardedTensor out = GuardedTensor.zeros(c[0], c[2], c[3] * c[4]);
            Gather.tokensToFrames(b.backend(), tokens, c[1], c[2], c[3], out.tensor());
            TensorCompare.assertBitwiseEqual(b + " tokensToFrames " + java.util.Arrays.toString(c), expected,
                    out.tensor());
            out.assertGuardsIntact(b + " tokensToFrames out");
            TensorCompare.assertBitwiseEqual("tokens unchanged", before, tokens);
        }
        // by hand: batch 2, skip 1, gT 3, gF 2, D 5: frames[1, 2, 1 D + 4] = tokens[1, 1 + 1 3 + 2, 4] = tokens[1, 6, 4]
        Tensor tokens = random(rnd, 2, 7, 5);
        Tensor frames = Tensor.zeros(2, 3, 10);
        Gather.tokensToFrames(b.backend(), tokens, 1, 3, 2, frames);
        assertEquals(tokens.get(1, 6, 4), frames.get(1, 2, 9));
        assertEquals(tokens.get(0, 1, 0), frames.get(0, 0, 0));
    }

    @Test
    void tokensToFramesRejectsMismatchedRows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gather.tokensToFrames(
                Backend.ref(), Tensor.zeros(2, 6, 5), 1, 3, 2, Tensor.zeros(2, 3, 10)));
        assertEquals("tokensToFrames: tokens is [2, 6, 5], expected 7 rows per clip (1 skipped + 2 x 3 patches)",
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void tokensAndBackwardMatchRef(BackendUnderTest b) {
        SplittableRandom rnd = new SplittableRandom(12);
        int[][] sizes = {{1, 1, 1}, {3, 7, 17}, {2, 33, 129}};
        for (int[] s : sizes) {
            int batch = s[0];
            int pn = s[1];
            int d = s[2];
            Tensor tok = random(rnd, batch, pn, d);
            Tensor pos = random(rnd, pn + 1, d);
            Tensor cls = random(rnd, d);
            Tensor mtok = random(rnd, d);
            Tensor gseq = random(rnd, batch, pn + 1, d);
            for (Tensor mask : new Tensor[] {mask(rnd, batch, pn, 0.5), null, mask(rnd, batch, pn, 2)}) {
                String name = b + " " + java.util.Arrays.toString(s) + (mask == null ? " no mask" : " mask");
                Tensor expected = Tensor.zeros(batch, pn + 1, d);
                Gather.tokens(Backend.ref(), tok, pos, cls, mtok, mask, expected);
                GuardedTensor seq = GuardedTensor.zeros(batch, pn + 1, d);
                Gather.tokens(b.backend(), tok, pos, cls, mtok, mask, seq.tensor());
                TensorCompare.assertBitwiseEqual(name + " seq", expected, seq.tensor());
                seq.assertGuardsIntact(name + " seq");

                Tensor eTok = Tensor.zeros(batch, pn, d);
                Tensor eCls = Tensor.zeros(d);
                Tensor eMtok = Tensor.zeros(d);
                Gather.tokensBackward(Backend.ref(), gseq, mask, eTok, eCls, eMtok);
                GuardedTensor gTok = GuardedTensor.zeros(batch, pn, d);
                GuardedTensor gCls = GuardedTensor.zeros(d);
                GuardedTensor gMtok = GuardedTensor.zeros(d);
                Gather.tokensBackward(b.backend(), gseq, mask, gTok.tensor(), gCls.tensor(), gMtok.tensor());
                TensorCompare.assertBitwiseEqual(name + " gtok", eTok, gTok.tensor());
                b.assertMatchesRefBitwiseOnCpu(name + " gcls", eCls, gCls.tensor());
                b.assertMatchesRefBitwiseOnCpu(name + " gmtok", eMtok, gMtok.tensor());
                gTok.assertGuardsIntact(name + " gtok");
                gCls.assertGuardsIntact(name + " gcls");
                gMtok.assertGuardsIntact(name + " gmtok");
            }
        }
    }

    @Test
    void rejectsBadShapes() {
        Backend ref = Backend.ref();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gather.patchify(ref, Tensor.zeros(1, 7, 8), 2, 4, Tensor.zeros(1, 6, 8)));
        assertTrue(e.getMessage().startsWith("patchify: x is [1, 7, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gather.patchify(ref, Tensor.zeros(1, 8, 8), 2, 4, Tensor.zeros(1, 7, 8)));
        assertTrue(e.getMessage().startsWith("patchify: out is [1, 7, 8], expected [batch=1, patches=8, patchDim=8]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Gather.tokens(ref, Tensor.zeros(2, 3, 4),
                Tensor.zeros(4, 4), Tensor.zeros(4), Tensor.zeros(5), null, Tensor.zeros(2, 4, 4)));
        assertTrue(e.getMessage().startsWith("tokens: mtok is [5], expected 4 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Gather.tokensBackward(ref, Tensor.zeros(2, 4, 4),
                Tensor.zeros(2, 2), Tensor.zeros(2, 3, 4), Tensor.zeros(4), Tensor.zeros(4)));
        assertTrue(e.getMessage().startsWith("tokensBackward: mask is [2, 2], expected [batch=2, patches=3]"),
                e.getMessage());
    }
}
