package dev.ssam.tasks.bench;

import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.DeviceChecks;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GpuProfiling} on the OpenCL device (PoCL in CI): one step of two device ops and a host
 * read gives a gpu_step line with its launches and transfers, then per-op lines, most time first.
 */
class GpuProfilingTest {
    private static Backend.Gpu opencl() {
        DeviceChecks.openClSkipReason().ifPresent(why -> {
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
        });
        return (Backend.Gpu) Backend.opencl();
    }

    @Test
    void profilesAStepOfTwoOpsAndAHostRead() {
        Backend.Gpu gpu = opencl();
        Tensor x = Tensor.zeros(1000);
        x.fill(1.5f);
        Tensor y = Tensor.zeros(1000);
        Tensor z = Tensor.zeros(1000);
        Runnable step = () -> {
            Elementwise.add(gpu, x, x, y);
            Elementwise.mul(gpu, y, x, z);
            assertEquals(4.5f, z.get(999));          // a host read: one download
        };
        step.run();
        List<BenchResult> lines = GpuProfiling.profile(gpu, "test step", step, 2, 50);
        BenchResult first = lines.getFirst();
        assertEquals("gpu_step", first.name());
        assertEquals(2L, first.fields().get("launches"));
        assertEquals(1L, first.fields().get("downloads"));
        assertEquals(0L, first.fields().get("uploads"), "x and y stay on the device between steps");
        List<String> ops = lines.stream().skip(1).map(r -> r.fields().get("op") + "/" + r.fields().get("what")).toList();
        assertTrue(ops.contains("add/ew_binary"), ops.toString());
        assertTrue(ops.contains("mul/ew_binary"), ops.toString());
        assertTrue(ops.contains("add/(session)"), ops.toString());
        for (int i = 2; i < lines.size(); i++) {
            assertTrue((double) lines.get(i - 1).fields().get("ms_per_step") >= (double) lines.get(i).fields().get("ms_per_step"),
                    "most time first");
        }
        assertEquals(1.0, lines.stream().skip(1).filter(r -> r.fields().get("what").equals("ew_binary")
                && r.fields().get("op").equals("add")).findFirst().orElseThrow().fields().get("calls_per_step"));
        assertThrows(IllegalArgumentException.class, () -> GpuProfiling.profile(gpu, "none", step, 0, 10));
    }
}
