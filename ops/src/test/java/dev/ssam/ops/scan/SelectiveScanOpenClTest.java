package dev.ssam.ops.scan;

import dev.ssam.ops.OpenClFixture;
import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenCL {@link SelectiveScan} against Ref on the random parity cases (awkward sizes, every
 * option combination, the real model shape), plus run-to-run determinism, NaN propagation and
 * the state-size limit. Skips without an OpenCL device (fails under CI=true).
 */
class SelectiveScanOpenClTest {
    private static final long SEED = 20240611L;
    private Backend gpu;

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    static List<ScanCase> cases() {
        return ScanCase.parityCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesRef(ScanCase c) {
        Inputs in = c.inputs(SEED + c.hashCode());
        Tensor[] before = ScanCase.snapshot(in);
        Tensor expected = Tensor.zeros(c.batch(), c.len(), c.dInner());
        Tensor expectedState = c.lastState() ? Tensor.zeros(c.batch(), c.dInner(), c.dState()) : null;
        SelectiveScan.forward(Backend.ref(), in, expected, expectedState);

        GuardedTensor out = GuardedTensor.zeros(c.batch(), c.len(), c.dInner());
        out.tensor().fill(7.5f);
        GuardedTensor state = GuardedTensor.zeros(c.batch(), c.dInner(), c.dState());
        state.tensor().fill(7.5f);
        SelectiveScan.forward(gpu, in, out.tensor(), c.lastState() ? state.tensor() : null);

        TensorCompare.assertClose(c + " out", expected, out.tensor(), Tolerance.GPU_VS_REF);
        if (c.lastState()) {
            TensorCompare.assertClose(c + " lastState", expectedState, state.tensor(), Tolerance.GPU_VS_REF);
        }
        out.assertGuardsIntact("out");
        state.assertGuardsIntact("lastState");
        ScanCase.assertUnchanged(before, in);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesRef(ScanCase c) {
        Inputs in = c.inputs(SEED + c.hashCode());
        Tensor gout = c.gout(SEED - c.hashCode());
        Tensor[] before = ScanCase.snapshot(in);
        Grads expected = Grads.like(in);
        SelectiveScan.backward(Backend.ref(), in, gout, expected);

        ScanCase.GuardedGrads actual = ScanCase.guardedGrads(in);
        SelectiveScan.backward(gpu, in, gout, actual.grads());

        Tensor[] e = new ScanCase.GuardedGrads(expected, new GuardedTensor[0]).tensors();
        Tensor[] a = actual.tensors();
        for (int k = 0; k < a.length; k++) {
            if (e[k] != null) {
                TensorCompare.assertClose(c + " " + ScanCase.GuardedGrads.NAMES[k], e[k], a[k], Tolerance.GPU_VS_REF);
            }
        }
        actual.assertGuardsIntact();
        ScanCase.assertUnchanged(before, in);
    }

    @Test
    void backwardWritesOnlyTheRequestedGradients() {
        ScanCase c = ScanCase.full(2, 33, 17, 8);
        Inputs in = c.inputs(SEED);
        Tensor gout = c.gout(SEED + 1);
        Grads all = Grads.like(in);
        SelectiveScan.backward(Backend.ref(), in, gout, all);
        Tensor dB = Tensor.zeros(in.B().shape());
        Tensor dD = Tensor.zeros(in.D().shape());
        SelectiveScan.backward(gpu, in, gout, new Grads(null, null, null, dB, null, dD, null, null));
        TensorCompare.assertClose("dB alone", all.dB(), dB, Tolerance.GPU_VS_REF);
        TensorCompare.assertClose("dD alone", all.dD(), dD, Tolerance.GPU_VS_REF);
    }

    @Test
    void resultsAreBitwiseIdenticalAcrossRuns() {
        ScanCase c = ScanCase.full(2, 251, 129, 24);
        Inputs in = c.inputs(SEED);
        Tensor gout = c.gout(SEED + 1);
        Tensor[] out = new Tensor[2];
        Grads[] grads = new Grads[2];
        for (int k = 0; k < 2; k++) {
            out[k] = Tensor.zeros(c.batch(), c.len(), c.dInner());
            grads[k] = Grads.like(in);
            SelectiveScan.forward(gpu, in, out[k], null);
            SelectiveScan.backward(gpu, in, gout, grads[k]);
        }
        TensorCompare.assertBitwiseEqual("out", out[0], out[1]);
        Tensor[] g0 = new ScanCase.GuardedGrads(grads[0], new GuardedTensor[0]).tensors();
        Tensor[] g1 = new ScanCase.GuardedGrads(grads[1], new GuardedTensor[0]).tensors();
        for (int k = 0; k < g0.length; k++) {
            TensorCompare.assertBitwiseEqual(ScanCase.GuardedGrads.NAMES[k], g0[k], g1[k]);
        }
    }

    @Test
    void forwardPropagatesNaNInUToItsChannelOnly() {
        ScanCase c = ScanCase.full(2, 7, 17, 8);
        Inputs in = c.inputs(SEED);
        in.u().set(Float.NaN, 1, 3, 5);
        Tensor out = Tensor.zeros(c.batch(), c.len(), c.dInner());
        SelectiveScan.forward(gpu, in, out, null);
        for (int t = 0; t < c.len(); t++) {
            for (int e = 0; e < c.dInner(); e++) {
                boolean poisoned = e == 5 && t >= 3;
                assertEquals(poisoned, Float.isNaN(out.get(1, t, e)), "out[1, " + t + ", " + e + "]");
                assertTrue(Float.isFinite(out.get(0, t, e)), "out[0, " + t + ", " + e + "]");
            }
        }
    }

    @Test
    void rejectsStateLargerThanThePrivateMemoryLimit() {
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
}
