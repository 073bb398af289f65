package dev.ssam.runtime;

import java.util.Arrays;

/**
 * Shape validation shared by every op's {@code check(...)}: one place that builds the
 * messages STYLE.md asks for, e.g.
 * {@code selectiveScan: B is [2, 8, 63], expected [batch=2, dState=8, len=64]}.
 */
public final class Shapes {
    private Shapes() {
    }

    /**
     * Requires {@code t} to have exactly the dimensions {@code dims}, named by {@code names}
     * (same length) for the message.
     */
    public static void require(String op, String arg, Tensor t, String[] names, int... dims) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + arg + " is missing (null), expected " + describe(names, dims));
        }
        if (!t.hasShape(dims)) {
            throw new IllegalArgumentException(op + ": " + arg + " is " + t.shapeString() + ", expected "
                    + describe(names, dims));
        }
    }

    /** Requires rank {@code rank}; returns the tensor's shape. */
    public static int[] requireRank(String op, String arg, Tensor t, int rank, String layout) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + arg + " is missing (null), expected " + layout);
        }
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + arg + " is " + t.shapeString() + " (rank " + t.rank()
                    + "), expected rank " + rank + " " + layout);
        }
        int[] s = t.shape();
        for (int d : s) {
            if (d <= 0) {
                throw new IllegalArgumentException(op + ": " + arg + " is " + t.shapeString()
                        + ", every dimension must be positive " + layout);
            }
        }
        return s;
    }

    /** Requires {@code value > 0}. */
    public static void requirePositive(String op, String arg, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(op + ": " + arg + " is " + value + ", expected a positive size");
        }
    }

    /** Requires every element of {@code t} to be finite. */
    public static void requireFinite(String op, String arg, Tensor t) {
        float[] d = t.data();
        for (int i = t.offset(), end = t.offset() + t.size(); i < end; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IllegalArgumentException(op + ": " + arg + " holds " + d[i] + " at flat index "
                        + (i - t.offset()) + " of " + t.shapeString() + "; inputs must be finite");
            }
        }
    }

    /** Requires {@code out} to be a different tensor window than {@code in} (no aliasing). */
    public static void requireDistinct(String op, String outArg, Tensor out, String inArg, Tensor in) {
        if (in != null && out.sharesStorage(in)
                && out.offset() < in.offset() + in.size() && in.offset() < out.offset() + out.size()) {
            throw new IllegalArgumentException(op + ": " + outArg + " overlaps " + inArg + "; in-place use is not supported");
        }
    }

    /** {@code [name=value, ...]}. */
    public static String describe(String[] names, int... dims) {
        if (names == null || names.length != dims.length) {
            return Arrays.toString(dims);
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append('=').append(dims[i]);
        }
        return sb.append(']').toString();
    }

    /** Shorthand for building a names array: {@code Shapes.names("batch", "len")}. */
    public static String[] names(String... names) {
        return names;
    }
}
