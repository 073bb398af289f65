package dev.ssam.ops.scan;

import dev.ssam.ops.scan.SelectiveScan.Dims;
import dev.ssam.ops.scan.SelectiveScan.Grads;
import dev.ssam.ops.scan.SelectiveScan.Inputs;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GradCheck;
import dev.ssam.runtime.check.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/**
 * Central-difference checks of every gradient of the reference backward, at tiny shapes. The loss
 * sum(y * gout) is evaluated in double ({@link ScanRef#lossInDouble}), so with h = 1e-3 the
 * difference quotient is limited by its O(h^2) truncation error, not by rounding.
 */
class ScanRefTest {
    private static final double H = 1e-3;

    static List<ScanCase> cases() {
        return List.of(ScanCase.full(2, 5, 3, 2),
                new ScanCase(1, 6, 2, 3, false, false, false, false, false),
                new ScanCase(2, 4, 3, 2, true, false, true, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyGradientMatchesCentralDifferences(ScanCase c) {
        Inputs in = c.inputs(7L + c.hashCode());
        Tensor gout = c.gout(11L);
        Grads grads = Grads.like(in);
        SelectiveScan.backward(Backend.ref(), in, gout, grads);
        Dims dims = SelectiveScan.checkBackward(in, gout, grads);
        GradCheck.Loss loss = () -> ScanRef.lossInDouble(dims, in, gout);
        check("du", in.u(), grads.du(), loss);
        check("dDelta", in.delta(), grads.dDelta(), loss);
        check("dA", in.A(), grads.dA(), loss);
        check("dB", in.B(), grads.dB(), loss);
        check("dC", in.C(), grads.dC(), loss);
        check("dD", in.D(), grads.dD(), loss);
        check("dz", in.z(), grads.dz(), loss);
        check("dDeltaBias", in.deltaBias(), grads.dDeltaBias(), loss);
    }

    private static void check(String name, Tensor input, Tensor analytic, GradCheck.Loss loss) {
        if (input != null) {
            GradCheck.assertGradient(name, input, analytic, H, Tolerance.GRADCHECK, loss);
        }
    }
}
