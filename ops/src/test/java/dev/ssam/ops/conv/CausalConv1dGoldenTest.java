package dev.ssam.ops.conv;

import dev.ssam.ops.BackendUnderTest;
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
 * {@link CausalConv1d} with fused SiLU against the official golden tensors {@code conv.*}
 * (B = 2, E = 16, L = 64, K = 4; {@code nn.Conv1d(groups=E, padding=3)[..., :L]} then SiLU, and
 * the autograd gradients of {@code sum(out * gout)}). The golden layout is (B, E, L); the op is
 * token-major, so tensors are transposed in and out. Runs on Ref, Cpu and OpenCL (OpenCL skips without
 * a device, fails under CI=true).
 */
class CausalConv1dGoldenTest {
    private static Safetensors golden;

    @BeforeAll
    static void open() throws IOException {
        golden = Safetensors.open(GoldenFiles.resource(CausalConv1dGoldenTest.class, "ops.safetensors"));
    }

    @AfterAll
    static void close() {
        golden.close();
    }

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.all();
    }

    /** (B, X, Y) to (B, Y, X). */
    static Tensor swapLast(Tensor t) {
        Tensor out = Tensor.zeros(t.dim(0), t.dim(2), t.dim(1));
        for (int i = 0; i < t.dim(0); i++) {
            for (int j = 0; j < t.dim(1); j++) {
                for (int k = 0; k < t.dim(2); k++) {
                    out.set(t.get(i, j, k), i, k, j);
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void forwardAndBackwardMatchGolden(BackendUnderTest under) {
        Backend b = under.backend();
        Tensor x = swapLast(golden.tensor("conv.x")); // (B, L, E)
        Tensor w = golden.tensor("conv.weight").reshape(16, 4); // (E, K)
        Tensor bias = golden.tensor("conv.bias");
        Tensor gout = swapLast(golden.tensor("conv.gout"));
        Tensor out = Tensor.zeros(x.shape());
        Tensor gx = Tensor.zeros(x.shape());
        Tensor gw = Tensor.zeros(16, 4);
        Tensor gb = Tensor.zeros(16);
        CausalConv1d.forward(b, x, w, bias, true, out);
        CausalConv1d.backward(b, x, w, bias, true, gout, gx, gw, gb);
        TensorCompare.assertClose(b + " conv.out", golden.tensor("conv.out"), swapLast(out), Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " conv.grad.x", golden.tensor("conv.grad.x"), swapLast(gx),
                Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " conv.grad.weight", golden.tensor("conv.grad.weight").reshape(16, 4), gw,
                Tolerance.OP_VS_GOLDEN);
        TensorCompare.assertClose(b + " conv.grad.bias", golden.tensor("conv.grad.bias"), gb, Tolerance.OP_VS_GOLDEN);
    }
}
