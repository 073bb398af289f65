package dev.ssam.tasks.probe;

import dev.ssam.runtime.Tensor;

/**
 * Inputs and targets of a probe.
 *
 * <pre>{@code
 * ProbeData d = new ProbeData(Tensor.of(features, n, dim), Tensor.of(multiHot, n, classes));
 * }</pre>
 *
 * @param x (N, n_in) embeddings, one row per clip
 * @param y (N, C) multi-hot targets (one-hot for multiclass tasks)
 */
public record ProbeData(Tensor x, Tensor y) {
    public ProbeData {
        if (x == null || y == null || x.rank() != 2 || y.rank() != 2 || x.dim(0) != y.dim(0)) {
            throw new IllegalArgumentException("ProbeData: x is " + (x == null ? "null" : x.shapeString()) + " and y is "
                    + (y == null ? "null" : y.shapeString()) + ", expected x (N, n_in) and y (N, C) with the same N");
        }
        if (x.dim(0) == 0) {
            throw new IllegalArgumentException("ProbeData: no rows");
        }
    }

    /** Rows N. */
    public int size() {
        return x.dim(0);
    }

    /** Input width n_in. */
    public int inputs() {
        return x.dim(1);
    }

    /** Classes C. */
    public int classes() {
        return y.dim(1);
    }
}
