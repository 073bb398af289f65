package dev.ssam.tasks.hear;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * One training run of the HEAR protocol: which splits train the probe, which one selects the
 * checkpoint (validation) and which one scores it (test). Mirrors hear-eval-kit's
 * {@code data_splits_from_folds} and {@code get_splits_from_metadata}.
 *
 * <p>k-fold tasks: the folds are sorted; run i tests on fold i, validates on fold (i + 1) mod k
 * and trains on the rest, in sorted order. trainvaltest tasks have one run.
 *
 * <pre>{@code
 * List<DataSplit> runs = DataSplit.fromFolds(List.of("fold00", "fold01", "fold02"));
 * runs.get(2);   // test fold02, valid fold00, train [fold01]
 * }</pre>
 *
 * @param index run number, 0 first (the grid is searched on run 0)
 * @param train training splits
 * @param valid validation split
 * @param test  test split
 */
public record DataSplit(int index, List<String> train, String valid, String test) {
    public DataSplit {
        train = List.copyOf(train);
        if (train.isEmpty()) {
            throw new IllegalArgumentException("DataSplit: no training split");
        }
    }

    /** The runs of a task. */
    public static List<DataSplit> of(TaskMetadata meta) {
        if (!meta.kfold()) {
            return List.of(new DataSplit(0, List.of("train"), "valid", "test"));
        }
        return fromFolds(meta.splits());
    }

    /** The leave-one-out rotation over {@code folds} (sorted first; at least 3, no repeats). */
    public static List<DataSplit> fromFolds(List<String> folds) {
        List<String> sorted = new ArrayList<>(folds);
        sorted.sort(null);
        if (new HashSet<>(sorted).size() != sorted.size()) {
            throw new IllegalArgumentException("DataSplit: folds " + folds + " are not unique");
        }
        int k = sorted.size();
        if (k < 3) {
            throw new IllegalArgumentException("DataSplit: " + k + " folds " + folds
                    + ", expected at least 3 (test, validation, training)");
        }
        List<DataSplit> runs = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            String test = sorted.get(i);
            String valid = sorted.get((i + 1) % k);
            List<String> train = new ArrayList<>(k - 2);
            for (String f : sorted) {
                if (!f.equals(test) && !f.equals(valid)) {
                    train.add(f);
                }
            }
            runs.add(new DataSplit(i, train, valid, test));
        }
        return runs;
    }
}
