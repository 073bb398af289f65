package dev.ssam.tasks.eval;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.tasks.hear.DataSplit;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.hear.TaskMetadata;
import dev.ssam.tasks.probe.ProbeConfig;
import dev.ssam.tasks.probe.ProbeData;
import dev.ssam.tasks.probe.ProbeLoss;
import dev.ssam.tasks.probe.ProbeTrainer;
import dev.ssam.tasks.probe.Standardizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the HEAR protocol of the SSAM release (docs/HEAR-PROTOCOL.md) on scene tasks, and on event
 * tasks through {@link EventEvaluator} (frame-level probe on timestamp embeddings, event onset
 * F-measure and segment error rate), and returns result records; it prints nothing.
 *
 * <p>For each seed s = 0 .. seeds - 1 and each run of {@link HearTask#runs()} (k-fold: test fold i,
 * validation fold i + 1 mod k, training the rest; trainvaltest: one run): on run 0 a probe is
 * trained for every dropout of the grid and the best validation score wins (the first on ties);
 * the winner's dropout is retrained on the other runs. Every run's best checkpoint is scored on
 * its test split with every supported metric of the task's {@code evaluation} list. A seed's
 * score is the mean over runs; the reported value is the mean over seeds with its 95%
 * t-interval. Each probe's seed is {@code s * 10^6 + run * 10^3 + grid index}.
 *
 * <p>Embeddings are passed to the probe as they are (the kit applies no normalisation), unless
 * {@link ProbeConfig#standardize()} asks for standardisation with the training rows' statistics.
 *
 * <pre>{@code
 * Evaluator ev = new Evaluator(cpu, EvalConfig.hear(cacheDir), EvalListener.NONE);
 * TaskComparison c = ev.compare(task, ev.withBaselines(SsamFeatures.fromWeights(weights, cpu)));
 * }</pre>
 */
public final class Evaluator {
    private final Backend backend;
    private final EvalConfig config;
    private final EvalListener listener;
    private final EmbeddingCache cache;

    public Evaluator(Backend backend, EvalConfig config, EvalListener listener) {
        this.backend = backend;
        this.config = config;
        this.listener = listener == null ? EvalListener.NONE : listener;
        this.cache = config.cacheDir() == null ? null : new EmbeddingCache(config.cacheDir());
    }

    public EvalConfig config() {
        return config;
    }

    /**
     * The systems every report compares: {@code model}, an encoder of the same config at the
     * trainer's random initialisation with {@link EvalConfig#randomSeed()}, and pooled log-mel
     * statistics.
     */
    public List<FeatureExtractor> withBaselines(SsamFeatures model) {
        return List.of(model, SsamFeatures.randomInit(model.config(), config.randomSeed(), backend), new LogMelStats(backend));
    }

    /** Embeds {@code task} with each system and evaluates it. */
    public TaskComparison compare(HearTask task, List<FeatureExtractor> systems) throws IOException {
        List<TaskResult> results = new ArrayList<>(systems.size());
        for (FeatureExtractor fx : systems) {
            if (task.isEvent()) {
                Map<String, List<FeatureExtractor.Timestamps>> e = TaskEmbedder.embedTimestamps(task, fx, cache, config.clipBatch(),
                        backend, listener);
                results.add(evaluateEvents(task, fx.name(), e));
            } else {
                Map<String, Tensor> e = TaskEmbedder.embed(task, fx, cache, config.clipBatch(), backend, listener);
                results.add(evaluate(task, fx.name(), e));
            }
        }
        return new TaskComparison(task.name(), task.dir().toString(), task.size(), task.labels().size(), results);
    }

    /** Evaluates precomputed timestamp embeddings (split -> one per clip) of the event task {@code task}. */
    public TaskResult evaluateEvents(HearTask task, String system, Map<String, List<FeatureExtractor.Timestamps>> embeddings) {
        if (!task.isEvent()) {
            throw new IllegalArgumentException("task '" + task.name() + "' is a scene task; evaluate its scene embeddings");
        }
        return EventEvaluator.evaluate(backend, config, listener, task, system, embeddings);
    }

    /** Evaluates precomputed embeddings ({@code split -> (N, dim)}) of {@code task} under the protocol. */
    public TaskResult evaluate(HearTask task, String system, Map<String, Tensor> embeddings) {
        if (task.isEvent()) {
            throw new IllegalArgumentException("task '" + task.name() + "' is an event task; evaluate timestamp embeddings"
                    + " with evaluateEvents");
        }
        TaskMetadata meta = task.metadata();
        List<Metric> metrics = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String key : meta.evaluation()) {
            Optional<Metric> m = Metric.fromKey(key);
            if (m.isPresent()) {
                metrics.add(m.get());
            } else if (metrics.isEmpty()) {
                throw new IllegalArgumentException("task '" + task.name() + "': primary metric '" + key
                        + "' is not supported (supported: " + Metric.keys() + ")");
            } else {
                notes.add("metric '" + key + "' is not computed by this evaluator (supported: " + Metric.keys() + ")");
            }
        }
        int[] pitches = metrics.contains(Metric.CHROMA_ACC) ? pitches(task) : null;
        boolean multiclass = meta.predictionType() == TaskMetadata.PredictionType.MULTICLASS;
        ProbeLoss loss = multiclass ? ProbeLoss.SOFTMAX_CE : ProbeLoss.SIGMOID_BCE;
        Metric primary = metrics.getFirst();
        ProbeTrainer.Scorer scorer = (p, y) -> primary.score(p, y, pitches);
        ProbeConfig pc = config.probe();
        List<DataSplit> runs = task.runs();
        int classes = task.labels().size();
        double[][][] scores = new double[metrics.size()][config.seeds()][runs.size()];
        double[] chosen = new double[config.seeds()];
        int[][] confusion = multiclass ? new int[classes][classes] : null;
        List<ProbeData[]> data = new ArrayList<>(runs.size());
        for (DataSplit run : runs) {
            data.add(splitData(task, run, embeddings, pc.standardize()));
        }
        for (int s = 0; s < config.seeds(); s++) {
            double dropout = Double.NaN;
            for (DataSplit run : runs) {
                ProbeData[] d = data.get(run.index()); // train, valid, test
                ProbeTrainer.Result r;
                if (run.index() == 0) {
                    r = null;
                    for (int g = 0; g < pc.dropouts().size(); g++) {
                        ProbeTrainer.Result cand = ProbeTrainer.train(backend, pc, pc.dropouts().get(g), d[0], d[1], loss,
                                scorer, probeSeed(s, 0, g));
                        if (r == null || better(cand.validScore(), r.validScore())) {
                            r = cand;
                        }
                        if (pc.dropouts().size() > 1) {
                            listener.probeTrained(system, task.name(), s, run, cand, true, Double.NaN);
                        }
                    }
                    dropout = r.dropout();
                } else {
                    r = ProbeTrainer.train(backend, pc, dropout, d[0], d[1], loss, scorer, probeSeed(s, run.index(), 0));
                }
                Tensor probs = r.probe().predict(backend, d[2].x());
                for (int m = 0; m < metrics.size(); m++) {
                    scores[m][s][run.index()] = metrics.get(m).score(probs, d[2].y(), pitches);
                }
                if (s == 0 && confusion != null) {
                    add(confusion, Metrics.confusion(probs, d[2].y()));
                }
                listener.probeTrained(system, task.name(), s, run, r, false, scores[0][s][run.index()]);
            }
            chosen[s] = dropout;
            listener.seedFinished(system, task.name(), s, TaskResult.MetricResult.seedMean(scores[0][s]));
        }
        List<TaskResult.MetricResult> results = new ArrayList<>(metrics.size());
        for (int m = 0; m < metrics.size(); m++) {
            results.add(TaskResult.MetricResult.of(metrics.get(m).key(), scores[m]));
        }
        return new TaskResult(task.name(), system, results, chosen, confusion, task.labels(), notes);
    }

    /** The seed of one probe: {@code seed * 10^6 + run * 10^3 + grid}. */
    static long probeSeed(int seed, int run, int grid) {
        return seed * 1_000_000L + run * 1_000L + grid;
    }

    /** Strictly better; NaN loses to any number. */
    private static boolean better(double candidate, double best) {
        return !Double.isNaN(candidate) && (Double.isNaN(best) || candidate > best);
    }


    private static void add(int[][] into, int[][] m) {
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                into[i][j] += m[i][j];
            }
        }
    }

    private static int[] pitches(HearTask task) {
        int[] p = new int[task.labels().size()];
        for (int i = 0; i < p.length; i++) {
            String l = task.labels().get(i);
            try {
                p[i] = Integer.parseInt(l.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("task '" + task.name() + "': chroma_acc needs integer MIDI pitch labels, found '"
                        + l + "'", e);
            }
        }
        return p;
    }

    /** {train, valid, test} probe data of one run, standardised with the training rows when asked. */
    private static ProbeData[] splitData(HearTask task, DataSplit run, Map<String, Tensor> embeddings, boolean standardize) {
        ProbeData train = rows(task, run.train(), embeddings);
        ProbeData valid = rows(task, List.of(run.valid()), embeddings);
        ProbeData test = rows(task, List.of(run.test()), embeddings);
        if (!standardize) {
            return new ProbeData[] {train, valid, test};
        }
        Standardizer st = Standardizer.fit(train.x());
        return new ProbeData[] {new ProbeData(st.apply(train.x()), train.y()), new ProbeData(st.apply(valid.x()), valid.y()),
            new ProbeData(st.apply(test.x()), test.y())};
    }

    /** The rows of {@code splits}, in order: embeddings {@code (N, dim)} and multi-hot targets {@code (N, C)}. */
    private static ProbeData rows(HearTask task, List<String> splits, Map<String, Tensor> embeddings) {
        int n = 0;
        int dim = -1;
        for (String s : splits) {
            Tensor e = embeddings.get(s);
            if (e == null || e.rank() != 2 || e.dim(0) != task.clips(s).size()) {
                throw new IllegalArgumentException("task '" + task.name() + "': embeddings of split '" + s + "' are "
                        + (e == null ? "missing" : e.shapeString()) + ", expected (" + task.clips(s).size() + ", dim)");
            }
            if (dim >= 0 && e.dim(1) != dim) {
                throw new IllegalArgumentException("task '" + task.name() + "': split '" + s + "' has embeddings of width "
                        + e.dim(1) + ", the splits before it " + dim);
            }
            dim = e.dim(1);
            n += e.dim(0);
        }
        int c = task.labels().size();
        Tensor x = Tensor.zeros(n, dim);
        Tensor y = Tensor.zeros(n, c);
        int row = 0;
        for (String s : splits) {
            Tensor e = embeddings.get(s);
            System.arraycopy(e.data(), e.offset(), x.data(), row * dim, e.size());
            for (HearTask.Clip clip : task.clips(s)) {
                for (int k : clip.classes()) {
                    y.data()[row * c + k] = 1f;
                }
                row++;
            }
        }
        return new ProbeData(x, y);
    }
}
