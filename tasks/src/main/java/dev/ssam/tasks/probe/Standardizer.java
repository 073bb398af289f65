package dev.ssam.tasks.probe;

import dev.ssam.runtime.Tensor;

/**
 * Per-column standardisation {@code (x - mean) / std} with statistics of the training rows
 * (population std, as scikit-learn's StandardScaler; a zero std is replaced by 1). Used by the
 * linear probe; the HEAR MLP protocol feeds raw embeddings.
 *
 * <pre>{@code
 * Standardizer s = Standardizer.fit(trainX);   // (N, n_in)
 * Tensor z = s.apply(testX);                   // a new tensor
 * }</pre>
 *
 * @param mean (n_in) column means
 * @param std  (n_in) column standard deviations, never 0
 */
public record Standardizer(float[] mean, float[] std) {

    /** Statistics of the rows of {@code x (N, n_in)}, accumulated in double. */
    public static Standardizer fit(Tensor x) {
        int n = x.dim(0);
        int d = x.dim(1);
        double[] sum = new double[d];
        double[] sq = new double[d];
        float[] xd = x.data();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                sum[j] += xd[x.offset() + i * d + j];
            }
        }
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) (sum[j] / n);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = xd[x.offset() + i * d + j] - sum[j] / n;
                sq[j] += v * v;
            }
        }
        float[] std = new float[d];
        for (int j = 0; j < d; j++) {
            double s = Math.sqrt(sq[j] / n);
            std[j] = s > 0 ? (float) s : 1f;
        }
        return new Standardizer(mean, std);
    }

    /** {@code (x - mean) / std} as a new (N, n_in) tensor. */
    public Tensor apply(Tensor x) {
        int n = x.dim(0);
        int d = x.dim(1);
        if (d != mean.length) {
            throw new IllegalArgumentException("Standardizer: x is " + x.shapeString() + ", expected " + mean.length + " columns");
        }
        Tensor out = Tensor.zeros(n, d);
        float[] xd = x.data();
        float[] od = out.data();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                od[i * d + j] = (xd[x.offset() + i * d + j] - mean[j]) / std[j];
            }
        }
        return out;
    }
}
