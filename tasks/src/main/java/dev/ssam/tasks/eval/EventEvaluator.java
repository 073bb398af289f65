package dev.ssam.tasks.eval;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.tasks.hear.DataSplit;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.probe.ProbeConfig;
import dev.ssam.tasks.probe.ProbeData;
import dev.ssam.tasks.probe.ProbeLoss;
import dev.ssam.tasks.probe.ProbeTrainer;
import dev.ssam.tasks.probe.Standardizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HEAR protocol on event tasks, as hear-eval-kit runs them: a frame-level probe on timestamp
 * embeddings, scored by event onset F-measures ({@link EventMetrics}).
 *
 * <p>Every timestamp embedding of every clip is one probe row, labelled multi-hot with the
 * events covering its time ({@link EventMetrics#frameTargets}); the probe trains with sigmoid
 * binary cross-entropy on the training splits' frames in file order. Validation turns the
 * validation frames' probabilities into events under every setting of the postprocessing grid
 * ({@link EventMetrics#HEAR_GRID}) and scores the best of them with the primary metric; after
 * training, the setting that is best on the validation split with the best checkpoint is applied
 * to the test split, which is scored with every supported metric. Seeds, runs, the dropout grid,
 * probe seeds and the t-interval are those of {@link Evaluator}.
 *
 * <p>Metrics: {@code event_onset_<N>ms_fms} (onset-only matching with an N ms collar,
 * micro-averaged F). Others ({@code segment_1s_er}) are noted as not computed.
 */
final class EventEvaluator {
    private static final Pattern ONSET = Pattern.compile("event_onset_(\\d+)ms_fms");

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

        double score(Tensor probs, EventMetrics.Postprocessing pp, double collarMs) {
            return EventMetrics.onsetFMeasure(reference, decode(probs, pp), collarMs);
        }
    }

    static TaskResult evaluate(Backend backend, EvalConfig config, EvalListener listener, HearTask task, String system,
                               Map<String, List<FeatureExtractor.Timestamps>> embeddings) {
        List<String> keys = new ArrayList<>();
        List<Double> collars = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String key : task.metadata().evaluation()) {
            Matcher m = ONSET.matcher(key);
            if (m.matches()) {
                keys.add(key);
                collars.add(Double.parseDouble(m.group(1)));
            } else if (keys.isEmpty()) {
                throw new IllegalArgumentException("task '" + task.name() + "': primary metric '" + key
                        + "' is not supported for event tasks (supported: event_onset_<N>ms_fms)");
            } else {
                notes.add("metric '" + key + "' is not computed by this evaluator (supported for event tasks: event_onset_<N>ms_fms)");
            }
        }
        double primaryCollar = collars.getFirst();
        ProbeConfig pc = config.probe();
        List<DataSplit> runs = task.runs();
        int classes = task.labels().size();
        double[][][] scores = new double[keys.size()][config.seeds()][runs.size()];
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
                ProbeTrainer.Scorer scorer = (p, y) -> best(valid, p, primaryCollar)[1];
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
                int pp = (int) best(valid, r.probe().predict(backend, valid.data().x()), primaryCollar)[0];
                chosenPp[s][run.index()] = pp;
                Tensor probs = r.probe().predict(backend, d[2].data().x());
                for (int m = 0; m < keys.size(); m++) {
                    scores[m][s][run.index()] = d[2].score(probs, EventMetrics.HEAR_GRID.get(pp), collars.get(m));
                }
                listener.probeTrained(system, task.name(), s, run, r, false, scores[0][s][run.index()]);
            }
            chosen[s] = dropout;
            listener.seedFinished(system, task.name(), s, mean(scores[0][s]));
        }
        List<TaskResult.MetricResult> results = new ArrayList<>(keys.size());
        for (int m = 0; m < keys.size(); m++) {
            double[] perSeed = new double[config.seeds()];
            for (int s = 0; s < config.seeds(); s++) {
                perSeed[s] = mean(scores[m][s]);
            }
            results.add(new TaskResult.MetricResult(keys.get(m), scores[m], TInterval.of(perSeed)));
        }
        int[] uses = new int[EventMetrics.HEAR_GRID.size()];
        for (int[] perRun : chosenPp) {
            for (int pp : perRun) {
                uses[pp]++;
            }
        }
        StringBuilder pps = new StringBuilder("event postprocessing (threshold 0.5) chosen on validation:");
        for (int g = 0; g < uses.length; g++) {
            pps.append(g == 0 ? " " : "; ").append(EventMetrics.HEAR_GRID.get(g).summary()).append(" x").append(uses[g]);
        }
        notes.add(pps.toString());
        return new TaskResult(task.name(), system, results, chosen, null, task.labels(), notes);
    }

    /** {index into the grid, score} of the best postprocessing setting on {@code valid} (first on ties). */
    private static double[] best(Frames valid, Tensor probs, double collarMs) {
        int best = 0;
        double bestScore = Double.NaN;
        for (int g = 0; g < EventMetrics.HEAR_GRID.size(); g++) {
            double v = valid.score(probs, EventMetrics.HEAR_GRID.get(g), collarMs);
            if (g == 0 || v > bestScore) {
                best = g;
                bestScore = v;
            }
        }
        return new double[] {best, bestScore};
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

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
