package dev.ssam.tools;

import dev.ssam.runtime.Backend;
import dev.ssam.tasks.eval.EvalConfig;
import dev.ssam.tasks.eval.EvalListener;
import dev.ssam.tasks.eval.Evaluator;
import dev.ssam.tasks.eval.FeatureExtractor;
import dev.ssam.tasks.eval.SsamFeatures;
import dev.ssam.tasks.eval.TaskComparison;
import dev.ssam.tasks.hear.DataSplit;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.probe.ProbeConfig;
import dev.ssam.tasks.probe.ProbeKind;
import dev.ssam.tasks.probe.ProbeTrainer;
import dev.ssam.tasks.report.EvalReport;
import dev.ssam.tasks.report.ReportWriter;
import dev.ssam.tasks.report.ResultTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ssam eval}: the HEAR protocol on scene tasks for a model and the two baselines every
 * report carries (the same architecture at random initialisation, pooled log-mel statistics);
 * prints a table and writes a Markdown + HTML report with charts.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on HEAR scene tasks with the protocol of the SSAM paper (frozen scene embeddings,",
            "probe per split, seeds 0..N-1, mean and 95% t-interval) next to a random-init encoder and log-mel statistics."})
public final class EvalCommand implements Callable<Integer> {
    /** Probe choices as the command line spells them. */
    enum Probe {
        /** the HEAR MLP grid (the paper's protocol) */
        mlp,
        /** logistic regression, a quick check */
        linear
    }

    @Option(names = "--model", required = true, paramLabel = "WEIGHTS",
            description = "Model weights: .safetensors, a sharded *.safetensors.index.json, or an official .pth checkpoint.")
    Path model;

    @Option(names = "--task", required = true, arity = "1..*", paramLabel = "DIR",
            description = "HEAR task folders (task_metadata.json, <split>.json, 16000/<split>/*.wav); repeatable.")
    List<Path> tasks;

    @Option(names = "--probe", defaultValue = "mlp",
            description = "Probe: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; mlp is the paper's protocol).")
    Probe probe = Probe.mlp;

    @Option(names = "--seeds", defaultValue = "10", description = "Seeds 0..N-1 per task (default: ${DEFAULT-VALUE}, the protocol's).")
    int seeds = 10;

    @Option(names = "--out", defaultValue = "eval-report", paramLabel = "DIR",
            description = "Report folder: report.md, report.html, results.json, PNG charts (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--cache", defaultValue = ".ssam-cache/embeddings", paramLabel = "DIR",
            description = "Embedding cache folder (default: ${DEFAULT-VALUE}).")
    Path cache;

    @Option(names = "--no-cache", description = "Do not read or write the embedding cache.")
    boolean noCache;

    @Option(names = "--max-epochs", paramLabel = "N", description = "Override the probe's epoch limit (default: 500 mlp, 100 linear).")
    Integer maxEpochs;

    @Option(names = "--random-seed", defaultValue = "0", paramLabel = "SEED",
            description = "Seed of the random-init baseline encoder (default: ${DEFAULT-VALUE}).")
    long randomSeed;

    @Option(names = "--clip-batch", defaultValue = "16", paramLabel = "N", description = "Clips per encoder call (default: ${DEFAULT-VALUE}).")
    int clipBatch = 16;

