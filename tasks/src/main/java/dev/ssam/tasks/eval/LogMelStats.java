package dev.ssam.tasks.eval;

import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The log-mel baseline: for each of the 80 bins of the SSAM front end ({@link LogMel}, before its
 * per-clip normalisation, so loudness stays visible), the mean and the population standard
 * deviation over the clip's frames: 160 values, means first. Statistics accumulate in double.
 * Its timestamp embeddings (event tasks) are the raw log-mel frames themselves: 80 values every
 * {@value LogMel#HOP} samples (10 ms), frame i at i * 10 ms.
 *
 * <pre>{@code
 * FeatureExtractor base = new LogMelStats(cpu);
 * }</pre>
 */
public final class LogMelStats implements FeatureExtractor {
    /** Embedding width: mean and std of each mel bin. */
    public static final int DIM = 2 * LogMel.N_MELS;

    private final Backend backend;

    public LogMelStats(Backend backend) {
        this.backend = backend;
    }

    @Override
    public String name() {
        return "log-mel stats";
    }

    @Override
    public String description() {
        return "mean and std over time of each of the 80 raw log-mel bins (160 dims)";
    }

    @Override
    public String cacheKey() {
        return "logmel-stats-v1|" + SsamFeatures.FRONT_END;
    }

    @Override
    public int dim() {
        return DIM;
    }

    @Override
    public List<Timestamps> embedTimestamps(List<float[]> clips) {
        List<Tensor> mels = LogMel.compute(LogMel.frontEnd(backend), clips, Integer.MAX_VALUE);
        List<Timestamps> out = new ArrayList<>(mels.size());
        for (Tensor m : mels) {
            float[] times = new float[m.dim(0)];
            for (int i = 0; i < times.length; i++) {
                times[i] = i * 1000f * LogMel.HOP / LogMel.SAMPLE_RATE;
            }
            out.add(new Timestamps(m.copy(), times));
        }
        return out;
    }

    @Override
    public List<float[]> embed(List<float[]> clips) {
        List<Tensor> mels = LogMel.compute(LogMel.frontEnd(backend), clips, Integer.MAX_VALUE);
        List<float[]> out = new ArrayList<>(mels.size());
        int f = LogMel.N_MELS;
        for (Tensor m : mels) {
            int t = m.dim(0);
            double[] sum = new double[f];
            double[] sq = new double[f];
            float[] d = m.data();
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < f; j++) {
                    sum[j] += d[m.offset() + i * f + j];
                }
            }
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < f; j++) {
                    double v = d[m.offset() + i * f + j] - sum[j] / t;
                    sq[j] += v * v;
                }
            }
            float[] e = new float[DIM];
            for (int j = 0; j < f; j++) {
                e[j] = (float) (sum[j] / t);
                e[f + j] = (float) Math.sqrt(sq[j] / t);
            }
            out.add(e);
        }
        return out;
    }
}
