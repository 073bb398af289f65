package dev.ssam.tasks.hear;

import dev.ssam.runtime.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HearTaskTest {
    @TempDir
    Path tmp;

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void readsValidKfoldTask() throws IOException {
        HearTask t = HearTask.open(TaskFixtures.threeFolds(tmp.resolve("t")));
        assertEquals("fixture", t.name());
        assertEquals(List.of("fold00", "fold01", "fold02"), t.splits());
        assertEquals(List.of("a", "b"), t.labels());
        assertEquals(6, t.size());
        HearTask.Clip c = t.clips("fold01").get(1);
        assertEquals("b1.wav", c.file());
        assertArrayEquals(new int[] {1}, c.classes());
        assertTrue(Files.isRegularFile(c.audio()));
        assertEquals(3, t.runs().size());
    }

    @Test
    void rejectsMissingFolder() {
        assertThrows(NoSuchFileException.class, () -> HearTask.open(tmp.resolve("nope")));
    }

    @Test
    void rejectsMissingMetadata() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.delete(d.resolve("task_metadata.json"));
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "missing task_metadata.json", "not a HEAR task folder");
    }

    @Test
    void rejectsMetadataWithoutEvaluation() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("task_metadata.json"), "{\"task_name\": \"x\", \"embedding_type\": \"scene\", "
                + "\"prediction_type\": \"multiclass\", \"split_mode\": \"new_split_kfold\", \"nfolds\": 3}");
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "task_metadata.json", "\"evaluation\" is missing");
    }

    @Test
    void rejectsLabelForMissingFile() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.delete(d.resolve("16000/fold02/a2.wav"));
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "fold02.json labels 'a2.wav'", "does not exist");
    }

    @Test
    void rejectsUnknownSplitFile() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("fold07.json"), "{}");
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "unknown split 'fold07'", "[fold00, fold01, fold02]");
    }

    @Test
    void rejectsUnknownSplitNameInMetadata() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("task_metadata.json"),
                TaskFixtures.metadata("new_split_kfold", "[\"fold00\", \"fold01\", \"dev\"]", "scene", "multiclass"));
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "unknown split 'dev'");
    }

    @Test
    void rejectsTrainValTestWithWrongSplits() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("task_metadata.json"),
                TaskFixtures.metadata("trainvaltest", "[\"train\", \"dev\", \"test\"]", "scene", "multiclass"));
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "trainvaltest needs splits [train, valid, test]");
    }

    @Test
    void rejectsUnknownSplitRequest() throws IOException {
        HearTask t = HearTask.open(TaskFixtures.threeFolds(tmp.resolve("t")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.clips("test"));
        assertMessage(e, "unknown split 'test'");
    }

    @Test
    void rejectsMissingSplitFile() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.delete(d.resolve("fold01.json"));
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "missing fold01.json");
    }

    @Test
    void rejectsEmptyClassInVocabulary() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("labelvocabulary.csv"), "idx,label\n0,a\n1,b\n2,c\n");
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "class 'c' has no clips", "empty class");
    }

    @Test
    void rejectsLabelMissingFromVocabulary() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("labelvocabulary.csv"), "idx,label\n0,a\n");
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "'b'", "not in labelvocabulary.csv");
    }

    @Test
    void vocabularyFileFixesClassOrder() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("labelvocabulary.csv"), "idx,label\n0,b\n1,a\n");
        HearTask t = HearTask.open(d);
        assertEquals(List.of("b", "a"), t.labels());
        assertArrayEquals(new int[] {1}, t.clips("fold00").getFirst().classes());
    }

    /** The 3-fold fixture turned into an event task; fold00's a0.wav gets {@code events} (JSON list items). */
    private Path eventTask(String events) throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("task_metadata.json"), TaskFixtures.metadata("new_split_kfold", null, "event", "multilabel"));
        for (int f = 0; f < 3; f++) {
            String first = f == 0 ? events : "{\"label\": \"a\", \"start\": 0, \"end\": 10}";
            Files.writeString(d.resolve("fold0" + f + ".json"), "{\"a" + f + ".wav\": [" + first + "], \"b" + f
                    + ".wav\": [{\"label\": \"b\", \"start\": 5.5, \"end\": 20}, {\"label\": \"a\", \"start\": 1, \"end\": 2}]}");
        }
        return d;
    }

    @Test
    void readsEventTasks() throws IOException {
        HearTask t = HearTask.open(eventTask("{\"label\": \"b\", \"start\": 12.5, \"end\": 40}"));
        assertTrue(t.isEvent());
        assertEquals(List.of("a", "b"), t.labels());
        HearTask.Clip a0 = t.clips("fold00").getFirst();
        assertEquals(List.of(new HearTask.Event(1, 12.5, 40)), a0.events());
        HearTask.Clip b1 = t.clips("fold01").get(1);
        assertEquals(List.of(new HearTask.Event(1, 5.5, 20), new HearTask.Event(0, 1, 2)), b1.events(), "file order");
        assertArrayEquals(new int[] {0, 1}, b1.classes());
        assertTrue(HearTask.open(eventTask("")).clips("fold00").getFirst().events().isEmpty(), "a clip may have no events");
    }

    @Test
    void rejectsMalformedEvents() throws IOException {
        assertMessage(assertThrows(FileFormatException.class, () -> HearTask.open(eventTask("\"a\""))),
                "fold00.json", "'a0.wav' has event \"a\"", "expected {\"label\": name, \"start\": ms, \"end\": ms}");
        assertMessage(assertThrows(FileFormatException.class,
                () -> HearTask.open(eventTask("{\"label\": \"a\", \"start\": 10}"))), "'a0.wav' has event");
        assertMessage(assertThrows(FileFormatException.class,
                () -> HearTask.open(eventTask("{\"label\": \"a\", \"start\": 30, \"end\": 20}"))),
                "start 30.0 ms and end 20.0 ms", "0 <= start <= end");
        assertMessage(assertThrows(FileFormatException.class,
                () -> HearTask.open(eventTask("{\"label\": \"a\", \"start\": -1, \"end\": 20}"))), "start -1.0 ms");
        Path unknown = eventTask("{\"label\": \"c\", \"start\": 0, \"end\": 20}");
        Files.writeString(unknown.resolve("labelvocabulary.csv"), "idx,label\n0,a\n1,b\n");
        assertMessage(assertThrows(FileFormatException.class, () -> HearTask.open(unknown)), "'c'", "not in labelvocabulary.csv");
        Path d = eventTask("{\"label\": \"b\", \"start\": 0, \"end\": 20}");
        Files.writeString(d.resolve("labelvocabulary.csv"), "idx,label\n0,a\n1,b\n2,c\n");
        assertMessage(assertThrows(FileFormatException.class, () -> HearTask.open(d)), "class 'c' has no clips");
    }

    @Test
    void rejectsMulticlassEventTasksAndSceneLabelsInThem() throws IOException {
        Path d = eventTask("{\"label\": \"b\", \"start\": 0, \"end\": 20}");
        Files.writeString(d.resolve("task_metadata.json"), TaskFixtures.metadata("new_split_kfold", null, "event", "multiclass"));
        assertMessage(assertThrows(FileFormatException.class, () -> HearTask.open(d)), "event tasks are multilabel");
        Path scene = TaskFixtures.threeFolds(tmp.resolve("s"));
        Files.writeString(scene.resolve("task_metadata.json"), TaskFixtures.metadata("new_split_kfold", null, "event", "multilabel"));
        assertMessage(assertThrows(FileFormatException.class, () -> HearTask.open(scene)), "'a0.wav' has event \"a\"");
    }

    @Test
    void rejectsMulticlassClipWithTwoLabels() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Map<String, List<String>> labels = new LinkedHashMap<>();
        labels.put("a0.wav", List.of("a", "b"));
        labels.put("b0.wav", List.of("b"));
        TaskFixtures.writeSplit(d, "fold00", labels);
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "'a0.wav' has 2 labels", "exactly one");
    }

    @Test
    void rejectsEmptySplit() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("fold02.json"), "{}");
        FileFormatException e = assertThrows(FileFormatException.class, () -> HearTask.open(d));
        assertMessage(e, "split 'fold02' has no clips");
    }

    @Test
    void multilabelClipsKeepAllClasses() throws IOException {
        Path d = TaskFixtures.threeFolds(tmp.resolve("t"));
        Files.writeString(d.resolve("task_metadata.json"), TaskFixtures.metadata("new_split_kfold", null, "scene", "multilabel"));
        Map<String, List<String>> labels = new LinkedHashMap<>();
        labels.put("a0.wav", List.of("b", "a"));
        labels.put("b0.wav", List.of("b"));
        TaskFixtures.writeSplit(d, "fold00", labels);
        assertArrayEquals(new int[] {0, 1}, HearTask.open(d).clips("fold00").getFirst().classes());
    }

    @Test
    void integerLabelsSortNumerically() {
        assertEquals(List.of("9", "21", "100"), HearTask.sortLabels(List.of("100", "21", "9")));
        assertEquals(List.of("100", "21", "x"), HearTask.sortLabels(List.of("x", "21", "100")));
    }

    @Test
    void metadataRoundTripsThroughJson() throws IOException {
        TaskMetadata m = new TaskMetadata("n", "full", TaskMetadata.EmbeddingType.SCENE, TaskMetadata.PredictionType.MULTILABEL,
                "new_split_kfold", TaskMetadata.foldNames(4), 1.5, List.of("mAP", "d_prime"), "CC0");
        Path f = tmp.resolve("m.json");
        Files.writeString(f, m.toJson());
        assertEquals(m, TaskMetadata.read(f));
    }
}
