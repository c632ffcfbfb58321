package io.fjord.metrics;

/**
 * A distribution of durations in nanoseconds as a {@link HistogramTimer} reads it: all-time count, sum, min, max
 * and standard deviation, and the percentiles of a recent window. Implemented by {@link LatencyHistogram} (one
 * timer, recorded from any thread) and by the phases of a {@link PerThreadCells} (timers recorded together, in
 * per-thread cells).
 *
 * <p>Thread-safety: implementations may be read from any thread while they are recorded.
 */
interface LatencyDistribution {

    /** Records one duration; negative values are ignored. */
    void record(long nanos);

    long count();

    /** All-time sum in nanoseconds. */
    double sum();

    /** All-time minimum; 0 before the first record. */
    long min();

    long max();

    default double mean() {
        long n = count();
        return n == 0 ? 0.0 : sum() / n;
    }

    /** Sample standard deviation over all records (n - 1 in the denominator); 0 with fewer than two. */
    double stdDev();

    /** The recent window now: its sample count, maximum and the values of {@code quantiles} (each in [0, 1]). */
    Window window(double[] quantiles);

    /** The window read at one time: sample count, maximum and the requested percentiles, in nanoseconds. */
    record Window(long count, long max, double[] percentiles) {

        /**
         * The window of the bucket counts {@code counts[from, from + LogLinearBuckets.COUNT)}: a percentile is the
         * middle of the bucket holding the sample of rank {@code ceil(q * n)}, capped at {@code max}; all 0 when
         * the window is empty.
         */
        static Window of(long[] counts, int from, long max, double[] quantiles) {
            long n = 0;
            for (int i = from; i < from + LogLinearBuckets.COUNT; i++) {
                n += counts[i];
            }
            double[] values = new double[quantiles.length];
            if (n > 0) {
                for (int q = 0; q < quantiles.length; q++) {
                    values[q] = Math.min(valueAtRank(counts, from, rank(quantiles[q], n)), max);
                }
            }
            return new Window(n, n > 0 ? max : 0, values);
        }

        /**
         * The 1-based rank of quantile {@code q} among {@code n} samples, {@code ceil(q * n)} within [1, n]; the
         * epsilon keeps a product such as 0.95 * 20 = 19.000000000000004 at 19.
         */
        static long rank(double q, long n) {
            long r = (long) Math.ceil(q * n - 1e-9);
            return Math.max(1, Math.min(n, r));
        }

        private static double valueAtRank(long[] counts, int from, long rank) {
            long seen = 0;
            for (int i = 0; i < LogLinearBuckets.COUNT; i++) {
                seen += counts[from + i];
                if (seen >= rank) {
                    return LogLinearBuckets.representative(i);
                }
            }
            return LogLinearBuckets.representative(LogLinearBuckets.COUNT - 1);
        }
    }
}