    @Mixin
    DeviceOptions device;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ProbeConfig pc = ProbeConfig.of(probe == Probe.mlp ? ProbeKind.MLP : ProbeKind.LINEAR);
        if (maxEpochs != null) {
            pc = pc.withMaxEpochs(maxEpochs);
        }
        EvalConfig config = new EvalConfig(pc, seeds, clipBatch, randomSeed, noCache ? null : cache);
        List<HearTask> opened = new ArrayList<>();
        for (Path t : tasks) {
            opened.add(HearTask.open(t));
        }
        try (Backend backend = device.open()) {
            SsamFeatures fx = SsamFeatures.fromWeights(model, backend);
            out.println("ssam eval: " + fx.description());
            out.println("  probe:   " + pc.summary());
            out.println("  seeds:   " + seeds + ", device " + backend + ", cache " + (noCache ? "off" : cache));
            for (HearTask t : opened) {
                out.println("  task:    " + t.name() + " (" + t.size() + " clips, " + t.labels().size() + " classes, "
                        + t.runs().size() + " runs, metrics " + t.metadata().evaluation() + ")");
            }
            out.flush();
            Evaluator ev = new Evaluator(backend, config, new Progress(out));
            List<FeatureExtractor> systems = ev.withBaselines(fx);
            List<TaskComparison> results = new ArrayList<>();
            for (HearTask t : opened) {
                results.add(ev.compare(t, systems));
            }
            List<String> described = new ArrayList<>();
            for (FeatureExtractor s : systems) {
                described.add(s.name() + ": " + s.description());
            }
            EvalReport report = new EvalReport("SSAM downstream evaluation", described, pc.summary(), seeds, results,
                    reportNotes(pc), trainerLossCurve(model));
            ReportWriter.Written files = ReportWriter.write(outDir, report);
            out.println();
            printTable(out, ResultTable.of(results, "+-"));
            out.println();
            out.println("report: " + files.markdown() + ", " + files.html() + " (" + files.charts().size() + " charts, "
                    + files.json().getFileName() + ")");
            out.flush();
        }
        return 0;
    }

    /** The loss curve `ssam pretrain` writes beside its model.safetensors, when the model came from it. */
    private static Path trainerLossCurve(Path model) {
        Path dir = model.toAbsolutePath().getParent();
        Path curve = dir == null ? null : dir.resolve("loss.png");
        return curve != null && java.nio.file.Files.isRegularFile(curve)
                && java.nio.file.Files.isRegularFile(dir.resolve("metrics.jsonl")) ? curve : null;
    }

    private static List<String> reportNotes(ProbeConfig pc) {
        List<String> n = new ArrayList<>();
        n.add("Scene embeddings are the mean over frames of the SSAM features (SSAM-SPEC section 4), not normalised.");
        n.add(pc.standardize() ? "Embeddings are standardised with the training rows' mean and std before the probe."
                : "Embeddings reach the probe unnormalised, as in the SSAM release's hear-eval-kit (embedding_norm = Identity).");
        n.add("Grid searched on the first split only; the winner retrained on the others. Training batches are unshuffled, as in the kit.");
        n.add("mAP averages over classes with at least one positive; chroma accuracy maps integer pitch labels mod 12.");
        n.add("Keep every downstream test fold out of the pretraining data; the built-in synthetic task uses seeds from 10^9.");
        return n;
    }

    /** Aligned plain-text columns. */
    static void printTable(PrintWriter out, ResultTable t) {
        int[] w = new int[t.header().size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = t.header().get(i).length();
            for (List<String> r : t.rows()) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        out.println(row(t.header(), w));
        StringBuilder rule = new StringBuilder();
        for (int x : w) {
            rule.append("-".repeat(x)).append("  ");
        }
        out.println(rule.toString().stripTrailing());
        for (List<String> r : t.rows()) {
            out.println(row(r, w));
        }
    }

    private static String row(List<String> cells, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            b.append(i < 2 ? c + " ".repeat(w[i] - c.length()) : " ".repeat(w[i] - c.length()) + c).append("  ");
        }
        return b.toString().stripTrailing();
    }

    /** Prints one line per finished split embedding and per seed. */
    private static final class Progress implements EvalListener {
        private final PrintWriter out;

        Progress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void embedded(String system, String task, int done, int total, boolean fromCache) {
            if (done == total) {
                out.println("  embedded " + task + " with " + system + ": " + total + " clips" + (fromCache ? " (cache)" : ""));
                out.flush();
            }
        }

        @Override
        public void probeTrained(String system, String task, int seed, DataSplit split, ProbeTrainer.Result r,
                                 boolean grid, double testScore) {
            if (grid) {
                out.println(String.format(Locale.ROOT, "    %s %s seed %d: dropout %.2f -> valid %.4f (epoch %d of %d)",
                        system, task, seed, r.dropout(), r.validScore(), r.bestEpoch(), r.epochs()));
                out.flush();
            }
        }

        @Override
        public void seedFinished(String system, String task, int seed, double primary) {
            out.println(String.format(Locale.ROOT, "  %s %s seed %d: test %.4f", system, task, seed, primary));
            out.flush();
        }
    }
}
