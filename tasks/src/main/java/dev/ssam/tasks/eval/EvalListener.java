package dev.ssam.tasks.eval;

import dev.ssam.tasks.hear.DataSplit;
import dev.ssam.tasks.probe.ProbeTrainer;

/**
 * Progress of an evaluation, for the command line to print (library code prints nothing). Every
 * method has an empty default; calls come from the evaluating thread.
 */
public interface EvalListener {
    /** No-op listener. */
    EvalListener NONE = new EvalListener() {
    };

    /** {@code done} of {@code total} clips of {@code task} embedded by {@code system} (cached splits count at once). */
    default void embedded(String system, String task, int done, int total, boolean fromCache) {
    }

    /**
     * One probe trained and tested.
     *
     * @param grid      whether this run belongs to the dropout search on the first split
     * @param testScore primary metric on the test split (NaN for grid runs that lost)
     */
    default void probeTrained(String system, String task, int seed, DataSplit split, ProbeTrainer.Result result,
                              boolean grid, double testScore) {
    }

    /** All splits of one seed done; {@code primary} is the mean over splits of the primary metric. */
    default void seedFinished(String system, String task, int seed, double primary) {
    }
}
