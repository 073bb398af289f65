package dev.ssam.tasks.train;

/**
 * The pretraining learning rate, as MAE's {@code util/lr_sched.adjust_learning_rate} (which the
 * official SSAM trainer calls before every step with the fractional epoch
 * {@code step / steps_per_epoch + epoch}):
 *
 * <pre>
 *   lr(e) = peak e / warmup                                                  e &lt; warmup
 *   lr(e) = min + (peak - min) (1 + cos(pi (e - warmup) / (epochs - warmup))) / 2    otherwise
 * </pre>
 * a linear warm-up from 0, then a half-cycle cosine that reaches {@code minLr} at {@code epochs}.
 * Past {@code epochs} the rate stays at {@code minLr} (MAE's formula would rise again). The peak is
 * the base rate scaled by the global batch ({@link #scaledPeak}: base x batch / 256).
 *
 * <pre>{@code
 * LrSchedule s = new LrSchedule(LrSchedule.scaledPeak(1.5e-4, 1024), 10, 100, 0);  // the paper's run
 * double lr = s.lr(12.5);
 * }</pre>
 *
 * @param peakLr       the rate at the end of the warm-up
 * @param warmupEpochs epochs of linear warm-up, in [0, epochs)
 * @param epochs       epoch at which the cosine reaches {@code minLr}, positive
 * @param minLr        the final rate, in [0, peakLr]
 */
public record LrSchedule(double peakLr, double warmupEpochs, double epochs, double minLr) {
    /** The batch size the base learning rate refers to. */
    public static final int REFERENCE_BATCH = 256;

    public LrSchedule {
        if (!(peakLr >= 0) || !Double.isFinite(peakLr)) {
            throw new IllegalArgumentException("LrSchedule: peak lr is " + peakLr + ", expected a finite value >= 0");
        }
        if (!(epochs > 0) || !Double.isFinite(epochs)) {
            throw new IllegalArgumentException("LrSchedule: epochs is " + epochs + ", expected a finite value > 0");
        }
        if (!(warmupEpochs >= 0 && warmupEpochs < epochs)) {
            throw new IllegalArgumentException("LrSchedule: warm-up is " + warmupEpochs + " epochs, expected 0 <= warm-up < "
                    + epochs + " (the run's epochs)");
        }
        if (!(minLr >= 0 && minLr <= peakLr)) {
            throw new IllegalArgumentException("LrSchedule: min lr is " + minLr + ", expected 0 <= min lr <= peak lr " + peakLr);
        }
    }

    /** The peak rate for {@code globalBatch} clips per update: {@code baseLr x globalBatch / 256}. */
    public static double scaledPeak(double baseLr, int globalBatch) {
        return baseLr * globalBatch / REFERENCE_BATCH;
    }

    /** The rate at fractional epoch {@code epoch} (negative epochs give 0). */
    public double lr(double epoch) {
        if (epoch < warmupEpochs) {
            return epoch <= 0 ? 0 : peakLr * epoch / warmupEpochs;
        }
        double e = Math.min(epoch, epochs);
        return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * (e - warmupEpochs) / (epochs - warmupEpochs)));
    }
}
