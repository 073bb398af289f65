package dev.ssam.model;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * The normalised reconstruction target (MAE's norm_pix_loss) as a LayerNorm on the backend:
 * per patch {@code (v - mean) / sqrt(var + 1e-6)} with the unbiased variance, against a
 * double-precision oracle written from that formula, on patches like normalised log-mels (offsets
 * up to 3, spreads from 0.05 to 2); constant patches come out as 0 up to the rounding of
 * {@code v rstd} (the float row statistics of LayerNorm, like the official float32 code's).
 */
class NormalizedPatchTest {
    private static final SsamConfig CONFIG = SsamConfig.micro();
    private static final int Q = CONFIG.patchDim();
    private static final int CONSTANT_ROWS = 2;

    /** (B, P, Q) patches: row r has offset 3 sin(r) and spread 0.05 to 2; the last rows are constant. */
    private static Tensor patches(int b, int p) {
        SplittableRandom rnd = new SplittableRandom(5);
        Tensor x = Tensor.zeros(b, p, Q);
        float[] d = x.data();
        int rows = b * p;
        for (int r = 0; r < rows; r++) {
            double offset = 3 * Math.sin(r);
            double spread = r >= rows - CONSTANT_ROWS ? 0 : 0.05 * Math.pow(40, (r % 6) / 5.0);
            for (int j = 0; j < Q; j++) {
                d[r * Q + j] = (float) (offset + spread * rnd.nextGaussian());
            }
        }
        return x;
    }

    /** The formula in double: mean, unbiased variance, (v - mean) / sqrt(var + 1e-6). */
    private static Tensor oracle(Tensor x) {
        Tensor out = Tensor.zeros(x.shape());
        float[] v = x.toArray();
        float[] o = out.data();
        for (int r = 0; r < v.length / Q; r++) {
            double s = 0;
            for (int j = 0; j < Q; j++) {
                s += v[r * Q + j];
            }
            double mean = s / Q;
            double ss = 0;
            for (int j = 0; j < Q; j++) {
                ss += (v[r * Q + j] - mean) * (v[r * Q + j] - mean);
            }
            double inv = 1.0 / Math.sqrt(ss / (Q - 1) + Pretraining.NORM_PIX_EPS);
            for (int j = 0; j < Q; j++) {
                o[r * Q + j] = (float) ((v[r * Q + j] - mean) * inv);
            }
        }
        return out;
    }

    /** Through the workspace's gamma and beta, as the training step runs it. */
    private static void check(Backend backend, Tolerance tol) {
        Pretraining.Workspace ws = Pretraining.Workspace.allocate(CONFIG, 1, backend);
        Tensor x = patches(3, 7);
        Tensor before = x.copy();
        Tensor out = Tensor.zeros(x.shape());
        Pretraining.normalizePatches(backend, x, ws.patchGamma, ws.patchBeta, out);
        int rows = x.size() / Q;
        int varied = rows - CONSTANT_ROWS;
        TensorCompare.assertClose("normalised patches on " + backend.name(),
                oracle(x).reshape(rows, Q).slice0(0, varied), out.reshape(rows, Q).slice0(0, varied), tol);
        float[] o = out.toArray();
        float[] v = x.toArray();
        double rstd = 1 / Math.sqrt(Pretraining.NORM_PIX_EPS * (Q - 1) / Q);
        for (int i = varied * Q; i < rows * Q; i++) {
            double bound = 4 * Math.ulp((float) (Math.abs(v[i]) * rstd));
            if (!(Math.abs(o[i]) <= bound)) {
                throw new AssertionError("constant patch on " + backend.name() + ": element " + i + " is " + o[i]
                        + ", expected 0 within " + bound);
            }
        }
        TensorCompare.assertBitwiseEqual("patches unchanged", before, x);
    }

    @Test
    void refMatchesTheFormula() {
        check(Backend.ref(), Tolerance.CPU_VS_REF);
    }

    @Test
    void cpuMatchesTheFormula() {
        try (Backend b = Backend.cpu(2)) {
            check(b, Tolerance.CPU_VS_REF);
        }
    }

    @Test
    void openClMatchesTheFormula() {
        check(GoldenAssume.opencl(), Tolerance.GPU_VS_REF);
    }
}
