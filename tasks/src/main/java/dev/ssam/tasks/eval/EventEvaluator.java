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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HEAR protocol on event tasks, as hear-eval-kit runs them: a frame-level probe on timestamp
 * embeddings, scored by event onset F-measures and the segment error rate ({@link EventMetrics}).
 *
 * <p>Every timestamp embedding of every clip is one probe row, labelled multi-hot with the
 * events covering its time ({@link EventMetrics#frameTargets}); the probe trains with sigmoid
 * binary cross-entropy on the training splits' frames in file order. Validation turns the
 * validation frames' probabilities into events under every setting of the task's postprocessing
 * grid ({@link TaskMetadata#effectivePostprocessingGrid()}, enumerated by
 * {@link EventMetrics#settings}) and scores the best of them ({@link EventMetrics#choose}) with the
 * primary metric; after training, the setting that is best on the validation split with the best
 * checkpoint is applied to the test split, which is scored with every supported metric. Seeds,
 * runs, the dropout grid, probe seeds and the t-interval are those of {@link Evaluator}. The
 * notes say which grid was used and how often each setting was chosen.
 *
 * <p>Metrics ({@link EventMetrics.Score}): {@code event_onset_<N>ms_fms} (onset-only matching
 * with an N ms collar, micro-averaged F; higher is better) and {@code segment_1s_er} (sed_eval's
 * segment-based error rate over 1 s segments; lower is better). Other names are noted as not
 * computed. The probe trainer keeps the checkpoint and dropout with the largest validation
 * score, so a lower-is-better primary reaches it negated (its validation scores read -ER); test
 * scores are reported as the metric defines them.
 */
final class EventEvaluator {
    private EventEvaluator() {
    }

    /** One split's frames: probe rows, each clip's row range and frame times, and the reference events. */
    private record Frames(ProbeData data, int[] clipStart, List<float[]> times, List<List<HearTask.Event>> reference) {
        List<List<HearTask.Event>> decode(Tensor probs, EventMetrics.Postprocessing pp) {
            List<List<HearTask.Event>> out = new ArrayList<>(times.size());
            for (int i = 0; i < times.size(); i++) {
                out.add(EventMetrics.events(probs.slice0(clipStart[i], clipStart[i + 1]), times.get(i), pp));
            }
            return out;
        }

        double score(Tensor probs, EventMetrics.Postprocessing pp, EventMetrics.Score metric) {
            return metric.evaluate(reference, decode(probs, pp));
        }
    }

    static TaskResult evaluate(Backend backend, EvalConfig config, EvalListener listener, HearTask task, String system,
                               Map<String, List<FeatureExtractor.Timestamps>> embeddings) {
        List<EventMetrics.Score> metrics = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String key : task.metadata().evaluation()) {
            Optional<EventMetrics.Score> metric = EventMetrics.Score.of(key);
            if (metric.isPresent()) {
                metrics.add(metric.get());
                if (!metric.get().higherIsBetter()) {
                    notes.add("metric '" + key + "' is an error rate: lower is better, and it can exceed 1");
                }
            } else if (metrics.isEmpty()) {
                throw new IllegalArgumentException("task '" + task.name() + "': primary metric '" + key
                        + "' is not supported for event tasks (supported: " + EventMetrics.Score.SUPPORTED + ")");
            } else {
                notes.add("metric '" + key + "' is not computed by this evaluator (supported for event tasks: "
                        + EventMetrics.Score.SUPPORTED + ")");
            }
        }
        EventMetrics.Score primary = metrics.getFirst();
        TaskMetadata.PostprocessingGrid grid = task.metadata().effectivePostprocessingGrid();
        List<EventMetrics.Postprocessing> settings = EventMetrics.settings(grid);
        ProbeConfig pc = config.probe();
        List<DataSplit> runs = task.runs();
        int classes = task.labels().size();
        double[][][] scores = new double[metrics.size()][config.seeds()][runs.size()];
        double[] chosen = new double[config.seeds()];
        int[][] chosenPp = new int[config.seeds()][runs.size()];
        List<Frames[]> data = new ArrayList<>(runs.size());
        for (DataSplit run : runs) {
            Frames train = frames(task, run.train(), embeddings, classes);
            Frames valid = frames(task, List.of(run.valid()), embeddings, classes);
            Frames test = frames(task, List.of(run.test()), embeddings, classes);
            if (pc.standardize()) {
                Standardizer st = Standardizer.fit(train.data().x());
                train = standardized(train, st);
                valid = standardized(valid, st);
                test = standardized(test, st);
            }
            data.add(new Frames[] {train, valid, test});
        }
        for (int s = 0; s < config.seeds(); s++) {
            double dropout = Double.NaN;
            for (DataSplit run : runs) {
                Frames[] d = data.get(run.index());
                Frames valid = d[1];
                ProbeTrainer.Scorer scorer = (p, y) -> {
                    double v = best(valid, p, primary, settings)[1];
                    return primary.higherIsBetter() ? v : -v;
                };
                ProbeTrainer.Result r;
                if (run.index() == 0) {
                    r = null;
                    for (int g = 0; g < pc.dropouts().size(); g++) {
                        ProbeTrainer.Result cand = ProbeTrainer.train(backend, pc, pc.dropouts().get(g), d[0].data(),
                                valid.data(), ProbeLoss.SIGMOID_BCE, scorer, Evaluator.probeSeed(s, 0, g));
                        if (r == null || (!Double.isNaN(cand.validScore())
                                && (Double.isNaN(r.validScore()) || cand.validScore() > r.validScore()))) {
                            r = cand;
                        }
                        if (pc.dropouts().size() > 1) {
                            listener.probeTrained(system, task.name(), s, run, cand, true, Double.NaN);
                        }
                    }
                    dropout = r.dropout();
                } else {
                    r = ProbeTrainer.train(backend, pc, dropout, d[0].data(), valid.data(), ProbeLoss.SIGMOID_BCE, scorer,
                            Evaluator.probeSeed(s, run.index(), 0));
                }
                int pp = (int) best(valid, r.probe().predict(backend, valid.data().x()), primary, settings)[0];
                chosenPp[s][run.index()] = pp;
                List<List<HearTask.Event>> events = d[2].decode(r.probe().predict(backend, d[2].data().x()), settings.get(pp));
                for (int m = 0; m < metrics.size(); m++) {
                    scores[m][s][run.index()] = metrics.get(m).evaluate(d[2].reference(), events);
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
        int[] uses = new int[settings.size()];
        for (int[] perRun : chosenPp) {
            for (int pp : perRun) {
                uses[pp]++;
            }
        }
        StringBuilder pps = new StringBuilder("event postprocessing (threshold 0.5) chosen on validation:");
        for (int g = 0; g < uses.length; g++) {
            pps.append(g == 0 ? " " : "; ").append(settings.get(g).summary()).append(" x").append(uses[g]);
        }
        pps.append(" (grid ").append(task.metadata().eventPostprocessingGrid() == null
                ? "hear-eval-kit default EVENT_POSTPROCESSING_GRID" : "from the task's evaluation_params.event_postprocessing_grid")
                .append(": ").append(grid.summary()).append(" ms)");
        notes.add(pps.toString());
        return new TaskResult(task.name(), system, results, chosen, null, task.labels(), notes);
    }

    /** {index into {@code settings}, score} of the setting the kit keeps on {@code valid} ({@link EventMetrics#choose}). */
    private static double[] best(Frames valid, Tensor probs, EventMetrics.Score metric, List<EventMetrics.Postprocessing> settings) {
        double[] v = new double[settings.size()];
        for (int g = 0; g < v.length; g++) {
            v[g] = valid.score(probs, settings.get(g), metric);
        }
        int best = EventMetrics.choose(v, settings, metric.higherIsBetter());
        return new double[] {best, v[best]};
    }

    private static Frames standardized(Frames f, Standardizer st) {
        return new Frames(new ProbeData(st.apply(f.data().x()), f.data().y()), f.clipStart(), f.times(), f.reference());
    }

    /** The frames of {@code splits}, in order: rows (F, width) and multi-hot targets (F, C). */
    private static Frames frames(HearTask task, List<String> splits, Map<String, List<FeatureExtractor.Timestamps>> embeddings,
                                 int classes) {
        List<FeatureExtractor.Timestamps> all = new ArrayList<>();
        List<HearTask.Clip> clips = new ArrayList<>();
        for (String s : splits) {
            List<FeatureExtractor.Timestamps> e = embeddings.get(s);
            if (e == null || e.size() != task.clips(s).size()) {
                throw new IllegalArgumentException("task '" + task.name() + "': timestamp embeddings of split '" + s + "' are "
                        + (e == null ? "missing" : "for " + e.size() + " clips") + ", expected " + task.clips(s).size());
            }
            all.addAll(e);
            clips.addAll(task.clips(s));
        }
        int width = all.getFirst().frames().dim(1);
        int[] start = new int[all.size() + 1];
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).frames().dim(1) != width) {
                throw new IllegalArgumentException("task '" + task.name() + "': clip '" + clips.get(i).file()
                        + "' has timestamp embeddings of width " + all.get(i).frames().dim(1) + ", the clips before it " + width);
            }
            start[i + 1] = start[i] + all.get(i).frames().dim(0);
        }
        Tensor x = Tensor.zeros(start[all.size()], width); // (F, width)
        Tensor y = Tensor.zeros(start[all.size()], classes); // (F, C)
        List<float[]> times = new ArrayList<>(all.size());
        List<List<HearTask.Event>> reference = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            Tensor f = all.get(i).frames();
            System.arraycopy(f.data(), f.offset(), x.data(), start[i] * width, f.size());
            Tensor t = EventMetrics.frameTargets(clips.get(i).events(), all.get(i).timesMs(), classes);
            System.arraycopy(t.data(), t.offset(), y.data(), start[i] * classes, t.size());
            times.add(all.get(i).timesMs());
            reference.add(clips.get(i).events());
        }
        return new Frames(new ProbeData(x, y), start, times, reference);
    }
}
