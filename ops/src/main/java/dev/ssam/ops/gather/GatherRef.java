package dev.ssam.ops.gather;

import dev.ssam.runtime.Tensor;

/** Scalar {@link Gather}: the oracle, and the Cpu implementation (copies and two (D) sums). */
final class GatherRef {
    private GatherRef() {
    }

    static void patchify(Gather.PatchDims d, Tensor x, Tensor out) {
        float[] xs = x.data();
        float[] o = out.data();
        int q = d.patchDim();
        for (int b = 0; b < d.batch(); b++) {
            int xBase = x.offset() + b * d.frames() * d.bins();
            int oBase = out.offset() + b * d.patches() * q;
            for (int t = 0; t < d.gridFrames(); t++) {
                for (int f = 0; f < d.gridBins(); f++) {
                    int token = t * d.gridBins() + f;
                    // one patch row (pb contiguous bins) at a time: x[t pf + i, f pb ..] -> out[token, i pb ..]
                    for (int i = 0; i < d.pf(); i++) {
                        System.arraycopy(xs, xBase + (t * d.pf() + i) * d.bins() + f * d.pb(), o,
                                oBase + token * q + i * d.pb(), d.pb());
                    }
                }
            }
        }
    }

    static void tokensToFrames(Gather.FrameDims d, Tensor tokens, Tensor frames) {
        float[] tk = tokens.data();
        float[] fr = frames.data();
        int dm = d.dModel();
        for (int b = 0; b < d.batch(); b++) {
            int tkBase = tokens.offset() + b * d.rows() * dm;
            int frBase = frames.offset() + b * d.gridFrames() * d.gridBins() * dm;
            for (int t = 0; t < d.gridFrames(); t++) {
                for (int f = 0; f < d.gridBins(); f++) {
                    // tokens[b, skip + f gT + t, :] -> frames[b, t, f D ..]
                    System.arraycopy(tk, tkBase + (d.skip() + f * d.gridFrames() + t) * dm, fr,
                            frBase + (t * d.gridBins() + f) * dm, dm);
                }
            }
        }
    }

    static void tokens(Gather.TokenDims d, Tensor tok, Tensor pos, Tensor cls, Tensor mtok, Tensor mask, Tensor seq) {
        int pn = d.patches();
        int dm = d.dModel();
        float[] tk = tok.data();
        float[] ps = pos.data();
        float[] cl = cls.data();
        float[] mt = mtok.data();
        float[] mk = mask == null ? null : mask.data();
        float[] s = seq.data();
        for (int b = 0; b < d.batch(); b++) {
            int row0 = seq.offset() + b * (pn + 1) * dm;
            // class token row: cls + pos[0]
            for (int j = 0; j < dm; j++) {
                s[row0 + j] = cl[cls.offset() + j] + ps[pos.offset() + j];
            }
            // patch rows: the mask token, or the embedded patch plus its position
            for (int k = 0; k < pn; k++) {
                int dst = row0 + (k + 1) * dm;
                boolean masked = mk != null && mk[mask.offset() + b * pn + k] != 0f;
                for (int j = 0; j < dm; j++) {
                    s[dst + j] = masked ? mt[mtok.offset() + j]
                            : tk[tok.offset() + (b * pn + k) * dm + j] + ps[pos.offset() + (k + 1) * dm + j];
                }
            }
        }
    }

    static void tokensBackward(Gather.TokenDims d, Tensor gseq, Tensor mask, Tensor gtok, Tensor gcls, Tensor gmtok) {
        int pn = d.patches();
        int dm = d.dModel();
        float[] gs = gseq.data();
        float[] mk = mask == null ? null : mask.data();
        float[] gt = gtok.data();
        double[] cls = new double[dm];
        double[] mtok = new double[dm];
        for (int b = 0; b < d.batch(); b++) {
            int row0 = gseq.offset() + b * (pn + 1) * dm;
            // gcls += gseq[b, 0]
            for (int j = 0; j < dm; j++) {
                cls[j] += gs[row0 + j];
            }
            // masked rows feed mask_token, the others their patch
            for (int k = 0; k < pn; k++) {
                int src = row0 + (k + 1) * dm;
                int dst = gtok.offset() + (b * pn + k) * dm;
                boolean masked = mk != null && mk[mask.offset() + b * pn + k] != 0f;
                for (int j = 0; j < dm; j++) {
                    if (masked) {
                        mtok[j] += gs[src + j];
                        gt[dst + j] = 0f;
                    } else {
                        gt[dst + j] = gs[src + j];
                    }
                }
            }
        }
        float[] gc = gcls.data();
        float[] gm = gmtok.data();
        for (int j = 0; j < dm; j++) {
            gc[gcls.offset() + j] = (float) cls[j];
            gm[gmtok.offset() + j] = (float) mtok[j];
        }
    }
}
