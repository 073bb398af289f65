package dev.ssam.ops.scan;

import dev.ssam.ops.elementwise.Elementwise;
import dev.ssam.ops.matmul.Matmul;
import dev.ssam.ops.scan.SelectiveScan.Dims;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Shapes;
import dev.ssam.runtime.Tensor;

/**
 * {@link SelectiveScan#forwardProjected}'s validation and its definition as a sequence of ops (the
 * reference the fused GPU kernel is tested against, and the path of every other backend).
 */
final class ScanProjection {
    private ScanProjection() {
    }

    /**
     * Validates {@code u (B, L, E)}, {@code xdbl (B, L, R + 2N)}, {@code dtW (E, R)},
     * {@code A (E, N)}, {@code D, deltaBias (E)} or null, {@code z (B, L, E)} or null and
     * {@code out (B, L, E)} (distinct from every input); returns the sizes.
     */
    static Dims check(Tensor u, Tensor xdbl, Tensor dtW, Tensor A, Tensor D, Tensor z, Tensor deltaBias, Tensor out) {
        String op = SelectiveScan.OP + ".forwardProjected";
        int[] s = Shapes.requireRank(op, "u", u, 3, "(B, L, E)");
        int batch = s[0];
        int len = s[1];
        int dInner = s[2];
        int rank = Shapes.requireRank(op, "dtW", dtW, 2, "(E, R)")[1];
        Shapes.require(op, "dtW", dtW, Shapes.names("dInner", "dtRank"), dInner, rank);
        int dState = Shapes.requireRank(op, "A", A, 2, "(E, N)")[1];
        Shapes.require(op, "A", A, Shapes.names("dInner", "dState"), dInner, dState);
        Shapes.require(op, "xdbl", xdbl, Shapes.names("batch", "len", "dtRank+2*dState"), batch, len,
                rank + 2 * dState);
        String[] ble = Shapes.names("batch", "len", "dInner");
        if (D != null) {
            Shapes.require(op, "D", D, Shapes.names("dInner"), dInner);
        }
        if (z != null) {
            Shapes.require(op, "z", z, ble, batch, len, dInner);
        }
        if (deltaBias != null) {
            Shapes.require(op, "deltaBias", deltaBias, Shapes.names("dInner"), dInner);
            Shapes.requireFinite(op, "deltaBias", deltaBias);
        }
        Shapes.requireFinite(op, "A", A);
        Shapes.require(op, "out", out, ble, batch, len, dInner);
        String[] names = {"u", "xdbl", "dtW", "A", "D", "z", "deltaBias"};
        Tensor[] ins = {u, xdbl, dtW, A, D, z, deltaBias};
        for (int i = 0; i < ins.length; i++) {
            Shapes.requireDistinct(op, "out", out, names[i], ins[i]);
        }
        return new Dims(batch, len, dInner, dState);
    }

    /** The definition: the column blocks copied out, delta by {@link Matmul#linear}, then the scan, on {@code backend}. */
    static void composed(Backend backend, Dims d, int rank, Tensor u, Tensor xdbl, Tensor dtW, Tensor A, Tensor D,
                         Tensor z, Tensor deltaBias, boolean deltaSoftplus, Tensor out) {
        int n = d.dState();
        Tensor dtRaw = Tensor.zeros(d.batch(), d.len(), rank);           // (B, L, R)
        Tensor bc = Tensor.zeros(d.batch(), d.len(), 2 * n);             // (B, L, 2N)
        Tensor bm = Tensor.zeros(d.batch(), d.len(), n);                 // (B, L, N)
        Tensor cm = Tensor.zeros(d.batch(), d.len(), n);                 // (B, L, N)
        Tensor delta = Tensor.zeros(d.batch(), d.len(), d.dInner());     // (B, L, E)
        Elementwise.split(backend, xdbl, dtRaw, bc);
        Elementwise.split(backend, bc, bm, cm);
        Matmul.linear(backend, dtRaw, dtW, null, delta);
        SelectiveScan.forward(backend, new SelectiveScan.Inputs(u, delta, A, bm, cm, D, z, deltaBias, deltaSoftplus),
                out, null);
    }
}
