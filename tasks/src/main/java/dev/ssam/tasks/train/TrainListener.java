package dev.ssam.tasks.train;

import dev.ssam.tasks.data.DataListener;

import java.nio.file.Path;

/**
 * What a pretraining run reports while it runs (the command line prints it; the library never
 * does). Data events come through the inherited {@link DataListener} methods. Every method has an
 * empty default.
 */
public interface TrainListener extends DataListener {
    /** A listener that ignores everything. */
    TrainListener NONE = new TrainListener() {
    };

    /**
     * The resolved run, before the first step.
     *
     * @param options          the options
     * @param modelParams      scalars in the model
     * @param clips            usable clips in the data
     * @param microStepsPerEpoch micro-batches per epoch: max(1, clips / batch), as the official trainer
     * @param totalSteps       optimiser updates of the whole run
     * @param startStep        the first update this process runs (0, or the resumed checkpoint's step)
     * @param epochs           length of the LR schedule in epochs
     * @param schedule         the learning-rate schedule
     * @param resumedFrom      the checkpoint resumed from, or null
     */
    record Plan(PretrainOptions options, int modelParams, int clips, long microStepsPerEpoch, long totalSteps,
                long startStep, double epochs, LrSchedule schedule, Path resumedFrom) {
    }

    /**
     * One finished optimiser update.
     *
     * @param step          0-based update index (the loss is the one before this update)
     * @param totalSteps    updates in the run
     * @param epoch         fractional epoch at the start of the update
     * @param loss          optimised loss (mean over the micro-batches)
     * @param lossAll       MSE over all patches
     * @param lossMasked    MSE over masked patches (NaN if none)
     * @param lr            learning rate used
     * @param gradNorm      global L2 norm of the gradient before clipping (NaN when not computed)
     * @param clipsPerSecond throughput over the recent steps
     * @param elapsedSeconds training time so far (summed over resumed runs)
     * @param etaSeconds    estimated time to the end
     */
    record Progress(long step, long totalSteps, double epoch, double loss, double lossAll, double lossMasked, double lr,
                    double gradNorm, double clipsPerSecond, double elapsedSeconds, double etaSeconds) {
    }

    /**
     * The end of a run.
     *
     * @param stepsDone      updates in the model now (the run's total)
     * @param stepsRun       updates run by this process
     * @param firstLoss      loss of the first update this process ran (NaN if none)
     * @param lastLoss       loss of the last one
     * @param seconds        wall time of this process's updates
     * @param clipsPerSecond mean throughput of this process
     * @param weights        the final weights (official names, loadable by {@code ssam embed})
     * @param metrics        metrics.jsonl
     * @param lossCurve      loss.png, or null when it could not be drawn
     * @param checkpoint     the newest checkpoint folder
     */
    record Summary(long stepsDone, long stepsRun, double firstLoss, double lastLoss, double seconds,
                   double clipsPerSecond, Path weights, Path metrics, Path lossCurve, Path checkpoint) {
    }

    /** Called once before the first update. */
    default void started(Plan plan) {
    }

    /** Called after every update. */
    default void step(Progress progress) {
    }

    /** A checkpoint was written (atomically) to {@code dir}. */
    default void checkpointSaved(Path dir, long step) {
    }

    /** Something went wrong that does not stop training (e.g. the loss curve could not be drawn). */
    default void warning(String message) {
    }

    /** Called once after the last update. */
    default void finished(Summary summary) {
    }
}
