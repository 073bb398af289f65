package dev.ssam.ops.scan;

import dev.ssam.ops.OpenClFixture;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.ssam.ops.scan.SelectiveScanGoldenTest.tokenMajor;

/**
 * The OpenCL {@link SelectiveScan} against the official golden tensors {@code scan.*} and
 * {@code scan2.*} (see {@link SelectiveScanGoldenTest} for what they hold). Skips without an
 * OpenCL device (fails under CI=true).
 */
class SelectiveScanOpenClGoldenTest {
    private static Safetensors golden;
    private Backend gpu;

    @BeforeAll
    static void open() throws IOException {
        golden = Safetensors.open(GoldenFiles.resource(SelectiveScanOpenClGoldenTest.class, "ops.safetensors"));
    }

    @BeforeEach
    void device() {
        gpu = OpenClFixture.backend();
    }

    @AfterAll
    static void close() {
        if (golden != null) {
            golden.close();
        }
    }

    private static Tensor g(String name) {
        return golden.tensor(name);
    }

    private static Inputs scanInputs() {
        return new Inputs(tokenMajor(g("scan.u")), tokenMajor(g("scan.delta")), g("scan.A"), tokenMajor(g("scan.B")),
                tokenMajor(g("scan.C")), g("scan.D"), tokenMajor(g("scan.z")), g("scan.delta_bias"), true);
    }

    @Test
    void forwardMatchesGolden() {
        Tensor expected = tokenMajor(g("scan.out"));
        Tensor out = Tensor.zeros(expected.shape());
        SelectiveScan.forward(gpu, scanInputs(), out, null);
        TensorCompare.assertClose("opencl scan.out", expected, out, Tolerance.OP_VS_GOLDEN);
    }

    @Test
    void backwardMatchesGolden() {
        Inputs in = scanInputs();
        Grads grads = Grads.like(in);
        SelectiveScan.backward(gpu, in, tokenMajor(g("scan.gout")), grads);
        TensorCompare.assertClose("opencl scan.grad.u", tokenMajor(g("scan.grad.u")), grads.du(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose("opencl scan.grad.delta", tokenMajor(g("scan.grad.delta")), grads.dDelta(),
                Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose("opencl scan.grad.A", g("scan.grad.A"), grads.dA(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose("opencl scan.grad.B", tokenMajor(g("scan.grad.B")), grads.dB(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose("opencl scan.grad.C", tokenMajor(g("scan.grad.C")), grads.dC(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose("opencl scan.grad.D", g("scan.grad.D"), grads.dD(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose("opencl scan.grad.z", tokenMajor(g("scan.grad.z")), grads.dz(), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose("opencl scan.grad.delta_bias", g("scan.grad.delta_bias"), grads.dDeltaBias(),
                Tolerance.OP_VS_GOLDEN);
    }

    @Test
    void plainScanAndLastStateMatchGolden() {
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
        SelectiveScan.forward(gpu, in, out, state);
        TensorCompare.assertClose("opencl scan2.out", expected, out, Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose("opencl scan2.last_state", expectedState, state, Tolerance.OP_VS_GOLDEN);
    }
}
