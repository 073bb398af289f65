package dev.ssam.tools;

import dev.ssam.model.ParamSpec;
import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamParams;
import dev.ssam.model.SsamWeights;
import dev.ssam.model.io.PthCheckpoint;
import dev.ssam.model.io.PthTensor;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.io.Safetensors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code ssam info}: what a weights file holds: its format, where the config came from, the config
 * (summary, every field, the official JSON), the parameter count and, with {@code --tensors}, every
 * tensor with its shape and stored dtype.
 */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Describe SSAM weights: format, config, parameter count, tensors.",
        footer = {"", "Example:", "  ssam info --model tiny.safetensors.index.json --tensors"})
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-t", "--tensors"}, description = "List every tensor with its official shape and stored dtype.")
    boolean tensors;

    /** How the file stores the weights: its format in words, where the config came from, each tensor's stored dtype. */
    private record Source(String format, String configOrigin, Map<String, String> dtypes) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            SsamParams p = model.load();
            Source src = source(model.path());
            print(out, p, src);
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("ssam info: " + UserErrors.message(e));
            return 1;
        }
    }

    private void print(PrintWriter out, SsamParams p, Source src) {
        SsamConfig c = p.config();
        long total = 0;
        long trainable = 0;
        List<ParamSpec> specs = p.specs();
        for (ParamSpec s : specs) {
            total += s.size();
            trainable += s.trainable() ? s.size() : 0;
        }
        row(out, "model", model.path().toString());
        row(out, "format", src.format());
        row(out, "config", c.summary() + " (" + src.configOrigin() + ")");
        row(out, "  dModel", Integer.toString(c.dModel()));
        row(out, "  depth", Integer.toString(c.depth()));
        row(out, "  dState", Integer.toString(c.dState()));
        row(out, "  expand", c.expand() + " (dInner " + c.dInner() + ")");
        row(out, "  dtRank", Integer.toString(c.dtRank()));
        row(out, "  dConv", Integer.toString(c.dConv()));
        row(out, "  patch", c.patchFrames() + "x" + c.patchBins() + " (frames x mel bins)");
        row(out, "  input", c.frames() + "x" + c.melBins() + " (frames x mel bins per window)");
        row(out, "  normEps", Double.toString(c.normEps()));
        row(out, "  maskRatio", Double.toString(c.maskRatio()));
        row(out, "config JSON", c.toJson());
        row(out, "embeddings", String.format(Locale.ROOT, "scene %d-d per clip, timestamp %d-d every %d ms",
                c.featureDim(), c.featureDim(), c.patchFrames() * LogMel.HOP * 1000 / LogMel.SAMPLE_RATE));
        row(out, "parameters", String.format(Locale.ROOT, "%,d (%,d trainable; %.2f MB as float32)",
                total, trainable, total * 4 / 1e6));
        row(out, "tensors", specs.size() + (tensors ? "" : " (list them with --tensors)"));
        if (tensors) {
            int width = specs.stream().mapToInt(s -> s.name().length()).max().orElse(0);
            for (ParamSpec s : specs) {
                out.println(String.format(Locale.ROOT, "  %-" + width + "s  %-16s %-7s %,9d%s", s.name(),
                        Arrays.toString(s.shape()), src.dtypes().getOrDefault(s.name(), "?"), s.size(),
                        s.trainable() ? "" : "  (frozen)"));
            }
        }
        out.flush();
    }

    private static void row(PrintWriter out, String key, String value) {
        out.println(String.format(Locale.ROOT, "%-13s %s", key + ":", value));
    }

    private static Source source(Path path) throws IOException {
        WeightsFormat f = WeightsFormat.of(path);
        Map<String, String> dtypes = new HashMap<>();
        if (f == WeightsFormat.PTH) {
            PthCheckpoint ckpt = PthCheckpoint.read(path);
            for (Map.Entry<String, PthTensor> e : ckpt.modelTensors().entrySet()) {
                dtypes.put(e.getKey(), e.getValue().dtype().dtype());
            }
            Object epoch = ckpt.get("epoch");
            String what = f.description() + (epoch instanceof Number n ? ", saved at epoch " + n : "");
            return new Source(what, "inferred from tensor shapes", dtypes);
        }
        try (Safetensors st = Safetensors.open(path)) {
            Set<Path> shards = new HashSet<>();
            for (String name : st.names()) {
                Safetensors.Entry e = st.entry(name);
                dtypes.put(name, e.dtype().name());
                shards.add(e.file());
            }
            String what = f.description() + (f == WeightsFormat.SHARDED_SAFETENSORS ? ", " + shards.size() + " shards" : "");
            String origin = st.metadata().containsKey(SsamWeights.CONFIG_METADATA_KEY)
                    ? "from metadata '" + SsamWeights.CONFIG_METADATA_KEY + "'" : "inferred from tensor shapes";
            return new Source(what, origin, dtypes);
        }
    }
}
