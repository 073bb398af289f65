package dev.ssam.ops.scan;

import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cpu against Ref on random cases, determinism, NaN handling and argument checks of {@link SelectiveScan}. */
class SelectiveScanTest {
    private static final long SEED = 20240611L;
    private static Backend cpu;
    private static Backend cpu1;

    @BeforeAll
    static void start() {
        cpu = Backend.cpu(2);
        cpu1 = Backend.cpu(1);
    }

    @AfterAll
    static void stop() {
        cpu.close();
        cpu1.close();
    }

    static List<ScanCase> cases() {
        return ScanCase.parityCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardCpuMatchesRef(ScanCase c) {
        Inputs in = c.inputs(SEED + c.hashCode());
        Tensor[] before = ScanCase.snapshot(in);
        Tensor expected = Tensor.zeros(c.batch(), c.len(), c.dInner());
        Tensor expectedState = c.lastState() ? Tensor.zeros(c.batch(), c.dInner(), c.dState()) : null;
        SelectiveScan.forward(Backend.ref(), in, expected, expectedState);

        GuardedTensor out = GuardedTensor.zeros(c.batch(), c.len(), c.dInner());
        out.tensor().fill(7.5f);
        GuardedTensor state = GuardedTensor.zeros(c.batch(), c.dInner(), c.dState());
        state.tensor().fill(7.5f);
        SelectiveScan.forward(cpu, in, out.tensor(), c.lastState() ? state.tensor() : null);

        TensorCompare.assertClose(c + " out", expected, out.tensor(), Tolerance.CPU_VS_REF_REDUCTION);
        if (c.lastState()) {
            TensorCompare.assertClose(c + " lastState", expectedState, state.tensor(), Tolerance.CPU_VS_REF_REDUCTION);
        }
        out.assertGuardsIntact("out");
        state.assertGuardsIntact("lastState");
        ScanCase.assertUnchanged(before, in);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardCpuMatchesRef(ScanCase c) {
        Inputs in = c.inputs(SEED + c.hashCode());
        Tensor gout = c.gout(SEED - c.hashCode());
        Tensor[] before = ScanCase.snapshot(in);
        Grads expected = Grads.like(in);
        SelectiveScan.backward(Backend.ref(), in, gout, expected);

        ScanCase.GuardedGrads actual = ScanCase.guardedGrads(in);
        SelectiveScan.backward(cpu, in, gout, actual.grads());

        Tensor[] e = new ScanCase.GuardedGrads(expected, new GuardedTensor[0]).tensors();
        Tensor[] a = actual.tensors();
        for (int k = 0; k < a.length; k++) {
            if (e[k] != null) {
                TensorCompare.assertClose(c + " " + ScanCase.GuardedGrads.NAMES[k], e[k], a[k],
                        Tolerance.CPU_VS_REF_REDUCTION);
            }
        }
        actual.assertGuardsIntact();
        ScanCase.assertUnchanged(before, in);
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
                Backend[] backends = {cpu1, cpu};
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
    void cpuHandlesCompactTensorsEndingInAPartialBlock() {
        // no guard regions: the last block's masked loads and stores run past the end of each array
        ScanCase c = ScanCase.full(2, 9, 7, 5);
        Inputs g = c.inputs(SEED);
        Inputs in = new Inputs(g.u().copy(), g.delta().copy(), g.A().copy(), g.B().copy(), g.C().copy(), g.D().copy(),
                g.z().copy(), g.deltaBias().copy(), true);
        Tensor gout = c.gout(SEED).copy();
        Tensor expected = Tensor.zeros(2, 9, 7);
        Tensor actual = Tensor.zeros(2, 9, 7);
        SelectiveScan.forward(Backend.ref(), in, expected, null);
        SelectiveScan.forward(cpu, in, actual, Tensor.zeros(2, 7, 5));
        TensorCompare.assertClose("compact out", expected, actual, Tolerance.CPU_VS_REF_REDUCTION);
        Grads ge = Grads.like(in);
        Grads ga = Grads.like(in);
        SelectiveScan.backward(Backend.ref(), in, gout, ge);
        SelectiveScan.backward(cpu, in, gout, ga);
        TensorCompare.assertClose("compact du", ge.du(), ga.du(), Tolerance.CPU_VS_REF_REDUCTION);
        TensorCompare.assertClose("compact dDelta", ge.dDelta(), ga.dDelta(), Tolerance.CPU_VS_REF_REDUCTION);
        TensorCompare.assertClose("compact dz", ge.dz(), ga.dz(), Tolerance.CPU_VS_REF_REDUCTION);
        TensorCompare.assertClose("compact dB", ge.dB(), ga.dB(), Tolerance.CPU_VS_REF_REDUCTION);
    }

    @Test
    void forwardPropagatesNaNInUToItsChannelOnly() {
        ScanCase c = ScanCase.full(2, 7, 17, 8);
        Inputs in = c.inputs(SEED);
        in.u().set(Float.NaN, 1, 3, 5);
        for (Backend b : new Backend[]{Backend.ref(), cpu}) {
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
                () -> SelectiveScan.forward(cpu, in, in.z(), null));
        assertEquals("selectiveScan: out overlaps z; in-place use is not supported", e.getMessage());
    }

    @Test
    void rejectsWrongOutputShapes() {
        Inputs in = ScanCase.full(2, 64, 16, 8).inputs(SEED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.forward(cpu, in, Tensor.zeros(2, 64, 16), Tensor.zeros(2, 8, 16)));
        assertEquals("selectiveScan: lastState is [2, 8, 16], expected [batch=2, dInner=16, dState=8]", e.getMessage());
        Grads wrong = new Grads(null, null, Tensor.zeros(16, 9), null, null, null, null, null);
        e = assertThrows(IllegalArgumentException.class,
                () -> SelectiveScan.backward(cpu, in, Tensor.zeros(2, 64, 16), wrong));
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
        for (Backend b : new Backend[]{Backend.ref(), cpu}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SelectiveScan.forward(b, in, Tensor.zeros(in.u().shape()), null));
            assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
            IllegalArgumentException eb = assertThrows(IllegalArgumentException.class,
                    () -> SelectiveScan.backward(b, in, Tensor.zeros(in.u().shape()), Grads.like(in)));
            assertTrue(eb.getMessage().startsWith(messageStart), eb.getMessage());
        }
    }
}
