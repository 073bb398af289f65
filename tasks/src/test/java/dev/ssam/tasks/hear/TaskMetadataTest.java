package dev.ssam.tasks.hear;

import dev.ssam.runtime.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event postprocessing grid of task_metadata.json: where hear-eval-kit reads it, its defaults and every rejection. */
class TaskMetadataTest {
    @TempDir
    Path tmp;

    /** An event task's metadata with {@code extra} (JSON members, or "") after the required keys. */
    private Path write(String extra) throws IOException {
        String json = "{\"task_name\": \"dcase\", \"embedding_type\": \"event\", \"prediction_type\": \"multilabel\","
                + " \"split_mode\": \"trainvaltest\", \"evaluation\": [\"event_onset_200ms_fms\", \"segment_1s_er\"]"
                + (extra.isEmpty() ? "" : ", " + extra) + "}";
        Path f = tmp.resolve("task_metadata.json");
        Files.writeString(f, json);
        return f;
    }

    private static String grid(String body) {
        return "\"evaluation_params\": {\"event_postprocessing_grid\": {" + body + "}}";
    }

    @Test
    void gridIsReadFromEvaluationParamsInFileOrder() throws IOException {
        TaskMetadata m = TaskMetadata.read(write(grid("\"median_filter_ms\": [150, 0], \"min_duration\": [50.5]")));
        assertEquals(List.of(150.0, 0.0), m.eventPostprocessingGrid().medianFilterMs());
        assertEquals(List.of(50.5), m.eventPostprocessingGrid().minDurationMs());
        assertSame(m.eventPostprocessingGrid(), m.effectivePostprocessingGrid());
    }

    @Test
    void otherEvaluationParamsAreIgnored() throws IOException {
        TaskMetadata m = TaskMetadata.read(write("\"evaluation_params\": {\"task_specific_param_grid\": {\"dropout\": [0.1]}}"));
        assertNull(m.eventPostprocessingGrid());
        assertSame(TaskMetadata.PostprocessingGrid.HEAR_DEFAULT, m.effectivePostprocessingGrid());
    }

    @Test
    void absentGridUsesTheKitsDefault() throws IOException {
        TaskMetadata m = TaskMetadata.read(write(""));
        assertNull(m.eventPostprocessingGrid());
        TaskMetadata.PostprocessingGrid d = m.effectivePostprocessingGrid();
        // heareval/predictions/task_predictions.py: EVENT_POSTPROCESSING_GRID
        assertEquals(List.of(250.0), d.medianFilterMs());
        assertEquals(List.of(125.0, 250.0), d.minDurationMs());
        assertEquals("median_filter_ms [250] x min_duration [125, 250]", d.summary());
    }

    @Test
    void constructorWithoutGridKeepsWorking() {
        TaskMetadata m = new TaskMetadata("n", "full", TaskMetadata.EmbeddingType.EVENT, TaskMetadata.PredictionType.MULTILABEL,
                "trainvaltest", List.of("train", "valid", "test"), 2.0, List.of("event_onset_200ms_fms"), "CC0");
        assertNull(m.eventPostprocessingGrid());
        assertFalse(m.toJson().contains("evaluation_params"), m.toJson());
    }

    @Test
    void gridIsWrittenBackAndRoundTrips() throws IOException {
        TaskMetadata.PostprocessingGrid g = new TaskMetadata.PostprocessingGrid(List.of(150.0, 0.0), List.of(50.0));
        TaskMetadata m = new TaskMetadata("n", "full", TaskMetadata.EmbeddingType.EVENT, TaskMetadata.PredictionType.MULTILABEL,
                "trainvaltest", List.of("train", "valid", "test"), 2.0, List.of("event_onset_200ms_fms"), "CC0", g);
        String json = m.toJson();
        assertTrue(json.contains("    \"evaluation_params\": {\"event_postprocessing_grid\":"
                + "{\"median_filter_ms\":[150.0,0.0],\"min_duration\":[50.0]}},\n"), json);
        Path f = tmp.resolve("m.json");
        Files.writeString(f, json);
        assertEquals(m, TaskMetadata.read(f));
    }

    /** Each bad grid: the JSON members, then words the message must hold besides the file name. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"evaluation_params\": [1]| \"evaluation_params\" is [1], expected an object",
        "\"evaluation_params\": null| \"evaluation_params\" is null, expected an object",
        "\"evaluation_params\": {\"event_postprocessing_grid\": [250]}| \"evaluation_params.event_postprocessing_grid\" is [250], expected an object",
        "\"event_postprocessing_grid\": {\"median_filter_ms\": [250], \"min_duration\": [125]}| \"event_postprocessing_grid\" is a top-level key",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"min_duration\": [125]}}| \"evaluation_params.event_postprocessing_grid.median_filter_ms\" is missing",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [250]}}| \"evaluation_params.event_postprocessing_grid.min_duration\" is missing",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [], \"min_duration\": [125]}}| \"evaluation_params.event_postprocessing_grid.median_filter_ms\" is empty",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [250], \"min_duration\": []}}| \"evaluation_params.event_postprocessing_grid.min_duration\" is empty",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [250], \"min_duration\": 125}}| \"evaluation_params.event_postprocessing_grid.min_duration\" is 125, expected a non-empty list",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [\"250\"], \"min_duration\": [125]}}| \"evaluation_params.event_postprocessing_grid.median_filter_ms\" holds \"250\", expected numbers",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [250], \"min_duration\": [true]}}| \"evaluation_params.event_postprocessing_grid.min_duration\" holds true, expected numbers",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [250], \"min_duration\": [null]}}| \"evaluation_params.event_postprocessing_grid.min_duration\" holds null, expected numbers",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [250, -1], \"min_duration\": [125]}}| \"evaluation_params.event_postprocessing_grid.median_filter_ms\" holds -1.0, expected milliseconds >= 0",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [250], \"min_duration\": [-0.5]}}| \"evaluation_params.event_postprocessing_grid.min_duration\" holds -0.5, expected milliseconds >= 0",
        "\"evaluation_params\": {\"event_postprocessing_grid\": {\"median_filter_ms\": [250], \"min_duration\": [125], \"threshold\": [0.5]}}| \"evaluation_params.event_postprocessing_grid.threshold\" is not a postprocessing parameter",
    })
    void rejectsBadGrids(String members, String expected) throws IOException {
        Path f = write(members);
        FileFormatException e = assertThrows(FileFormatException.class, () -> TaskMetadata.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected.strip()), e.getMessage());
    }

    @Test
    void gridRecordRejectsEmptyAndNonFiniteValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TaskMetadata.PostprocessingGrid(List.of(250.0), List.of(Double.NaN)));
        assertTrue(e.getMessage().contains("\"evaluation_params.event_postprocessing_grid.min_duration\" holds NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskMetadata.PostprocessingGrid(List.of(), List.of(125.0)));
        assertTrue(e.getMessage().contains("\"evaluation_params.event_postprocessing_grid.median_filter_ms\" is empty"), e.getMessage());
    }
}
