package dev.ssam.tasks.probe;

import dev.ssam.runtime.Tensor;

import java.util.SplittableRandom;

/** Gaussian blobs: class k centred at a random point of norm about 6 in n_in dims, unit spread. */
final class Blobs {
    private Blobs() {
    }

    /** {@code n} rows of {@code dim} features over {@code classes} classes (row i is class i mod classes). */
    static ProbeData make(int n, int dim, int classes, long centreSeed, long seed) {
        SplittableRandom c = new SplittableRandom(centreSeed);
        double[][] centres = new double[classes][dim];
        for (int k = 0; k < classes; k++) {
            for (int j = 0; j < dim; j++) {
                centres[k][j] = 6.0 / Math.sqrt(dim) * c.nextGaussian() * 1.5;
            }
        }
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(n, dim);
        Tensor y = Tensor.zeros(n, classes);
        for (int i = 0; i < n; i++) {
            int k = i % classes;
            for (int j = 0; j < dim; j++) {
                x.data()[i * dim + j] = (float) (centres[k][j] + 0.5 * r.nextGaussian() + 3.0);
            }
            y.data()[i * classes + k] = 1f;
        }
        return new ProbeData(x, y);
    }
}
