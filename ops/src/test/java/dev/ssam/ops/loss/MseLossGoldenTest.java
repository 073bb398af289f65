package dev.ssam.ops.loss;

import dev.ssam.ops.OpFixtures;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.runtime.check.TensorCompare;
import dev.ssam.runtime.check.Tolerance;
import dev.ssam.runtime.io.Safetensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link MseLoss} against the official objective's values in {@code micro_golden.safetensors}
 * (shared golden folder): {@code loss_all} and {@code loss_masked} from {@code pred},
 * {@code target} (2, 250, 64) and {@code mask} (2, 250).
 */
class MseLossGoldenTest {

    @Test
    void bothObjectivesMatchGolden() throws IOException {
        Optional<Path> file = GoldenFiles.file("micro_golden.safetensors");
        if (file.isEmpty()) {
            if (GoldenFiles.inCi()) {
                fail("micro_golden.safetensors not found above " + Path.of("").toAbsolutePath());
            }
            Assumptions.abort("micro_golden.safetensors not found: shared/golden is not beside this checkout");
        }
        try (Safetensors g = Safetensors.open(file.get()); Backend cpu = Backend.cpu(2)) {
            for (Backend b : new Backend[] {Backend.ref(), cpu}) {
                TensorCompare.assertClose(b + " loss_all", g.tensor("loss_all"),
                        OpFixtures.scalar(MseLoss.all(b, g.tensor("pred"), g.tensor("target"))),
                        Tolerance.OP_VS_GOLDEN);
                TensorCompare.assertClose(b + " loss_masked", g.tensor("loss_masked"),
                        OpFixtures.scalar(MseLoss.masked(b, g.tensor("pred"), g.tensor("target"), g.tensor("mask"))),
                        Tolerance.OP_VS_GOLDEN);
            }
        }
    }
}
