package dev.ssam.tasks.eval;

/**
 * The mean of a few values (one per seed) and its two-sided 95% Student-t confidence interval:
 * {@code mean +- t(0.975, n - 1) s / sqrt(n)}, s the sample standard deviation (n - 1).
 *
 * <p>t quantiles: a table for 1..30 degrees of freedom (scipy.stats.t.ppf(0.975, df), 9
 * decimals); above 30 the Cornish-Fisher expansion in 1/df to the fourth order (error below
 * 1e-6 there).
 *
 * <pre>{@code
 * TInterval.Interval ci = TInterval.of(new double[] {0.81, 0.83, 0.80});
 * ci.mean();        // 0.8133
 * ci.halfWidth();   // 4.303 * s / sqrt(3)
 * }</pre>
 */
public final class TInterval {
    /** t(0.975, df) for df = 1..30. */
    private static final double[] T975 = {
        12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
        2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
        2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
        2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456};
    /** The standard normal 0.975 quantile. */
    private static final double Z975 = 1.959963984540054;

    private TInterval() {
    }

    /**
     * A mean with its interval.
     *
     * @param mean      the mean
     * @param halfWidth t s / sqrt(n); NaN for a single value
     * @param n         values
     */
    public record Interval(double mean, double halfWidth, int n) {
        public double lower() {
            return mean - halfWidth;
        }

        public double upper() {
            return mean + halfWidth;
        }
    }

    /** The 0.975 quantile of Student's t with {@code df} degrees of freedom (df >= 1). */
    public static double t975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("t975: degrees of freedom " + df + ", expected at least 1");
        }
        if (df <= T975.length) {
            return T975[df - 1];
        }
        double z = Z975;
        double z2 = z * z;
        double g1 = (z2 + 1) * z / 4;
        double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
        double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
        double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
        double v = df;
        return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
    }

    /** Mean and 95% interval of {@code values} (at least one; NaN values propagate). */
    public static Interval of(double[] values) {
        int n = values.length;
        if (n == 0) {
            throw new IllegalArgumentException("TInterval: no values");
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        if (n == 1) {
            return new Interval(mean, Double.NaN, 1);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double s = Math.sqrt(ss / (n - 1));
        return new Interval(mean, t975(n - 1) * s / Math.sqrt(n), n);
    }
}
