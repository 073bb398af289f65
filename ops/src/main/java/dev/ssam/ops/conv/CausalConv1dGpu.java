package dev.ssam.ops.conv;

import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.gpu.GpuBuffer;
import dev.ssam.runtime.gpu.GpuContext;
import dev.ssam.runtime.gpu.GpuProgram;
import dev.ssam.runtime.gpu.GpuSession;
import dev.ssam.runtime.gpu.KernelSource;

/**
 * {@link CausalConv1d} on a GPU device ({@code kernels/conv.cl}, compiled per K): one work-item per
 * channel and tile of {@value #TILE_TOKENS} consecutive tokens (each input read once, the K taps slid
 * along the tile in registers); backward computes dLoss/dpre once, then gx by tiles the same way
 * and gw, gbias per (channel, tap) in two deterministic passes: sums over blocks of {@value #ROWS_PER_BLOCK} tokens
 * (batch and time flattened), then the blocks added in order (so many work-items share the long
 * sum over B * L tokens). Tensors stay resident on the device.
 */
final class CausalConv1dGpu {
    private static final KernelSource SRC = KernelSource.load(CausalConv1dGpu.class, "conv.cl");
    private static final int GROUP = 256;
    /** Tokens summed by one work-item of the parameter-gradient partial pass. */
    static final int ROWS_PER_BLOCK = 128;
    /** Tokens per work-item of conv_tile and conv_grad_x (compiled in as CONV_TOKENS). */
    static final int TILE_TOKENS = 8;

    private CausalConv1dGpu() {
    }

    static void forward(GpuContext gpu, CausalConv1d.Dims d, Tensor x, Tensor weight, Tensor bias, boolean silu,
                        Tensor out) {
        try (GpuSession s = gpu.session(CausalConv1d.OP)) {
            GpuProgram p = program(s, d);
            s.launch1d(p, "conv_tile", tileItems(d), GROUP, s.in(x), s.in(weight), s.in(bias), null, s.out(out),
                    d.batch(), d.len(), d.channels(), silu ? 1 : 0);
        }
    }

    /** conv.cl for this K. */
    private static GpuProgram program(GpuSession s, CausalConv1d.Dims d) {
        return s.program(SRC, "-DCONV_TAPS=" + d.kernel() + " -DCONV_TOKENS=" + TILE_TOKENS);
    }

    /** Work-items of conv_tile and conv_grad_x: B * ceil(L / TILE_TOKENS) * E. */
    private static long tileItems(CausalConv1d.Dims d) {
        return (long) d.batch() * ((d.len() + TILE_TOKENS - 1) / TILE_TOKENS) * d.channels();
    }

    static void backward(GpuContext gpu, CausalConv1d.Dims d, Tensor x, Tensor weight, Tensor bias, boolean silu,
                         Tensor gout, Tensor gx, Tensor gw, Tensor gbias) {
        int n = d.batch() * d.len() * d.channels();
        try (GpuSession s = gpu.session(CausalConv1d.OP)) {
            GpuProgram p = program(s, d);
            GpuBuffer xb = s.in(x);
            GpuBuffer wb = s.in(weight);
            GpuBuffer g = s.alloc(n); // (B, L, E) dLoss/dpre
            s.launch1d(p, "conv_tile", tileItems(d), GROUP, xb, wb, s.in(bias), s.in(gout), g, d.batch(), d.len(),
                    d.channels(), silu ? 1 : 0);
            if (gx != null) {
                s.launch1d(p, "conv_grad_x", tileItems(d), GROUP, wb, g, s.out(gx), d.batch(), d.len(), d.channels());
            }
            if (gw != null || gbias != null) {
                GpuBuffer gwb = gw == null ? null : s.out(gw);
                GpuBuffer gbb = gbias == null ? null : s.out(gbias);
                int entries = (d.kernel() + 1) * d.channels();
                int rows = d.batch() * d.len();
                int blocks = Math.max(1, (rows + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK);
                GpuBuffer part = s.alloc((long) blocks * entries);
                s.launch2d(p, "conv_grad_params_partial", entries, blocks, GROUP, 1, xb, g, part, d.batch(), d.len(),
                        d.channels(), d.kernel(), ROWS_PER_BLOCK);
                s.launch1d(p, "conv_grad_params_reduce", entries, GROUP, part, gwb, gbb, d.channels(), d.kernel(),
                        blocks);
            }
        }
    }
}
