package dev.ssam.ops.scan;

import dev.ssam.ops.BackendUnderTest;
import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SelectiveScan} on every backend against Ref: the random parity cases (awkward sizes, every
 * option combination, the real model shape), compact tensors, requested gradients only, run-to-run
 * determinism and NaN propagation; Cpu 1 vs 2 threads bitwise; the OpenCL state-size limit; argument
 * checks. OpenCL cases skip without a device (fail under CI=true).
 */
class SelectiveScanTest {
    private static final long SEED = 20240611L;
    private static final Backend CPU = BackendUnderTest.CPU.backend();

    static Stream<Arguments> cases() {
        return BackendUnderTest.againstRef(ScanCase.parityCases());
    }

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    static Stream<BackendUnderTest> gpus() {
        return Stream.of(BackendUnderTest.OPENCL, BackendUnderTest.CUDA);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void forwardMatchesRef(BackendUnderTest b, ScanCase c) {
        Inputs in = c.inputs(SEED + c.hashCode());
        assertForwardMatchesRef(c.toString(), b, c, in, (out, state) -> SelectiveScan.forward(b.backend(), in, out, state));
    }

    /**
     * Runs {@code forward(out, lastState or null)} into guarded outputs prefilled with 7.5 and compares
     * them with Ref's forward on {@code in}; checks the guards and that the inputs are unchanged.
     */
    private static void assertForwardMatchesRef(String name, BackendUnderTest b, ScanCase c, Inputs in,
                                                java.util.function.BiConsumer<Tensor, Tensor> forward) {
        Tensor[] before = ScanCase.snapshot(in);
        Tensor expected = Tensor.zeros(c.batch(), c.len(), c.dInner());
        Tensor expectedState = c.lastState() ? Tensor.zeros(c.batch(), c.dInner(), c.dState()) : null;
        SelectiveScan.forward(Backend.ref(), in, expected, expectedState);

        GuardedTensor out = GuardedTensor.zeros(c.batch(), c.len(), c.dInner());
        out.tensor().fill(7.5f);
        GuardedTensor state = GuardedTensor.zeros(c.batch(), c.dInner(), c.dState());
        state.tensor().fill(7.5f);
        forward.accept(out.tensor(), c.lastState() ? state.tensor() : null);

        TensorCompare.assertClose(name + " out", expected, out.tensor(), b.vsRefReduction());
        if (c.lastState()) {
            TensorCompare.assertClose(name + " lastState", expectedState, state.tensor(), b.vsRefReduction());
        }
        out.assertGuardsIntact(name + " out");
        state.assertGuardsIntact(name + " lastState");
        ScanCase.assertUnchanged(before, in);
    }

    /**
     * The GPU forward's tuning variants against Ref on every parity case: each channel's states
     * spread over several work-items ({@code scan_forward_split}, {@code ssam.gpu.scanSplit}) where
     * the split divides the state size, and inputs loaded several tokens ahead
     * ({@code ssam.gpu.scanAhead}, including counts that do not divide the chunk).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gpus")
    void splitForwardMatchesRefOnGpus(BackendUnderTest b) {
        Backend.Gpu gpu = (Backend.Gpu) b.backend();
        int ran = 0;
        int[][] variants = {{1, 1}, {1, 3}, {2, 1}, {3, 5}, {4, 1}, {4, 8}, {8, 16}};
        for (ScanCase c : ScanCase.parityCases()) {
            for (int[] v : variants) {
                int split = v[0];
                int ahead = v[1];
                if (c.dState() % split != 0) {
                    continue;
                }
                Inputs in = c.inputs(SEED + 31L * c.hashCode() + 7L * split + ahead);
                assertForwardMatchesRef(c + " split " + split + " ahead " + ahead, b, c, in, (out, state) ->
                        ScanGpu.forward(gpu, SelectiveScan.check(in, out, state), in, out, state, null, split, ahead));
                ran++;
            }
        }
        assertTrue(ran >= 40, "variant cases run: " + ran);
        SelectiveScan.Dims odd = new SelectiveScan.Dims(1, 1, 1, 24);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScanGpu.forward(gpu, odd, null, null, null, null, 5, 1));
        assertTrue(e.getMessage().contains("5 work-items per channel do not divide dState 24"), e.getMessage());
    }

    /**
     * The states a GPU forward saves (the plain and the split kernel, their device copy prefilled
     * with NaN so an unwritten entry would show) give a backward that skips its own forward pass bitwise the
     * gradients of one that recomputes them, on every parity case; the forward's outputs are
     * unchanged by saving.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gpus")
    void savedStatesGiveTheRecomputedGradientsOnGpus(BackendUnderTest b) {
        Backend.Gpu gpu = (Backend.Gpu) b.backend();
        int ran = 0;
        for (ScanCase c : ScanCase.parityCases()) {
            for (int split : new int[] {1, 4}) {
                if (c.dState() % split != 0) {
                    continue;
                }
                Inputs in = c.inputs(SEED + 13L * c.hashCode() + split);
                Tensor gout = c.gout(SEED - 5L * c.hashCode());
                SelectiveScan.Dims d = new SelectiveScan.Dims(c.batch(), c.len(), c.dInner(), c.dState());
                Tensor saved = Tensor.zeros(SelectiveScan.savedStatesShape(gpu, d));
                Elementwise.fill(gpu, saved, Float.NaN);   // on the device: the forward's output does not upload
                Tensor out = Tensor.zeros(c.batch(), c.len(), c.dInner());
                Tensor plainOut = Tensor.zeros(c.batch(), c.len(), c.dInner());
                ScanGpu.forward(gpu, d, in, out, null, saved, split, ScanGpu.AHEAD);
                ScanGpu.forward(gpu, d, in, plainOut, null, null, split, ScanGpu.AHEAD);
                TensorCompare.assertBitwiseEqual(c + " split " + split + " out", plainOut, out);

                Grads recomputed = Grads.like(in);
                SelectiveScan.backward(gpu, in, gout, recomputed);
                Grads fromSaved = Grads.like(in);
                SelectiveScan.backward(gpu, in, gout, fromSaved, saved);
                Tensor[] e = new ScanCase.GuardedGrads(recomputed, new GuardedTensor[0]).tensors();
                Tensor[] a = new ScanCase.GuardedGrads(fromSaved, new GuardedTensor[0]).tensors();
                for (int k = 0; k < a.length; k++) {
                    if (e[k] != null) {
                        TensorCompare.assertBitwiseEqual(c + " split " + split + " " + ScanCase.GuardedGrads.NAMES[k],
                                e[k], a[k]);
                    }
                }
                ran++;
            }
        }
        assertTrue(ran >= 10, "cases run: " + ran);
        ScanCase c = ScanCase.full(2, 9, 7, 5);
        Inputs in = c.inputs(SEED);
        int chunks = SelectiveScan.savedStatesShape(gpu, new SelectiveScan.Dims(2, 9, 7, 5))[1];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SelectiveScan.forward(gpu, in,
                Tensor.zeros(2, 9, 7), null, Tensor.zeros(2, chunks + 1, 5, 7)));
        assertEquals("selectiveScan: savedStates is [2, " + (chunks + 1) + ", 5, 7], expected [batch=2, chunks=" + chunks
                + ", dState=5, dInner=7]", e.getMessage());
    }

    @Test
    void savedStatesAreCheckedByShapeAndBackend() {
        ScanCase c = ScanCase.full(2, 9, 7, 5);
        Inputs in = c.inputs(SEED);
        SelectiveScan.Dims d = new SelectiveScan.Dims(2, 9, 7, 5);
        assertNull(SelectiveScan.savedStatesShape(Backend.ref(), d));
        assertNull(SelectiveScan.savedStatesShape(CPU, d));
        Tensor out = Tensor.zeros(2, 9, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.forward(CPU, in, out, null, Tensor.zeros(2, 1, 5, 7)));
        assertEquals("selectiveScan: savedStates is [2, 1, 5, 7], but the cpu backend saves no states (it recomputes "
                + "them); pass null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.backward(Backend.ref(), in, c.gout(SEED), Grads.like(in), Tensor.zeros(1)));
        assertTrue(e.getMessage().startsWith("selectiveScan: savedStates is [1], but the ref backend"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void backwardMatchesRef(BackendUnderTest b, ScanCase c) {
        Inputs in = c.inputs(SEED + c.hashCode());
        Tensor gout = c.gout(SEED - c.hashCode());
        Tensor[] before = ScanCase.snapshot(in);
        Grads expected = Grads.like(in);
        SelectiveScan.backward(Backend.ref(), in, gout, expected);

        ScanCase.GuardedGrads actual = ScanCase.guardedGrads(in);
        SelectiveScan.backward(b.backend(), in, gout, actual.grads());

        Tensor[] e = new ScanCase.GuardedGrads(expected, new GuardedTensor[0]).tensors();
        Tensor[] a = actual.tensors();
        for (int k = 0; k < a.length; k++) {
            if (e[k] != null) {
                TensorCompare.assertClose(c + " " + ScanCase.GuardedGrads.NAMES[k], e[k], a[k], b.vsRefReduction());
            }
        }
        actual.assertGuardsIntact();
        ScanCase.assertUnchanged(before, in);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void compactTensorsEndingInAPartialBlockMatchRef(BackendUnderTest b) {
        // no guard regions: the Cpu's last masked block loads and stores run past the end of each array
        ScanCase c = ScanCase.full(2, 9, 7, 5);
        Inputs g = c.inputs(SEED);
        Inputs in = new Inputs(g.u().copy(), g.delta().copy(), g.A().copy(), g.B().copy(), g.C().copy(), g.D().copy(),
                g.z().copy(), g.deltaBias().copy(), true);
        Tensor gout = c.gout(SEED).copy();
        Tensor expected = Tensor.zeros(2, 9, 7);
        Tensor actual = Tensor.zeros(2, 9, 7);
        SelectiveScan.forward(Backend.ref(), in, expected, null);
        SelectiveScan.forward(b.backend(), in, actual, Tensor.zeros(2, 7, 5));
        TensorCompare.assertClose("compact out", expected, actual, b.vsRefReduction());
        Grads ge = Grads.like(in);
        Grads ga = Grads.like(in);
        SelectiveScan.backward(Backend.ref(), in, gout, ge);
        SelectiveScan.backward(b.backend(), in, gout, ga);
        TensorCompare.assertClose("compact du", ge.du(), ga.du(), b.vsRefReduction());
        TensorCompare.assertClose("compact dDelta", ge.dDelta(), ga.dDelta(), b.vsRefReduction());
        TensorCompare.assertClose("compact dz", ge.dz(), ga.dz(), b.vsRefReduction());
        TensorCompare.assertClose("compact dB", ge.dB(), ga.dB(), b.vsRefReduction());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void backwardWritesOnlyTheRequestedGradients(BackendUnderTest b) {
        ScanCase c = ScanCase.full(2, 33, 17, 8);
        Inputs in = c.inputs(SEED);
        Tensor gout = c.gout(SEED + 1);
        Grads all = Grads.like(in);
        SelectiveScan.backward(Backend.ref(), in, gout, all);
        Tensor dB = Tensor.zeros(in.B().shape());
        Tensor dD = Tensor.zeros(in.D().shape());
        SelectiveScan.backward(b.backend(), in, gout, new Grads(null, null, null, dB, null, dD, null, null));
        TensorCompare.assertClose("dB alone", all.dB(), dB, b.vsRefReduction());
        TensorCompare.assertClose("dD alone", all.dD(), dD, b.vsRefReduction());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void resultsAreBitwiseIdenticalAcrossRuns(BackendUnderTest b) {
        ScanCase c = ScanCase.full(2, 251, 129, 24);
        Inputs in = c.inputs(SEED);
        Tensor gout = c.gout(SEED + 1);
        Tensor[] out = new Tensor[2];
        Grads[] grads = new Grads[2];
        for (int k = 0; k < 2; k++) {
            out[k] = Tensor.zeros(c.batch(), c.len(), c.dInner());
            grads[k] = Grads.like(in);
            SelectiveScan.forward(b.backend(), in, out[k], null);
            SelectiveScan.backward(b.backend(), in, gout, grads[k]);
        }
        TensorCompare.assertBitwiseEqual("out", out[0], out[1]);
        Tensor[] g0 = new ScanCase.GuardedGrads(grads[0], new GuardedTensor[0]).tensors();
        Tensor[] g1 = new ScanCase.GuardedGrads(grads[1], new GuardedTensor[0]).tensors();
        for (int k = 0; k < g0.length; k++) {
            TensorCompare.assertBitwiseEqual(ScanCase.GuardedGrads.NAMES[k], g0[k], g1[k]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void forwardPropagatesNaNInUToItsChannelOnly(BackendUnderTest under) {
        ScanCase c = ScanCase.full(2, 7, 17, 8);
        Inputs in = c.inputs(SEED);
        in.u().set(Float.NaN, 1, 3, 5);
        for (Backend b : new Backend[]{Backend.ref(), under.backend()}) {
            Tensor out = Tensor.zeros(c.batch(), c.len(), c.dInner());
            SelectiveScan.forward(b, in, out, null);
            for (int t = 0; t < c.len(); t++) {
                for (int e = 0; e < c.dInner(); e++) {
                    boolean poisoned = e == 5 && t >= 3;
                    assertEquals(poisoned, Float.isNaN(out.get(1, t, e)), b + " out[1, " + t + ", " + e + "]");
                    assertTrue(Float.isFinite(out.get(0, t, e)), b + " out[0, " + t + ", " + e + "]");
                }
            }
        }
    }

    @Test
    void cpuIsBitwiseIdenticalForOneAndTwoThreads() {
        for (ScanCase c : List.of(ScanCase.full(2, 251, 576, 24), ScanCase.full(2, 33, 129, 8))) {
            Inputs in = c.inputs(SEED);
            Tensor gout = c.gout(SEED + 1);
            Tensor[] out = new Tensor[2];
            Tensor[] state = new Tensor[2];
            Grads[] grads = new Grads[2];
            // two rounds: the second one compares code that the JIT has compiled by then
            for (int round = 0; round < 2; round++) {
                Backend[] backends = {BackendUnderTest.cpuOneThread(), CPU};
                for (int k = 0; k < 2; k++) {
                    out[k] = Tensor.zeros(c.batch(), c.len(), c.dInner());
                    state[k] = Tensor.zeros(c.batch(), c.dInner(), c.dState());
                    grads[k] = Grads.like(in);
                    SelectiveScan.forward(backends[k], in, out[k], state[k]);
                    SelectiveScan.backward(backends[k], in, gout, grads[k]);
                }
                TensorCompare.assertBitwiseEqual(c + " out", out[0], out[1]);
                TensorCompare.assertBitwiseEqual(c + " lastState", state[0], state[1]);
                Tensor[] g0 = new ScanCase.GuardedGrads(grads[0], new GuardedTensor[0]).tensors();
                Tensor[] g1 = new ScanCase.GuardedGrads(grads[1], new GuardedTensor[0]).tensors();
                for (int k = 0; k < g0.length; k++) {
                    TensorCompare.assertBitwiseEqual(c + " " + ScanCase.GuardedGrads.NAMES[k], g0[k], g1[k]);
                }
            }
        }
    }

    @Test
    void openClRejectsStateLargerThanThePrivateMemoryLimit() {
        Backend gpu = BackendUnderTest.OPENCL.backend();
        ScanCase c = ScanCase.full(1, 4, 3, 33);
        Inputs in = c.inputs(SEED);
        SelectiveScan.Dims dims = SelectiveScan.check(in, Tensor.zeros(1, 4, 3), null);
        assertFalse(SelectiveScan.supports(gpu, dims));
        assertTrue(SelectiveScan.supports(Backend.ref(), dims));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.forward(gpu, in, Tensor.zeros(1, 4, 3), null));
        assertEquals("selectiveScan: dState is 33, the opencl scan keeps the state in private memory and supports "
                + "dState <= 32", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.backward(gpu, in, Tensor.zeros(1, 4, 3), Grads.like(in)));
    }

    @Test
    void rejectsStateDimMismatch() {
        Inputs in = ScanCase.full(2, 64, 16, 8).inputs(SEED);
        Inputs bad = new Inputs(in.u(), in.delta(), in.A(), Tensor.zeros(2, 64, 7), in.C(), in.D(), in.z(),
                in.deltaBias(), true);
        assertRejected(bad, "selectiveScan: B is [2, 64, 7], expected [batch=2, len=64, dState=8]");
    }

    @Test
    void rejectsLenMismatch() {
        Inputs in = ScanCase.full(2, 64, 16, 8).inputs(SEED);
        Inputs bad = new Inputs(in.u(), in.delta(), in.A(), in.B(), Tensor.zeros(2, 63, 8), in.D(), in.z(),
                in.deltaBias(), true);
        assertRejected(bad, "selectiveScan: C is [2, 63, 8], expected [batch=2, len=64, dState=8]");
    }

    @Test
    void rejectsChannelMismatch() {
        Inputs in = ScanCase.full(2, 64, 16, 8).inputs(SEED);
        Inputs bad = new Inputs(in.u(), in.delta(), Tensor.zeros(15, 8), in.B(), in.C(), in.D(), in.z(),
                in.deltaBias(), true);
        assertRejected(bad, "selectiveScan: A is [15, 8], expected [dInner=16, dState=8]");
    }

    @Test
    void rejectsZeroSizes() {
        Inputs in = ScanCase.full(2, 64, 16, 8).inputs(SEED);
        Inputs emptyLen = new Inputs(Tensor.zeros(2, 0, 16), Tensor.zeros(2, 0, 16), in.A(), Tensor.zeros(2, 0, 8),
                Tensor.zeros(2, 0, 8), null, null, null, true);
        assertRejected(emptyLen, "selectiveScan: u is [2, 0, 16], every dimension must be positive");
        Inputs emptyState = new Inputs(in.u(), in.delta(), Tensor.zeros(16, 0), Tensor.zeros(2, 64, 0),
                Tensor.zeros(2, 64, 0), null, null, null, true);
        assertRejected(emptyState, "selectiveScan: A is [16, 0], every dimension must be positive");
    }

    @Test
    void rejectsNaNDelta() {
        Inputs in = ScanCase.full(2, 64, 16, 8).inputs(SEED);
        in.delta().set(Float.NaN, 1, 2, 3);
        assertRejected(in, "selectiveScan: delta holds NaN at flat index " + ((64 + 2) * 16 + 3));
    }

    @Test
    void rejectsMissingInput() {
        Inputs in = ScanCase.full(2, 64, 16, 8).inputs(SEED);
        Inputs bad = new Inputs(in.u(), null, in.A(), in.B(), in.C(), in.D(), in.z(), in.deltaBias(), true);
        assertRejected(bad, "selectiveScan: delta is missing (null), expected [batch=2, len=64, dInner=16]");
    }

    @Test
    void rejectsOutputOverlappingAnInput() {
        Inputs in = ScanCase.full(2, 64, 16, 8).inputs(SEED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.forward(CPU, in, in.z(), null));
        assertEquals("selectiveScan: out overlaps z; in-place use is not supported", e.getMessage());
    }

    @Test
    void rejectsWrongOutputShapes() {
        Inputs in = ScanCase.full(2, 64, 16, 8).inputs(SEED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.forward(CPU, in, Tensor.zeros(2, 64, 16), Tensor.zeros(2, 8, 16)));
        assertEquals("selectiveScan: lastState is [2, 8, 16], expected [batch=2, dInner=16, dState=8]", e.getMessage());
        Grads wrong = new Grads(null, null, Tensor.zeros(16, 9), null, null, null, null, null);
        e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.backward(CPU, in, Tensor.zeros(2, 64, 16), wrong));
        assertEquals("selectiveScan: dA is [16, 9], expected [dInner=16, dState=8]", e.getMessage());
    }

    @Test
    void rejectsGradientOfAbsentInput() {
        Inputs in = new ScanCase(1, 7, 16, 8, false, true, true, true, false).inputs(SEED);
        Grads grads = new Grads(null, null, null, null, null, Tensor.zeros(16), null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.backward(Backend.ref(), in, Tensor.zeros(1, 7, 16), grads));
        assertEquals("selectiveScan: dD is [16], expected null because its input is absent (null)", e.getMessage());
    }

    private static void assertRejected(Inputs in, String messageStart) {
        for (Backend b : new Backend[]{Backend.ref(), CPU}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SelectiveScan.forward(b, in, Tensor.zeros(in.u().shape()), null));
            assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
            IllegalArgumentException eb = assertThrows(IllegalArgumentException.class,
                    () -> SelectiveScan.backward(b, in, Tensor.zeros(in.u().shape()), Grads.like(in)));
            assertTrue(eb.getMessage().startsWith(messageStart), eb.getMessage());
        }
    }
}
