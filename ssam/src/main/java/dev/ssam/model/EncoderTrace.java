package dev.ssam.model;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link SsamEncoder#forward} keeps for a backward pass: the embedded sequence, every
 * block's residual stream, LayerNorm statistics and mixer intermediates, and the final norm's
 * input and statistics. Inference passes {@code null} instead and keeps nothing.
 *
 * @param seq       (B, L, D) embedded input sequence (class token first, masked tokens replaced)
 * @param residual  per block i: (B, L, D) the residual stream r_i entering LayerNorm_i
 * @param normed    per block i: (B, L, D) LayerNorm_i(r_i), the mixer input
 * @param mean      per block i: (B*L) LayerNorm_i means
 * @param rstd      per block i: (B*L) LayerNorm_i reciprocal standard deviations
 * @param mixers    per block i: mixer intermediates
 * @param mixerOut  per block i: (B, L, D) mixer output h_i
 * @param finalIn   (B, L, D) r + h after the last block, entering the encoder norm
 * @param finalMean (B*L) encoder-norm means
 * @param finalRstd (B*L) encoder-norm reciprocal standard deviations
 */
public record EncoderTrace(Tensor seq, List<Tensor> residual, List<Tensor> normed, List<Tensor> mean,
                           List<Tensor> rstd, List<MixerActivations> mixers, List<Tensor> mixerOut, Tensor finalIn,
                           Tensor finalMean, Tensor finalRstd) {

    /** Buffers for {@code batch} clips under {@code c}, saving no scan states. */
    public static EncoderTrace allocate(SsamConfig c, int batch) {
        return allocate(c, batch, null);
    }

    /**
     * Buffers for {@code batch} clips under {@code c}, with the scan states a forward on
     * {@code backend} saves for the backward where it saves any ({@link MixerActivations#scanStates}).
     */
    public static EncoderTrace allocate(SsamConfig c, int batch, Backend backend) {
        int l = c.seqLen();
        int d = c.dModel();
        List<Tensor> residual = new ArrayList<>();
        List<Tensor> normed = new ArrayList<>();
        List<Tensor> mean = new ArrayList<>();
        List<Tensor> rstd = new ArrayList<>();
        List<MixerActivations> mixers = new ArrayList<>();
        List<Tensor> mixerOut = new ArrayList<>();
        for (int i = 0; i < c.depth(); i++) {
            residual.add(Tensor.zeros(batch, l, d));
            normed.add(Tensor.zeros(batch, l, d));
            mean.add(Tensor.zeros(batch * l));
            rstd.add(Tensor.zeros(batch * l));
            mixers.add(MixerActivations.allocate(c, batch, l, backend));
            mixerOut.add(Tensor.zeros(batch, l, d));
        }
        return new EncoderTrace(Tensor.zeros(batch, l, d), residual, normed, mean, rstd, mixers, mixerOut,
                Tensor.zeros(batch, l, d), Tensor.zeros(batch * l), Tensor.zeros(batch * l));
    }

    /** Clips these buffers hold. */
    public int batch() {
        return seq.dim(0);
    }
}
