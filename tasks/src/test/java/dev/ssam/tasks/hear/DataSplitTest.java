package dev.ssam.tasks.hear;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSplitTest {
    @Test
    void foldRotationTestsFoldIAndValidatesNext() {
        List<String> folds = TaskMetadata.foldNames(5);
        List<DataSplit> runs = DataSplit.fromFolds(List.of("fold03", "fold00", "fold04", "fold02", "fold01"));
        assertEquals(5, runs.size());
        for (int i = 0; i < 5; i++) {
            DataSplit r = runs.get(i);
            assertEquals(i, r.index());
            assertEquals(folds.get(i), r.test());
            assertEquals(folds.get((i + 1) % 5), r.valid());
            assertEquals(3, r.train().size());
            assertTrue(!r.train().contains(r.test()) && !r.train().contains(r.valid()));
        }
        assertEquals(List.of("fold01", "fold02", "fold03"), runs.get(4).train());
        assertEquals(List.of("fold00", "fold03", "fold04"), runs.get(1).train());
    }

    @Test
    void trainValTestHasOneRun() {
        TaskMetadata m = new TaskMetadata("t", null, TaskMetadata.EmbeddingType.SCENE, TaskMetadata.PredictionType.MULTICLASS,
                "trainvaltest", List.of("train", "valid", "test"), 1.0, List.of("top1_acc"), null);
        assertEquals(List.of(new DataSplit(0, List.of("train"), "valid", "test")), DataSplit.of(m));
    }

    @Test
    void rejectsTooFewOrRepeatedFolds() {
        assertThrows(IllegalArgumentException.class, () -> DataSplit.fromFolds(List.of("fold00", "fold01")));
        assertThrows(IllegalArgumentException.class, () -> DataSplit.fromFolds(List.of("fold00", "fold01", "fold01")));
    }
}
