package dev.ssam.tasks.eval;

import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.GoldenFiles;
import dev.ssam.tasks.hear.EventTasks;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.hear.TaskMetadata;
import dev.ssam.tasks.probe.ProbeConfig;
import dev.ssam.tasks.probe.ProbeKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event protocol on the synthetic event task: oracle frame embeddings, then real extractors end to end. */
class EventEvaluatorTest {
    @TempDir
    static Path tmp;
    static HearTask task;

    @BeforeAll
    static void buildTask() throws IOException {
        task = HearTask.open(EventTasks.synthetic(tmp.resolve("events"), 3, 1.0).dir());
    }

    /** Frames every 40 ms whose embedding is the frame's multi-hot target plus a little noise. */
    private static Map<String, List<FeatureExtractor.Timestamps>> oracle(HearTask t) {
        SplittableRandom r = new SplittableRandom(3);
        int c = t.labels().size();
        Map<String, List<FeatureExtractor.Timestamps>> out = new LinkedHashMap<>();
        for (String s : t.splits()) {
            List<FeatureExtractor.Timestamps> list = new ArrayList<>();
            for (HearTask.Clip clip : t.clips(s)) {
                float[] times = new float[25];
                for (int i = 0; i < times.length; i++) {
                    times[i] = 40f * i;
                }
                Tensor y = EventMetrics.frameTargets(clip.events(), times, c);
                Tensor x = Tensor.zeros(times.length, c + 2);
                for (int i = 0; i < times.length; i++) {
                    for (int k = 0; k < c + 2; k++) {
                        x.data()[i * (c + 2) + k] = (k < c ? y.data()[i * c + k] : 0f) + (float) (0.05 * r.nextGaussian());
                    }
                }
                list.add(new FeatureExtractor.Timestamps(x, times));
            }
            out.put(s, list);
        }
        return out;
    }

    /**
     * Decoding the true frame targets themselves scores 0.79 on this task (same-class events that
     * overlap merge into one, events under 125 ms are dropped), so a probe that learns the frames
     * must come close to that.
     */
    @Test
    void oracleFramesGiveHighOnsetScores() {
        ProbeConfig strong = new ProbeConfig(ProbeKind.LINEAR, 0, List.of(0.0), 0.1, 1024, 300, 10, 10, true);
        EvalConfig cfg = new EvalConfig(strong, 1, 8, 0L, null);
        TaskResult r = new Evaluator(Backend.ref(), cfg, null).evaluateEvents(task, "oracle", oracle(task));
        assertEquals("event_onset_200ms_fms", r.primary().metric());
        assertEquals("event_onset_50ms_fms", r.metrics().get(1).metric());
        assertEquals(5, r.primary().perSeed()[0].length);
        assertTrue(r.primary().interval().mean() > 0.7, "onset F " + r.primary().interval().mean());
        assertTrue(r.notes().getLast().startsWith("event postprocessing (threshold 0.5) chosen on validation:"),
                r.notes().toString());
        assertEquals(null, r.confusion());
    }

    /**
     * A task whose metadata gives its own grid and lists segment_1s_er first: the grid's four
     * settings are the ones tried and reported, and the error rate (lower is better) is the primary.
     */
    @Test
    void taskGridAndSegmentErrorRateAreUsed() throws IOException {
        Path dir = EventTasks.synthetic(tmp.resolve("events-grid"), 3, 1.0).dir();
        TaskMetadata m = TaskMetadata.read(dir.resolve(HearTask.METADATA_FILE));
        TaskMetadata withGrid = new TaskMetadata(m.taskName(), m.mode(), m.embeddingType(), m.predictionType(), m.splitMode(),
                m.splits(), m.sampleDuration(), List.of("segment_1s_er", "event_onset_200ms_fms", "event_onset_offset_50ms_fms"),
                m.license(), new TaskMetadata.PostprocessingGrid(List.of(0.0, 120.0), List.of(0.0, 125.0)));
        Files.writeString(dir.resolve(HearTask.METADATA_FILE), withGrid.toJson());
        HearTask t = HearTask.open(dir);
        ProbeConfig strong = new ProbeConfig(ProbeKind.LINEAR, 0, List.of(0.0), 0.1, 1024, 300, 10, 10, true);
        TaskResult r = new Evaluator(Backend.ref(), new EvalConfig(strong, 1, 8, 0L, null), null).evaluateEvents(t, "oracle", oracle(t));
        assertEquals(List.of("segment_1s_er", "event_onset_200ms_fms"), r.metrics().stream().map(TaskResult.MetricResult::metric).toList());
        double er = r.primary().interval().mean();
        assertTrue(er >= 0 && er < 0.5, "oracle frames give a low segment error rate: " + er);
        assertTrue(r.metrics().get(1).interval().mean() > 0.7, "onset F " + r.metrics().get(1).interval().mean());
        assertTrue(r.notes().contains("metric 'segment_1s_er' is an error rate: lower is better, and it can exceed 1"), r.notes().toString());
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("metric 'event_onset_offset_50ms_fms' is not computed")), r.notes().toString());
        String pp = r.notes().getLast();
        assertTrue(pp.startsWith("event postprocessing (threshold 0.5) chosen on validation: median filter 0 ms, min duration 0 ms x"), pp);
        assertTrue(pp.contains("; median filter 0 ms, min duration 125 ms x") && pp.contains("; median filter 120 ms, min duration 0 ms x")
                && pp.contains("; median filter 120 ms, min duration 125 ms x"), pp);
        assertTrue(pp.endsWith(" (grid from the task's evaluation_params.event_postprocessing_grid: median_filter_ms [0, 120]"
                + " x min_duration [0, 125] ms)"), pp);
    }

    @Test
    void defaultGridIsNamedInTheNotes() {
        ProbeConfig quick = new ProbeConfig(ProbeKind.LINEAR, 0, List.of(0.0), 0.1, 1024, 5, 10, 10, true);
        TaskResult r = new Evaluator(Backend.ref(), new EvalConfig(quick, 1, 8, 0L, null), null).evaluateEvents(task, "oracle", oracle(task));
        assertTrue(r.notes().getLast().endsWith(" (grid hear-eval-kit default EVENT_POSTPROCESSING_GRID: median_filter_ms [250]"
                + " x min_duration [125, 250] ms)"), r.notes().getLast());
    }

    @Test
    void sceneEmbeddingsOfAnEventTaskAreRejected() {
        Evaluator ev = new Evaluator(Backend.ref(), new EvalConfig(ProbeConfig.linear(), 1, 8, 0L, null), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ev.evaluate(task, "x", Map.of()));
        assertTrue(e.getMessage().contains("event task"), e.getMessage());
    }

    @Test
    void modelAndLogMelBaselineRunEndToEnd() throws IOException {
        EvalConfig cfg = new EvalConfig(ProbeConfig.linear().withMaxEpochs(4), 1, 8, 0L, null);
        try (Backend cpu = Backend.cpu(2)) {
            Evaluator ev = new Evaluator(cpu, cfg, null);
            SsamFeatures model = SsamFeatures.fromWeights(GoldenFiles.resource(getClass(), "micro.safetensors"), cpu);
            TaskComparison c = ev.compare(task, List.of(model, new LogMelStats(cpu)));
            assertEquals(2, c.results().size());
            for (TaskResult r : c.results()) {
                double f = r.primary().interval().mean();
                assertTrue(f >= 0 && f <= 1, r.system() + ": onset F " + f);
                assertEquals(2, r.metrics().size());
            }
        }
    }
}
