package dev.ssam.runtime.opencl;

import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.KernelSource;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * A program built for one device from a {@link KernelSource} and build options, with its
 * kernel objects created on first use. Owned by its {@link ClContext}'s cache; used only while
 * a {@link ClSession} holds the context (kernel arguments are per-object state).
 */
public final class ClProgram implements GpuProgram {
    final MemorySegment program;
    private final KernelSource source;
    private final String label;
    private final Map<String, Kernel> kernels = new HashMap<>();

    /** A kernel object and the largest work-group it may run with. */
    record Kernel(String name, MemorySegment handle, long maxWorkGroup) {
    }

    ClProgram(MemorySegment program, KernelSource source, String label) {
        this.program = program;
        this.source = source;
        this.label = label;
    }

    @Override
    public KernelSource source() {
        return source;
    }

    Kernel kernel(ClApi api, MemorySegment device, String name, String op) {
        Kernel k = kernels.get(name);
        if (k == null) {
            MemorySegment h = api.createKernel(program, name, op);
            k = new Kernel(name, h, api.kernelWorkGroupSize(h, device, name, op));
            kernels.put(name, k);
        }
        return k;
    }

    void release(ClApi api) {
        for (Kernel k : kernels.values()) {
            api.releaseKernel(k.handle());
        }
        kernels.clear();
        api.releaseProgram(program);
    }

    @Override
    public String toString() {
        return label;
    }
}
