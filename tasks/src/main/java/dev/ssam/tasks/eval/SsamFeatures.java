package dev.ssam.tasks.eval;

import dev.ssam.model.ClipEmbedding;
import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamEmbedder;
import dev.ssam.model.SsamInit;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * SSAM scene embeddings ({@link SsamEmbedder}, SSAM-SPEC section 4: whole-clip log-mel, 200-frame
 * windows, mean over frames), of loaded weights or of a randomly initialised encoder.
 *
 * <p>Cache key: SHA-256 over the config JSON, every parameter's name, shape and float values (so
 * the same model from a .pth, a safetensors file or a sharded index shares its cache, and any
 * change of a weight gives a new key) and {@link #FRONT_END}.
 *
 * <pre>{@code
 * SsamFeatures model = SsamFeatures.fromWeights(Path.of("tiny.safetensors"), cpu);
 * SsamFeatures random = SsamFeatures.randomInit(model.config(), 0L, cpu);
 * }</pre>
 */
public final class SsamFeatures implements FeatureExtractor {
    /** The front end and pooling the cache key records; change it whenever they change. */
    public static final String FRONT_END = "logmel(sr=" + LogMel.SAMPLE_RATE + ",n_fft=" + LogMel.N_FFT + ",hop="
            + LogMel.HOP + ",mels=" + LogMel.N_MELS + ",f=" + LogMel.F_MIN + ".." + LogMel.F_MAX
            + ",clip-normalised unbiased);windows=200 frames zero-padded;scene=mean over frames;v1";

    private final String name;
    private final String description;
    private final SsamEmbedder embedder;
    private final String key;

    private SsamFeatures(String name, String description, SsamParams params, Backend backend) {
        this.name = name;
        this.description = description;
        this.embedder = new SsamEmbedder(params, backend);
        this.key = "ssam-scene|" + digest(params) + "|" + FRONT_END;
    }

    /** The model in {@code weights} (any format {@link SsamWeights#load} reads), named "model". */
    public static SsamFeatures fromWeights(Path weights, Backend backend) throws IOException {
        SsamParams p = SsamWeights.load(weights);
        return new SsamFeatures("model", weights.getFileName() + " (" + p.config().summary() + ")", p, backend);
    }

    /** Given parameters under a given table name. */
    public static SsamFeatures of(String name, String description, SsamParams params, Backend backend) {
        return new SsamFeatures(name, description, params, backend);
    }

    /** An encoder of {@code config} at the trainer's initialisation ({@link SsamInit#init}) with {@code seed}. */
    public static SsamFeatures randomInit(SsamConfig config, long seed, Backend backend) {
        return new SsamFeatures("random encoder", "randomly initialised " + config.summary() + ", seed " + seed,
                SsamInit.init(config, seed), backend);
    }

    public SsamConfig config() {
        return embedder.config();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String cacheKey() {
        return key;
    }

    @Override
    public int dim() {
        return embedder.config().featureDim();
    }

    @Override
    public List<float[]> embed(List<float[]> clips) {
        List<ClipEmbedding> e = embedder.embedAll(clips, LogMel.SAMPLE_RATE);
        List<float[]> out = new ArrayList<>(e.size());
        for (ClipEmbedding c : e) {
            out.add(c.scene().toArray());
        }
        return out;
    }

    /** HEAR timestamp embeddings: one (5D) row per 40 ms output frame ({@link ClipEmbedding#timestamps()}). */
    @Override
    public List<Timestamps> embedTimestamps(List<float[]> clips) {
        List<ClipEmbedding> e = embedder.embedAll(clips, LogMel.SAMPLE_RATE);
        List<Timestamps> out = new ArrayList<>(e.size());
        for (ClipEmbedding c : e) {
            out.add(new Timestamps(c.timestamps(), c.timesMs()));
        }
        return out;
    }

    /** SHA-256 of the config and every named tensor (name, shape, little-endian floats), in hex. */
    static String digest(SsamParams params) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(params.config().toJson().getBytes(StandardCharsets.UTF_8));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, Tensor> e : params.named().entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update(java.util.Arrays.toString(e.getValue().shape()).getBytes(StandardCharsets.UTF_8));
                Tensor t = e.getValue();
                float[] d = t.data();
                for (int i = t.offset(), end = t.offset() + t.size(); i < end; i++) {
                    if (buf.remaining() < 4) {
                        md.update(buf.flip());
                        buf.clear();
                    }
                    buf.putFloat(d[i]);
                }
                md.update(buf.flip());
                buf.clear();
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
