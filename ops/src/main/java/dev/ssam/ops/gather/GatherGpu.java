package dev.ssam.ops.gather;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link Gather} on a GPU device ({@code kernels/gather.cl}): one work-item per output element;
 * gcls and gmtok with Kahan-compensated float sums in two passes (per column and clip, then the
 * clips in order, so the order is {@link GatherRef}'s: b, then k). Tensors stay resident on the device.
 */
final class GatherGpu {
    private static final KernelSource SRC = KernelSource.load(GatherGpu.class, "gather.cl");
    private static final int GROUP = 256;
    private static final int GROUP_COLUMNS = 64;

    private GatherGpu() {
    }

    static void patchify(GpuContext gpu, Gather.PatchDims d, Tensor x, Tensor out) {
        int total = out.size();
        try (GpuSession s = gpu.session(Gather.PATCHIFY)) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "gather_patchify", total, GROUP, s.in(x), s.out(out), total, d.frames(), d.bins(),
                    d.gridBins(), d.patches(), d.pf(), d.pb());
        }
    }

    static void tokensToFrames(GpuContext gpu, Gather.FrameDims d, Tensor tokens, Tensor frames) {
        int total = frames.size();
        try (GpuSession s = gpu.session(Gather.FRAMES)) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "gather_frames", total, GROUP, s.in(tokens), s.out(frames), total, d.rows(), d.skip(),
                    d.gridFrames(), d.gridBins(), d.dModel());
        }
    }

    static void tokens(GpuContext gpu, Gather.TokenDims d, Tensor tok, Tensor pos, Tensor cls, Tensor mtok,
                       Tensor mask, Tensor seq) {
        try (GpuSession s = gpu.session(Gather.TOKENS)) {
            GpuProgram p = s.program(SRC, null);
            s.launch1d(p, "gather_tokens", seq.size(), GROUP, s.in(tok), s.in(pos), s.in(cls), s.in(mtok), s.in(mask),
                    s.out(seq), d.batch(), d.patches(), d.dModel());
        }
    }

    static void tokensBackward(GpuContext gpu, Gather.TokenDims d, Tensor gseq, Tensor mask, Tensor gtok, Tensor gcls,
                               Tensor gmtok) {
        try (GpuSession s = gpu.session(Gather.TOKENS_BACKWARD)) {
            GpuProgram p = s.program(SRC, null);
            GpuBuffer gs = s.in(gseq);
            GpuBuffer mk = s.in(mask);
            s.launch1d(p, "scatter_tokens", gtok.size(), GROUP, gs, mk, s.out(gtok), d.batch(), d.patches(),
                    d.dModel());
            GpuBuffer part = s.alloc((long) d.batch() * d.dModel());
            s.launch2d(p, "scatter_token_sums_partial", d.dModel(), d.batch(), GROUP_COLUMNS, 1, gs, mk, part,
                    d.batch(), d.patches(), d.dModel());
            s.launch1d(p, "scatter_token_sums", d.dModel(), GROUP_COLUMNS, gs, part, s.out(gcls), s.out(gmtok),
                    d.batch(), d.patches(), d.dModel());
        }
    }
}
