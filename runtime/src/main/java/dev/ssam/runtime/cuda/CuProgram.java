package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.KernelSource;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link KernelSource} compiled by NVRTC for one device and set of defines, loaded as a CUDA
 * module, with its kernels ({@code CUfunction}) looked up once by name. Owned by a
 * {@link CuContext}'s cache; used with the context's lock held.
 */
public final class CuProgram implements GpuProgram {
    /** A kernel and the largest block it can be launched with. */
    record Kernel(MemorySegment function, String name, int maxThreads) {
    }

    private final MemorySegment module;
    private final KernelSource source;
    private final String label;
    private final Map<String, Kernel> kernels = new HashMap<>();

    CuProgram(MemorySegment module, KernelSource source, String label) {
        this.module = module;
        this.source = source;
        this.label = label;
    }

    @Override
    public KernelSource source() {
        return source;
    }

    Kernel kernel(CuDriver driver, String name, String op) {
        Kernel k = kernels.get(name);
        if (k == null) {
            MemorySegment f = driver.function(module, name, op);
            k = new Kernel(f, name, driver.maxThreadsPerBlock(f, name, op));
            kernels.put(name, k);
        }
        return k;
    }

    @Override
    public String toString() {
        return label;
    }
}
