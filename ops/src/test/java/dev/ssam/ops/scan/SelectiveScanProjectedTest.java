package dev.ssam.ops.scan;

import dev.ssam.ops.BackendUnderTest;
import dev.ssam.ops.OpFixtures;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GuardedTensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SelectiveScan#forwardProjected} on every backend against its definition (column copies,
 * Matmul, scan) on Ref: awkward sizes, every option, the tiny model's shape; the GPU kernel's split
 * and ahead variants; argument checks. GPU cases skip without a device (OpenCL fails under CI=true).
 */
class SelectiveScanProjectedTest {
    /** batch, len, E, N, R, options (bit 0: z, 1: D, 2: deltaBias, 3: softplus). */
    private static final List<int[]> CASES = List.of(
            new int[] {1, 1, 1, 1, 1, 15}, new int[] {2, 7, 17, 5, 3, 0}, new int[] {1, 33, 65, 24, 12, 15},
            new int[] {2, 17, 7, 8, 1, 9}, new int[] {1, 129, 33, 3, 7, 6}, new int[] {1, 251, 576, 24, 12, 15});

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.againstRef();
    }

    static Stream<BackendUnderTest> gpus() {
        return Stream.of(BackendUnderTest.OPENCL, BackendUnderTest.CUDA);
    }

    /** One case's inputs: u, xdbl, dtW, A, D, z, deltaBias (D, z, deltaBias null when the option is off). */
    private record Case(int[] dims, Tensor u, Tensor xdbl, Tensor dtW, Tensor a, Tensor d, Tensor z, Tensor bias,
                        boolean softplus) {
        static Case random(int[] c, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int b = c[0];
            int l = c[1];
            int e = c[2];
            int n = c[3];
            int rank = c[4];
            int opts = c[5];
            boolean softplus = (opts & 8) != 0;
            Tensor a = OpFixtures.uniform(r, -2.0, -0.05, e, n);
            Tensor xdbl = OpFixtures.uniform(r, -1, 1, b, l, rank + 2 * n);
            if (!softplus) {
                // without the softplus the step must stay positive for a stable scan: dt_raw, dtW, bias >= 0
                float[] x = xdbl.data();
                for (int row = 0; row < b * l; row++) {
                    for (int j = 0; j < rank; j++) {
                        x[row * (rank + 2 * n) + j] = Math.abs(x[row * (rank + 2 * n) + j]);
                    }
                }
            }
            double wLo = softplus ? -0.5 : 0.0;
            double biasLo = softplus ? -3.0 : 0.0;
            double biasHi = softplus ? 0.0 : 0.3;
            return new Case(c, OpFixtures.uniform(r, -1, 1, b, l, e), xdbl, OpFixtures.uniform(r, wLo, 0.5, e, rank), a,
                    (opts & 2) != 0 ? OpFixtures.uniform(r, -1, 1, e) : null,
                    (opts & 1) != 0 ? OpFixtures.uniform(r, -2, 2, b, l, e) : null,
                    (opts & 4) != 0 ? OpFixtures.uniform(r, biasLo, biasHi, e) : null, softplus);
        }

        Tensor expected() {
            Tensor out = Tensor.zeros(dims[0], dims[1], dims[2]);
            SelectiveScan.Dims d = ScanProjection.check(u, xdbl, dtW, a, this.d, z, bias, out);
            ScanProjection.composed(Backend.ref(), d, dims[4], u, xdbl, dtW, a, this.d, z, bias, softplus, out);
            return out;
        }

        @Override
        public String toString() {
            return "B=" + dims[0] + " L=" + dims[1] + " E=" + dims[2] + " N=" + dims[3] + " R=" + dims[4]
                    + " opts=" + dims[5];
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void matchesItsDefinitionOnRef(BackendUnderTest b) {
        int seed = 0;
        for (int[] c : CASES) {
            Case k = Case.random(c, 77 + seed++);
            Tensor[] before = {k.u.copy(), k.xdbl.copy(), k.dtW.copy()};
            Tensor expected = k.expected();
            GuardedTensor out = GuardedTensor.zeros(c[0], c[1], c[2]);
            out.tensor().fill(7.5f);
            SelectiveScan.forwardProjected(b.backend(), k.u, k.xdbl, k.dtW, k.a, k.d, k.z, k.bias, k.softplus,
                    out.tensor());
            TensorCompare.assertClose(b + " " + k, expected, out.tensor(), b.vsRefReduction());
            out.assertGuardsIntact(b + " " + k + " out");
            TensorCompare.assertBitwiseEqual(k + " u unchanged", before[0], k.u);
            TensorCompare.assertBitwiseEqual(k + " xdbl unchanged", before[1], k.xdbl);
            TensorCompare.assertBitwiseEqual(k + " dtW unchanged", before[2], k.dtW);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gpus")
    void gpuSplitAndAheadVariantsMatchTheDefinition(BackendUnderTest b) {
        Backend.Gpu gpu = (Backend.Gpu) b.backend();
        int[][] variants = {{1, 8}, {2, 1}, {4, 8}, {8, 3}};
        int ran = 0;
        for (int[] c : CASES) {
            for (int[] v : variants) {
                if (c[3] % v[0] != 0) {
                    continue;
                }
                Case k = Case.random(c, 1000 + 10L * v[0] + v[1]);
                Tensor[] before = {k.u.copy(), k.xdbl.copy(), k.dtW.copy()};
                Tensor expected = k.expected();
                GuardedTensor out = GuardedTensor.zeros(c[0], c[1], c[2]);
                out.tensor().fill(7.5f);
                SelectiveScan.Dims d = ScanProjection.check(k.u, k.xdbl, k.dtW, k.a, k.d, k.z, k.bias, out.tensor());
                ScanGpu.forwardProjected(gpu, d, c[4], k.u, k.xdbl, k.dtW, k.a, k.d, k.z, k.bias, k.softplus,
                        out.tensor(), v[0], v[1]);
                String name = k + " split " + v[0] + " ahead " + v[1];
                TensorCompare.assertClose(name, expected, out.tensor(), b.vsRefReduction());
                out.assertGuardsIntact(name + " out");
                TensorCompare.assertBitwiseEqual(name + " u unchanged", before[0], k.u);
                TensorCompare.assertBitwiseEqual(name + " xdbl unchanged", before[1], k.xdbl);
                TensorCompare.assertBitwiseEqual(name + " dtW unchanged", before[2], k.dtW);
                ran++;
            }
        }
        assertTrue(ran >= 8, "variant cases run: " + ran);
    }

    @Test
    void fusedOnlyOnGpusAndForSmallDtRanks() {
        SelectiveScan.Dims d = new SelectiveScan.Dims(1, 251, 576, 24);
        assertFalse(SelectiveScan.fusesProjection(Backend.ref(), d, 12));
        assertFalse(SelectiveScan.fusesProjection(BackendUnderTest.CPU.backend(), d, 12));
        assertTrue(ScanGpu.canFuse(d, 12, "gpu"), "the tiny model's sizes fuse");
        assertFalse(ScanGpu.canFuse(d, ScanGpu.MAX_DT_RANK + 1, "gpu"), "dt rank past the limit");
        assertFalse(ScanGpu.canFuse(new SelectiveScan.Dims(1, 251, 576, 40), 12, "gpu"), "dState past the limit");
        assertTrue(ScanGpu.forwardLocalBytes(24, 1, 12) <= ScanGpu.MAX_LOCAL_BYTES);
    }

    /** The largest state and dt rank with the widest split need more work-group memory than a kernel may declare. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gpus")
    void aSplitTooWideForWorkGroupMemoryIsAClearError(BackendUnderTest b) {
        Backend.Gpu gpu = (Backend.Gpu) b.backend();
        Case k = Case.random(new int[] {1, 3, 5, 32, 64, 15}, 9);
        Tensor out = Tensor.zeros(1, 3, 5);
        SelectiveScan.Dims d = ScanProjection.check(k.u, k.xdbl, k.dtW, k.a, k.d, k.z, k.bias, out);
        assertTrue(ScanGpu.forwardLocalBytes(32, 8, 64) > ScanGpu.MAX_LOCAL_BYTES);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScanGpu.forwardProjected(gpu,
                d, 64, k.u, k.xdbl, k.dtW, k.a, k.d, k.z, k.bias, k.softplus, out, 8, 1));
        assertTrue(e.getMessage().contains("bytes of work-group memory, more than 49152"), e.getMessage());
    }

    @Test
    void rejectsMismatchedShapesNamingTheArgument() {
        Case k = Case.random(new int[] {2, 7, 17, 5, 3, 15}, 5);
        Tensor out = Tensor.zeros(2, 7, 17);
        Tensor narrow = Tensor.zeros(2, 7, 12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SelectiveScan.forwardProjected(
                Backend.ref(), k.u, narrow, k.dtW, k.a, k.d, k.z, k.bias, true, out));
        assertTrue(e.getMessage().contains("selectiveScan.forwardProjected: xdbl is [2, 7, 12]")
                && e.getMessage().contains("dtRank+2*dState=13"), e.getMessage());
        Tensor wrongW = Tensor.zeros(16, 3);
        e = assertThrows(IllegalArgumentException.class, () -> SelectiveScan.forwardProjected(Backend.ref(), k.u,
                k.xdbl, wrongW, k.a, k.d, k.z, k.bias, true, out));
        assertTrue(e.getMessage().contains("dtW is [16, 3]"), e.getMessage());
        Tensor aliased = k.u;
        e = assertThrows(IllegalArgumentException.class, () -> SelectiveScan.forwardProjected(Backend.ref(), k.u,
                k.xdbl, k.dtW, k.a, k.d, k.z, k.bias, true, aliased));
        assertTrue(e.getMessage().contains("out overlaps u"), e.getMessage());
    }
}
