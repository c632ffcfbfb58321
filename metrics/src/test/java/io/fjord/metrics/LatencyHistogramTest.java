package io.fjord.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MockClock;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static final double[] QUANTILES = HistogramTimer.QUANTILES;

    private final MockClock clock = new MockClock();

    @Test
    void percentilesAreWithinTheDocumentedBoundOfTheExactPercentilesOfTheSamples() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 300; round++) {
            LatencyHistogram h = new LatencyHistogram(clock);
            int n = 1 + random.nextInt(round % 3 == 0 ? 20 : 5_000);
            long[] samples = new long[n];
            double low = random.nextDouble(0, 30);
            double high = low + random.nextDouble(0, 42 - low);
            for (int i = 0; i < n; i++) {
                samples[i] = (long) Math.pow(2, random.nextDouble(low, high));
                h.record(samples[i]);
            }
            Arrays.sort(samples);

            LatencyHistogram.Window window = h.window(QUANTILES);

            assertEquals(n, window.count());
            assertEquals(samples[n - 1], window.max());
            for (int q = 0; q < QUANTILES.length; q++) {
                long exact = samples[exactRank(QUANTILES[q], n) - 1];
                double reported = window.percentiles()[q];
                assertTrue(Math.abs(reported - exact) <= exact * LogLinearBuckets.RELATIVE_ERROR,
                        "q " + QUANTILES[q] + " of " + n + " samples: exact " + exact + ", reported " + reported);
            }
        }
    }

    /** ceil(q * n) in exact decimal arithmetic, within [1, n]. */
    static int exactRank(double q, int n) {
        int rank = new BigDecimal(Double.toString(q)).multiply(BigDecimal.valueOf(n))
                .setScale(0, RoundingMode.CEILING).intValueExact();
        return Math.max(1, Math.min(n, rank));
    }

    @Test
    void topPercentilesOfFewSamplesAreTheExactMaximum() {
        LatencyHistogram h = new LatencyHistogram(clock);
        for (long v : new long[] {2_000_000, 4_000_000, 9_123_456}) {
            h.record(v);
        }

        double[] p = h.window(new double[] {0.999}).percentiles();

        assertEquals(9_123_456.0, p[0]);
    }

    @Test
    void emptyWindowReadsZero() {
        LatencyHistogram.Window window = new LatencyHistogram(clock).window(QUANTILES);

        assertEquals(0, window.count());
        assertEquals(0, window.max());
        assertArrayEquals(new double[QUANTILES.length], window.percentiles());
    }

    @Test
    void oldSamplesLeaveTheWindowWhileCountSumMinMaxStayAllTime() {
        LatencyHistogram h = new LatencyHistogram(clock);
        for (int i = 0; i < 100; i++) {
            h.record(50_000_000);
        }
        assertEquals(100, h.window(QUANTILES).count());

        clock.add(Duration.ofSeconds(31));
        assertEquals(100, h.window(QUANTILES).count(), "closes the first slice");
        h.record(1_000_000);
        LatencyHistogram.Window both = h.window(QUANTILES);
        assertEquals(101, both.count());
        assertEquals(50_000_000, both.max());

        clock.add(Duration.ofSeconds(89));
        LatencyHistogram.Window stillBoth = h.window(QUANTILES);
        assertEquals(101, stillBoth.count(), "the first slice closed 89 s ago still counts");

        clock.add(Duration.ofSeconds(1));
        LatencyHistogram.Window recent = h.window(QUANTILES);
        assertEquals(1, recent.count(), "the first slice closed 90 s ago has expired");
        assertEquals(1_000_000, recent.max());
        assertEquals(1_000_000, recent.percentiles()[QUANTILES.length - 1], 1_000_000 * LogLinearBuckets.RELATIVE_ERROR);

        clock.add(Duration.ofSeconds(120));
        assertEquals(0, h.window(QUANTILES).count());
        assertEquals(0, h.window(QUANTILES).percentiles()[0]);

        assertEquals(101, h.count());
        assertEquals(100 * 50_000_000.0 + 1_000_000, h.sum());
        assertEquals(1_000_000, h.min());
        assertEquals(50_000_000, h.max());
    }

    @Test
    void samplesRecordedDuringASilenceShowAtTheFirstReadAfterIt() {
        LatencyHistogram h = new LatencyHistogram(clock);
        h.window(QUANTILES);
        clock.add(Duration.ofMinutes(10));
        h.record(3_000_000);

        assertEquals(1, h.window(QUANTILES).count());
        clock.add(Duration.ofSeconds(89));
        assertEquals(1, h.window(QUANTILES).count());
        clock.add(Duration.ofSeconds(1));
        assertEquals(0, h.window(QUANTILES).count());
    }

    @Test
    void theRingIsReusedForeverWithReadsEveryFewSeconds() {
        LatencyHistogram h = new LatencyHistogram(clock);
        for (int second = 0; second < 3_600; second += 5) {
            h.record(1_000_000L * (second + 1));
            clock.add(Duration.ofSeconds(5));
            LatencyHistogram.Window w = h.window(QUANTILES);
            if (second >= 120) {
                assertTrue(w.count() >= 18 && w.count() <= 30, "at " + second + " s: " + w.count() + " samples");
                assertEquals(1_000_000L * (second + 1), w.max());
            }
        }
    }

    @Test
    void recordingDoesNotAllocate() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        LatencyHistogram h = new LatencyHistogram(clock);
        for (int i = 0; i < 20_000; i++) {
            h.record(i * 1_000L);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            h.record(i * 1_000L);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(allocated < 10_000, allocated + " bytes allocated by 1,000,000 records");
        assertEquals(1_020_000, h.count());
    }

    @Test
    void negativeDurationsAreIgnoredAndHugeOnesLandInTheLastBucket() {
        LatencyHistogram h = new LatencyHistogram(clock);
        h.record(-5);
        h.record(Long.MAX_VALUE / 2);

        assertEquals(1, h.count());
        assertEquals(Long.MAX_VALUE / 2, h.max());
        assertEquals(1, h.window(QUANTILES).count());
    }

    @Test
    void meanAndSampleStdDevAreOverAllRecords() {
        LatencyHistogram h = new LatencyHistogram(clock);
        for (long v : new long[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            h.record(v * 1_000);
        }

        assertEquals(5_000.0, h.mean(), 1e-9);
        assertEquals(Math.sqrt(32.0 / 7) * 1_000, h.stdDev(), 1e-6);
    }

    @Test
    void concurrentRecordsAreCountedAndSummedExactlyWhileReadersRead() throws Exception {
        LatencyHistogram h = new LatencyHistogram(clock);
        int threads = 4;
        int perThread = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long offset = t * 1_000L;
            Thread writer = new Thread(() -> {
                await(start);
                for (int i = 1; i <= perThread; i++) {
                    h.record(offset + i);
                }
            });
            writer.start();
            writers.add(writer);
        }
        Thread reader = new Thread(() -> {
            await(start);
            while (!done.get()) {
                h.window(QUANTILES);
                h.sum();
                clock.add(Duration.ofSeconds(7));
            }
        });
        reader.start();
        start.countDown();
        for (Thread writer : writers) {
            writer.join();
        }
        done.set(true);
        reader.join();

        long n = (long) threads * perThread;
        double expectedSum = 0;
        for (int t = 0; t < threads; t++) {
            expectedSum += perThread * (t * 1_000.0) + perThread * (perThread + 1.0) / 2;
        }
        assertEquals(n, h.count());
        assertEquals(expectedSum, h.sum());
        assertEquals(1, h.min());
        assertEquals((threads - 1) * 1_000L + perThread, h.max());
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
