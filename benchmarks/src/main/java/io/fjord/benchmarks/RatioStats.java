package io.fjord.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Summary of per-round ratios (one broker's figure over the other's, one value per round, rounds grouped by
 * trial, a trial being one pair of broker JVMs) for {@link MetricsOverheadHarness}: the median, quartiles and
 * extremes of all rounds, and a 95% bootstrap interval of the median. The bootstrap resamples trials and then
 * rounds within each drawn trial (10,000 times, fixed seed, so the same rounds give the same interval): rounds
 * of one pair of JVMs share that pair's bias, so only a run of several trials shows that bias in the interval.
 * Quantiles interpolate linearly between order statistics.
 *
 * <p>Invariant: {@code min <= q1 <= median <= q3 <= max} and {@code ciLow <= ciHigh}. Immutable.
 */
record RatioStats(int trials, int count, double median, double q1, double q3, double min, double max,
                  double ciLow, double ciHigh) {
    private static final int RESAMPLES = 10_000;

    static RatioStats of(List<double[]> ratiosByTrial) {
        double[] all = ratiosByTrial.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
        if (all.length == 0) {
            throw new IllegalArgumentException("no rounds");
        }
        double[] medians = new double[RESAMPLES];
        double[] sample = new double[all.length];
        SplittableRandom random = new SplittableRandom(42);
        for (int r = 0; r < RESAMPLES; r++) {
            int n = 0;
            while (n < sample.length) {
                double[] trial = ratiosByTrial.get(random.nextInt(ratiosByTrial.size()));
                for (int i = 0; i < trial.length && n < sample.length; i++) {
                    sample[n++] = trial[random.nextInt(trial.length)];
                }
            }
            Arrays.sort(sample);
            medians[r] = quantile(sample, 0.5);
        }
        Arrays.sort(medians);
        return new RatioStats(ratiosByTrial.size(), all.length, quantile(all, 0.5), quantile(all, 0.25),
                quantile(all, 0.75), all[0], all[all.length - 1], quantile(medians, 0.025), quantile(medians, 0.975));
    }

    /** The q-quantile of ascending {@code sorted}, interpolating between neighbours. */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return quantile(sorted, 0.5);
    }

    String describe() {
        return String.format(Locale.ROOT, "median of %d rounds in %d trials %.3f, IQR %.3f-%.3f, min-max %.3f-%.3f, "
                + "95%% CI of the median %.3f-%.3f", count, trials, median, q1, q3, min, max, ciLow, ciHigh);
    }
}
