package dev.ssam.ops.scan;

import dev.ssam.ops.BackendUnderTest;
import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.stream.Stream;

/**
 * {@link SelectiveScan} against the official mamba_ssm {@code selective_scan_ref} golden tensors
 * ({@code scan.*}: B = 2, E = 16, L = 64, N = 8, with D, z, delta_bias and softplus;
 * {@code scan2.*}: the same u, A, B, C with delta = |scan.delta| and nothing optional, plus the
 * last state). The golden files are channel-major ({@code (B, E, L)} and {@code (B, N, L)}); the
 * op is token-major, so inputs are transposed in and gradients transposed back. Every test runs on
 * Ref, Cpu and OpenCL (OpenCL skips without a device, fails under CI=true).
 */
class SelectiveScanGoldenTest {
    private static Safetensors golden;

    @BeforeAll
    static void open() throws IOException {
        golden = Safetensors.open(GoldenFiles.resource(SelectiveScanGoldenTest.class, "ops.safetensors"));
    }

    @AfterAll
    static void close() {
        golden.close();
    }

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.all();
    }

    /** (B, X, L) to (B, L, X). */
    static Tensor tokenMajor(Tensor t) {
        int b = t.dim(0);
        int x = t.dim(1);
        int l = t.dim(2);
        Tensor out = Tensor.zeros(b, l, x);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < x; j++) {
                for (int k = 0; k < l; k++) {
                    out.set(t.get(i, j, k), i, k, j);
                }
            }
        }
        return out;
    }

    private static Tensor g(String name) {
        return golden.tensor(name);
    }

    private static Inputs scanInputs() {
        return new Inputs(tokenMajor(g("scan.u")), tokenMajor(g("scan.delta")), g("scan.A"), tokenMajor(g("scan.B")),
                tokenMajor(g("scan.C")), g("scan.D"), tokenMajor(g("scan.z")), g("scan.delta_bias"), true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void forwardMatchesGolden(BackendUnderTest under) {
        Backend b = under.backend();
        Inputs in = scanInputs();
        Tensor expected = tokenMajor(g("scan.out"));
        Tensor out = Tensor.zeros(expected.shape());
        SelectiveScan.forward(b, in, out, null);
        TensorCompare.assertClose(b + " scan.out", expected, out, Tolerance.OP_VS_GOLDEN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void backwardMatchesGolden(BackendUnderTest under) {
        Backend b = under.backend();
        Inputs in = scanInputs();
        Tensor gout = tokenMajor(g("scan.gout"));
        Grads grads = Grads.like(in);
        SelectiveScan.backward(b, in, gout, grads);
        TensorCompare.assertClose(b + " scan.grad.u", tokenMajor(g("scan.grad.u")), grads.du(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " scan.grad.delta", tokenMajor(g("scan.grad.delta")), grads.dDelta(),
                Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " scan.grad.A", g("scan.grad.A"), grads.dA(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " scan.grad.B", tokenMajor(g("scan.grad.B")), grads.dB(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " scan.grad.C", tokenMajor(g("scan.grad.C")), grads.dC(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " scan.grad.D", g("scan.grad.D"), grads.dD(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " scan.grad.z", tokenMajor(g("scan.grad.z")), grads.dz(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " scan.grad.delta_bias", g("scan.grad.delta_bias"), grads.dDeltaBias(),
                Tolerance.OP_VS_GOLDEN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void plainScanAndLastStateMatchGolden(BackendUnderTest under) {
        Backend b = under.backend();
        Tensor delta = tokenMajor(g("scan.delta"));
        for (int k = 0; k < delta.size(); k++) {
            delta.data()[k] = Math.abs(delta.data()[k]);
        }
        Inputs in = new Inputs(tokenMajor(g("scan.u")), delta, g("scan.A"), tokenMajor(g("scan.B")),
                tokenMajor(g("scan.C")), null, null, null, false);
        Tensor expected = tokenMajor(g("scan2.out"));
        Tensor expectedState = g("scan2.last_state");
        Tensor out = Tensor.zeros(expected.shape());
        Tensor state = Tensor.zeros(expectedState.shape());
        SelectiveScan.forward(b, in, out, state);
        TensorCompare.assertClose(b + " scan2.out", expected, out, Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " scan2.last_state", expectedState, state, Tolerance.OP_VS_GOLDEN);
    }
}
