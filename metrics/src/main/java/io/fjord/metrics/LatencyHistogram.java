package io.fjord.metrics;

import io.micrometer.core.instrument.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The distribution of one timer's durations in nanoseconds, recorded without locks or allocation: all-time count,
 * sum, min, max and sum of squares (Kafka's Histogram Count, Min, Max, Mean, StdDev), and bucket counts over a
 * recent time window from which percentiles and the windowed maximum are read.
 *
 * <p>Buckets are {@link LogLinearBuckets}: a percentile is reported as the middle of the bucket that holds the
 * exact percentile of the window's samples (the sample of rank {@code ceil(q * n)}), capped at the window's exact
 * maximum, so it is within {@link LogLinearBuckets#RELATIVE_ERROR} (1/32) of the exact value for durations below
 * 2^42 ns (~73 min).
 *
 * <p>Window: a ring of {@value #RING} slices. Records go into the open slice. Slices rotate only when the
 * window is read ({@link #window}: a scrape or a JMX read), never on the recording path: a read at least
 * {@link #SLICE_NANOS} (30 s) after the open slice was opened closes it, stamping the read's time, and opens the
 * next one (the oldest, already expired, cleared). A closed slice counts until {@link #WINDOW_NANOS} (90 s) after
 * it was closed. So a sample stays in the percentiles for at least 90 s after it was recorded; when reads come
 * at least every 30 s (a Prometheus scrape interval of 15 s) for at most 150 s. Without reads the open slice keeps
 * collecting, and the first read after a silence still shows everything recorded since the previous read.
 * Time is the {@link Clock#monotonicTime()} of the clock given to the constructor.
 *
 * <p>Memory: {@value #RING} slices of {@link LogLinearBuckets#COUNT} (624) longs, about 20 KB per histogram.
 *
 * <p>Invariants: closes are at least {@link #SLICE_NANOS} apart, so the slice being reopened was closed at least
 * {@code (RING - 1) * SLICE_NANOS = WINDOW_NANOS} ago and has expired. Count, sum, min, max and the sum of
 * squares are all-time; count and sum are exact (each read moves the sum's adder into a double, so it never
 * wraps, exact up to 2^53 ns, ~104 days of summed durations); the sum of squares is a double sum.
 *
 * <p>Thread-safety: {@link #record} is lock-free and safe from any number of threads (adders, one atomic bucket
 * increment, compare-and-set of min/max only when they change). Reads synchronize on this object among
 * themselves. Reads are not atomic snapshots: a concurrent record may be visible in the count but not yet in
 * the sum or buckets. A record that read the open slice just before a rotation lands in the slice just closed,
 * which still counts.
 */
final class LatencyHistogram implements LatencyDistribution {

    static final int RING = 4;
    static final long SLICE_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final long WINDOW_NANOS = (RING - 1) * SLICE_NANOS;

    /** Bucket counts and the maximum of the samples recorded while a slice was open. */
    private static final class Slice {
        final AtomicLongArray counts = new AtomicLongArray(LogLinearBuckets.COUNT);
        final AtomicLong max = new AtomicLong();
        /** Monotonic time this slice was closed; guarded by the histogram's lock. */
        long closedAt;

        void clear() {
            for (int i = 0; i < counts.length(); i++) {
                counts.set(i, 0);
            }
            max.set(0);
        }
    }

    private final Clock clock;
    private final LongAdder count = new LongAdder();
    private final LongAdder unfoldedSum = new LongAdder();
    private final DoubleAdder sumOfSquares = new DoubleAdder();
    private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong max = new AtomicLong();
    private final Slice[] slices = new Slice[RING];
    private volatile Slice open;
    /** Guarded by this. */
    private int openIndex;
    /** Guarded by this. */
    private long openedAt;
    /** Guarded by this. */
    private double foldedSum;

    LatencyHistogram(Clock clock) {
        this.clock = clock;
        long now = clock.monotonicTime();
        for (int i = 0; i < RING; i++) {
            slices[i] = new Slice();
            slices[i].closedAt = now - WINDOW_NANOS;
        }
        open = slices[0];
        openedAt = now;
    }

    @Override
    public void record(long nanos) {
        if (nanos < 0) {
            return;
        }
        count.increment();
        unfoldedSum.add(nanos);
        double d = nanos;
        sumOfSquares.add(d * d);
        raise(max, nanos);
        lower(min, nanos);
        Slice slice = open;
        slice.counts.incrementAndGet(LogLinearBuckets.index(nanos));
        raise(slice.max, nanos);
    }

    private static void raise(AtomicLong target, long value) {
        long current;
        while (value > (current = target.get()) && !target.compareAndSet(current, value)) {
            Thread.onSpinWait();
        }
    }

    private static void lower(AtomicLong target, long value) {
        long current;
        while (value < (current = target.get()) && !target.compareAndSet(current, value)) {
            Thread.onSpinWait();
        }
    }

    @Override
    public long count() {
        return count.sum();
    }

    /** All-time sum in nanoseconds (exact while below 2^53 ns, ~104 days). */
    @Override
    public synchronized double sum() {
        foldedSum += unfoldedSum.sumThenReset();
        return foldedSum;
    }

    @Override
    public long min() {
        long m = min.get();
        return m == Long.MAX_VALUE ? 0 : m;
    }

    @Override
    public long max() {
        return max.get();
    }

    @Override
    public double stdDev() {
        long n = count();
        if (n <= 1) {
            return 0.0;
        }
        double s = sum();
        double variance = (sumOfSquares.sum() - s * s / n) / (n - 1);
        return variance > 0 ? Math.sqrt(variance) : 0.0;
    }

    /** The window now, rotating first (see the class comment); its maximum is exact. */
    @Override
    public synchronized Window window(double[] quantiles) {
        long now = clock.monotonicTime();
        rotate(now);
        long[] merged = new long[LogLinearBuckets.COUNT];
        long windowMax = 0;
        for (Slice slice : slices) {
            if (slice != open && now - slice.closedAt >= WINDOW_NANOS) {
                continue;
            }
            for (int i = 0; i < merged.length; i++) {
                merged[i] += slice.counts.get(i);
            }
            windowMax = Math.max(windowMax, slice.max.get());
        }
        return Window.of(merged, 0, windowMax, quantiles);
    }

    private void rotate(long now) {
        if (now - openedAt < SLICE_NANOS) {
            return;
        }
        slices[openIndex].closedAt = now;
        openIndex = (openIndex + 1) % RING;
        Slice next = slices[openIndex];
        next.clear();
        openedAt = now;
        open = next;
    }
}
