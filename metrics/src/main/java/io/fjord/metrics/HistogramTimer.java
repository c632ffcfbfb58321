package io.fjord.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A {@link KafkaTimer} over a Micrometer {@link DistributionSummary} in milliseconds (count, sum, windowed max
 * and client-side percentiles {@link #QUANTILES}), plus what Kafka's Histogram shows and Micrometer does not
 * keep: all-time min and max, and the sum of squares for the standard deviation.
 *
 * <p>Percentiles are Micrometer's time-windowed ones (the last ~2 minutes, rotating), where Yammer uses an
 * exponentially decaying reservoir; Count, Min, Max, Mean and StdDev are over the meter's whole life, as in Kafka.
 *
 * <p>Thread-safety: recording is lock-free; min/max use compare-and-set only when they change.
 */
final class HistogramTimer implements KafkaTimer {

    static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};

    private final DistributionSummary summary;
    private final DoubleAdder sumOfSquares = new DoubleAdder();
    /** Raw bits of non-negative doubles order like the doubles, so min/max compare the longs. */
    private final AtomicLong minBits = new AtomicLong(Double.doubleToRawLongBits(Double.POSITIVE_INFINITY));
    private final AtomicLong maxBits = new AtomicLong(Double.doubleToRawLongBits(0.0));

    HistogramTimer(DistributionSummary summary) {
        this.summary = summary;
    }

    DistributionSummary summary() {
        return summary;
    }

    @Override
    public void record(long millis) {
        recordMillis(millis);
    }

    @Override
    public void recordNanos(long nanos) {
        recordMillis(nanos / 1e6);
    }

    private void recordMillis(double ms) {
        if (!(ms >= 0)) {
            return;
        }
        summary.record(ms);
        sumOfSquares.add(ms * ms);
        long bits = Double.doubleToRawLongBits(ms);
        long min;
        while (bits < (min = minBits.get()) && !minBits.compareAndSet(min, bits)) {
            Thread.onSpinWait();
        }
        long max;
        while (bits > (max = maxBits.get()) && !maxBits.compareAndSet(max, bits)) {
            Thread.onSpinWait();
        }
    }

    @Override
    public long count() {
        return summary.count();
    }

    double min() {
        return summary.count() == 0 ? 0.0 : Double.longBitsToDouble(minBits.get());
    }

    double max() {
        return summary.count() == 0 ? 0.0 : Double.longBitsToDouble(maxBits.get());
    }

    double mean() {
        long n = summary.count();
        return n == 0 ? 0.0 : summary.totalAmount() / n;
    }

    double stdDev() {
        long n = summary.count();
        if (n <= 1) {
            return 0.0;
        }
        double sum = summary.totalAmount();
        double variance = (sumOfSquares.sum() - sum * sum / n) / (n - 1);
        return variance > 0 ? Math.sqrt(variance) : 0.0;
    }

    /** The values of {@link #QUANTILES}, in that order. */
    double[] percentiles() {
        double[] out = new double[QUANTILES.length];
        for (ValueAtPercentile v : summary.takeSnapshot().percentileValues()) {
            for (int i = 0; i < QUANTILES.length; i++) {
                if (v.percentile() == QUANTILES[i]) {
                    out[i] = v.value();
                }
            }
        }
        return out;
    }
}
