package io.fjord.metrics;

import io.micrometer.core.instrument.Clock;

/**
 * A {@link KafkaTimer} over a {@link LatencyDistribution} (a {@link LatencyHistogram} of its own, or one phase
 * of a {@link PerThreadCells}): records nanoseconds, reads milliseconds. Count, Min, Max,
 * Mean and StdDev are over the timer's whole life, as in Kafka; the percentiles {@link #QUANTILES} and the
 * windowed maximum come from the histogram's recent window (90 to 150 s, where Yammer uses an exponentially
 * decaying reservoir) and are within 1/32 of the exact percentile of the samples in that window.
 *
 * <p>Thread-safety: recording is lock-free and allocation-free; reads may come from any thread.
 */
final class HistogramTimer implements KafkaTimer {

    static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};
    private static final double NANOS_PER_MILLI = 1e6;

    private final LatencyDistribution histogram;

    HistogramTimer(Clock clock) {
        this(new LatencyHistogram(clock));
    }

    HistogramTimer(LatencyDistribution histogram) {
        this.histogram = histogram;
    }

    @Override
    public void record(long millis) {
        if (millis >= 0) {
            histogram.record(millis < Long.MAX_VALUE / 1_000_000 ? millis * 1_000_000 : Long.MAX_VALUE);
        }
    }

    @Override
    public void recordNanos(long nanos) {
        histogram.record(nanos);
    }

    @Override
    public long count() {
        return histogram.count();
    }

    double sum() {
        return histogram.sum() / NANOS_PER_MILLI;
    }

    double min() {
        return histogram.min() / NANOS_PER_MILLI;
    }

    double max() {
        return histogram.max() / NANOS_PER_MILLI;
    }

    double mean() {
        return histogram.mean() / NANOS_PER_MILLI;
    }

    double stdDev() {
        return histogram.stdDev() / NANOS_PER_MILLI;
    }

    /** The window's percentiles {@link #QUANTILES} (in that order) and maximum, in milliseconds. */
    Window window() {
        LatencyDistribution.Window w = histogram.window(QUANTILES);
        double[] percentiles = w.percentiles();
        for (int i = 0; i < percentiles.length; i++) {
            percentiles[i] /= NANOS_PER_MILLI;
        }
        return new Window(w.max() / NANOS_PER_MILLI, percentiles);
    }

    /** The values of {@link #QUANTILES}, in that order, in milliseconds. */
    double[] percentiles() {
        return window().percentiles();
    }

    /** A read of the recent window in milliseconds: its maximum and the values of {@link #QUANTILES}. */
    record Window(double max, double[] percentiles) {
    }
}
