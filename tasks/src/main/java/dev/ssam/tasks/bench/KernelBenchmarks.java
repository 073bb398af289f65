package dev.ssam.tasks.bench;

import dev.ssam.model.SsamConfig;
import dev.ssam.ops.conv.CausalConv1d;
import dev.ssam.ops.matmul.Matmul;
import dev.ssam.ops.norm.LayerNorm;
import dev.ssam.ops.scan.SelectiveScan;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Throughput of the backend ops at the real SSAM-Tiny shapes (the quick counterpart of the JMH
 * suite): the four projections as GFLOP/s, the selective scan forward and backward as state
 * updates per second, the conv and LayerNorm as GB/s of tensor traffic.
 */
public final class KernelBenchmarks {
    private final double warmupSeconds;
    private final double minSeconds;

    /** Benchmarks that warm up for {@code warmupSeconds} and time each case for at least {@code minSeconds}. */
    public KernelBenchmarks(double warmupSeconds, double minSeconds) {
        this.warmupSeconds = warmupSeconds;
        this.minSeconds = minSeconds;
    }

    private static Tensor random(SplittableRandom r, double lo, double hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextDouble(lo, hi);
        }
        return t;
    }

    private Timing time(Runnable action) {
        return Timing.measure(action, warmupSeconds, 5, minSeconds);
    }

    /** Runs every kernel case on {@code backend} with {@code batch} clips, reporting each result to {@code sink}. */
    public List<BenchResult> run(Backend backend, int batch, Consumer<BenchResult> sink) {
        SsamConfig c = SsamConfig.tiny();
        int l = c.seqLen();
        int d = c.dModel();
        int e = c.dInner();
        int n = c.dState();
        int rank = c.dtRank();
        int m = batch * l;
        SplittableRandom r = new SplittableRandom(1);
        List<BenchResult> out = new ArrayList<>();
        Consumer<BenchResult> emit = res -> {
            res.with("device", backend.name()).with("threads", backend.threads()).with("batch", batch);
            out.add(res);
            sink.accept(res);
        };
        String[] names = {"matmul_in_proj", "matmul_out_proj", "matmul_x_proj", "matmul_dt_proj"};
        int[][] kn = {{d, 2 * e}, {e, d}, {e, rank + 2 * n}, {rank, e}};
        for (int i = 0; i < names.length; i++) {
            Tensor x = random(r, -1, 1, m, kn[i][0]);
            Tensor w = random(r, -0.1, 0.1, kn[i][1], kn[i][0]);
            Tensor y = Tensor.zeros(m, kn[i][1]);
            Timing t = time(() -> Matmul.linear(backend, x, w, null, y));
            double flops = 2.0 * m * kn[i][0] * kn[i][1];
            emit.accept(BenchResult.of(names[i]).with("m", m).with("k", kn[i][0]).with("n", kn[i][1])
                    .with("gflops", BenchResult.round(flops / t.medianSeconds() / 1e9, 2)).with(t));
        }
        Tensor u = random(r, -1, 1, batch, l, e);
        Tensor delta = random(r, -3, 0, batch, l, e);
        Tensor a = random(r, -2, -0.1, e, n);
        Tensor bm = random(r, -1, 1, batch, l, n);
        Tensor cm = random(r, -1, 1, batch, l, n);
        Tensor dd = random(r, -1, 1, e);
        Tensor z = random(r, -1, 1, batch, l, e);
        Tensor bias = random(r, -1, 1, e);
        Tensor y = Tensor.zeros(batch, l, e);
        double updates = (double) batch * l * e * n;
        Timing fwd = time(() -> SelectiveScan.forward(backend, u, delta, a, bm, cm, dd, z, bias, true, y, null));
        emit.accept(BenchResult.of("scan_fwd").with("len", l).with("d_inner", e).with("d_state", n)
                .with("updates_per_s", BenchResult.round(updates / fwd.medianSeconds(), 0)).with(fwd));
        SelectiveScan.Inputs in = new SelectiveScan.Inputs(u, delta, a, bm, cm, dd, z, bias, true);
        SelectiveScan.Grads g = SelectiveScan.Grads.like(in);
        Timing bwd = time(() -> SelectiveScan.backward(backend, in, y, g));
        emit.accept(BenchResult.of("scan_bwd").with("len", l).with("d_inner", e).with("d_state", n)
                .with("updates_per_s", BenchResult.round(updates / bwd.medianSeconds(), 0)).with(bwd));
        Tensor cw = random(r, -0.5, 0.5, e, c.dConv());
        Timing conv = time(() -> CausalConv1d.forward(backend, u, cw, bias, true, y));
        emit.accept(BenchResult.of("conv_fwd").with("len", l).with("channels", e)
                .with("gbytes_per_s", BenchResult.round(8.0 * u.size() / conv.medianSeconds() / 1e9, 2)).with(conv));
        Tensor x = random(r, -1, 1, m, d);
        Tensor gamma = random(r, 0.5, 1.5, d);
        Tensor beta = random(r, -0.5, 0.5, d);
        Tensor xo = Tensor.zeros(m, d);
        Timing ln = time(() -> LayerNorm.forward(backend, x, gamma, beta, 1e-6f, xo, null, null));
        emit.accept(BenchResult.of("layernorm_fwd").with("rows", m).with("width", d)
                .with("gbytes_per_s", BenchResult.round(8.0 * x.size() / ln.medianSeconds() / 1e9, 2)).with(ln));
        return out;
    }
}
