package io.fjord.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.fjord.metrics.LatencyHistogramTest.await;
import static io.fjord.metrics.LatencyHistogramTest.exactRank;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MockClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PerThreadCellsTest {

    private static final double[] QUANTILES = HistogramTimer.QUANTILES;

    private final MockClock clock = new MockClock();

    @Test
    void eachPhaseKeepsItsOwnDistribution() {
        PerThreadCells h = new PerThreadCells(3, 0, clock);
        PerThreadCells.Cell cell = h.cell();
        for (int i = 1; i <= 10; i++) {
            cell.record(0, i * 1_000L);
            cell.record(2, i * 1_000_000L);
        }

        LatencyDistribution first = h.phase(0);
        assertEquals(10, first.count());
        assertEquals(55_000.0, first.sum());
        assertEquals(1_000, first.min());
        assertEquals(10_000, first.max());
        assertEquals(Math.sqrt(9_166_666.666666666) * 1, first.stdDev(), 1e-3);
        assertEquals(0, h.phase(1).count());
        assertEquals(0, h.phase(1).min());
        assertEquals(0, h.phase(1).window(QUANTILES).count());
        assertEquals(10_000_000, h.phase(2).max());
        assertEquals(10, h.phase(2).window(QUANTILES).count());
    }

    @Test
    void countersAddInTheCallersCellAndReadAsTheSumOfAllCells() throws Exception {
        PerThreadCells h = new PerThreadCells(1, 3, clock);
        assertEquals(0, h.cell().add(2, 5), "the value before");
        assertEquals(5, h.cell().add(2, 1));
        Thread other = new Thread(() -> {
            assertEquals(0, h.cell().add(2, 10), "another thread has its own cell");
            h.counter(0).add(4);
        });
        other.start();
        other.join();

        assertEquals(16, h.counter(2).sum());
        assertEquals(4, h.counter(0).sum());
        assertEquals(0, h.counter(1).sum());
        assertEquals(0, h.phase(0).count(), "counters are not phases");
        assertEquals(h.counter(2), h.counter(2));
        assertTrue(!h.counter(2).equals(h.counter(1)) && !h.counter(2).equals(new PerThreadCells(1, 3, clock).counter(2)));
    }

    @Test
    void percentilesAndWindowMaximumAreWithinTheDocumentedBoundOfTheExactOnes() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 200; round++) {
            PerThreadCells h = new PerThreadCells(2, 0, clock);
            int n = 1 + random.nextInt(round % 3 == 0 ? 20 : 5_000);
            long[] samples = new long[n];
            double low = random.nextDouble(0, 30);
            double high = low + random.nextDouble(0, 42 - low);
            for (int i = 0; i < n; i++) {
                samples[i] = (long) Math.pow(2, random.nextDouble(low, high));
                h.cell().record(1, samples[i]);
            }
            Arrays.sort(samples);

            LatencyDistribution.Window window = h.phase(1).window(QUANTILES);

            assertEquals(n, window.count());
            long max = samples[n - 1];
            assertTrue(window.max() <= max && window.max() >= max * (1 - LogLinearBuckets.RELATIVE_ERROR) - 1,
                    "exact max " + max + ", window max " + window.max());
            for (int q = 0; q < QUANTILES.length; q++) {
                long exact = samples[exactRank(QUANTILES[q], n) - 1];
                double reported = window.percentiles()[q];
                assertTrue(Math.abs(reported - exact) <= exact * LogLinearBuckets.RELATIVE_ERROR + 0.5,
                        "q " + QUANTILES[q] + " of " + n + " samples: exact " + exact + ", reported " + reported);
            }
        }
    }

    @Test
    void oldSamplesLeaveTheWindowWhileCountSumMinMaxStayAllTime() {
        PerThreadCells h = new PerThreadCells(1, 0, clock);
        LatencyDistribution phase = h.phase(0);
        for (int i = 0; i < 100; i++) {
            phase.record(50_000_000);
        }
        assertEquals(100, phase.window(QUANTILES).count());

        clock.add(Duration.ofSeconds(31));
        assertEquals(100, phase.window(QUANTILES).count(), "takes a snapshot holding the 100");
        phase.record(1_000_000);
        assertEquals(101, phase.window(QUANTILES).count());

        clock.add(Duration.ofSeconds(89));
        assertEquals(101, phase.window(QUANTILES).count(), "the snapshot taken 89 s ago is not the start yet");

        clock.add(Duration.ofSeconds(1));
        LatencyDistribution.Window recent = phase.window(QUANTILES);
        assertEquals(1, recent.count(), "the snapshot taken 90 s ago starts the window");
        assertEquals(1_000_000, recent.max(), 1_000_000 * LogLinearBuckets.RELATIVE_ERROR);
        assertEquals(1_000_000, recent.percentiles()[QUANTILES.length - 1],
                1_000_000 * LogLinearBuckets.RELATIVE_ERROR);

        clock.add(Duration.ofSeconds(200));
        phase.window(QUANTILES);
        clock.add(Duration.ofSeconds(90));
        assertEquals(0, phase.window(QUANTILES).count());
        assertEquals(0, phase.window(QUANTILES).max());

        assertEquals(101, phase.count());
        assertEquals(100 * 50_000_000.0 + 1_000_000, phase.sum());
        assertEquals(1_000_000, phase.min());
        assertEquals(50_000_000, phase.max());
    }

    @Test
    void samplesRecordedDuringASilenceShowAtTheFirstReadAfterIt() {
        PerThreadCells h = new PerThreadCells(1, 0, clock);
        LatencyDistribution phase = h.phase(0);
        phase.window(QUANTILES);
        clock.add(Duration.ofMinutes(10));
        phase.record(3_000_000);

        assertEquals(1, phase.window(QUANTILES).count());
        clock.add(Duration.ofSeconds(89));
        assertEquals(1, phase.window(QUANTILES).count());
        clock.add(Duration.ofSeconds(1));
        assertEquals(0, phase.window(QUANTILES).count());
    }

    @Test
    void theWindowStaysBetween90And150SecondsWithReadsEveryFewSeconds() {
        PerThreadCells h = new PerThreadCells(1, 0, clock);
        LatencyDistribution phase = h.phase(0);
        for (int second = 0; second < 3_600; second += 5) {
            phase.record(1_000_000L * (second + 1));
            clock.add(Duration.ofSeconds(5));
            LatencyDistribution.Window w = phase.window(QUANTILES);
            if (second >= 150) {
                assertTrue(w.count() >= 18 && w.count() <= 30, "at " + second + " s: " + w.count() + " samples");
                assertEquals(1_000_000L * (second + 1), w.max(), 1_000_000L * (second + 1) / 32.0);
            }
        }
    }

    @Test
    void recordingDoesNotAllocate() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PerThreadCells h = new PerThreadCells(5, 0, clock);
        for (int i = 0; i < 20_000; i++) {
            h.cell().record(i % 5, i * 1_000L);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            PerThreadCells.Cell cell = h.cell();
            for (int p = 0; p < 5; p++) {
                cell.record(p, i * 1_000L + p);
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(allocated < 10_000, allocated + " bytes allocated by 5,000,000 records");
        assertEquals(1_004_000, h.phase(4).count());
    }

    @Test
    void negativeDurationsAreIgnoredAndHugeOnesLandInTheLastBucket() {
        PerThreadCells h = new PerThreadCells(1, 0, clock);
        h.cell().record(0, -5);
        h.cell().record(0, Long.MAX_VALUE / 2);

        assertEquals(1, h.phase(0).count());
        assertEquals(Long.MAX_VALUE / 2, h.phase(0).max());
        assertEquals(1, h.phase(0).window(QUANTILES).count());
    }

    @Test
    void eachThreadRecordsIntoItsOwnCellAndReadsSumThemExactlyWhileTheyWrite() throws Exception {
        PerThreadCells h = new PerThreadCells(2, 0, clock);
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
                    PerThreadCells.Cell cell = h.cell();
                    cell.record(0, offset + i);
                    cell.record(1, 7);
                }
            });
            writer.start();
            writers.add(writer);
        }
        AtomicReference<String> readerSaw = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            await(start);
            long previousCount = 0;
            while (!done.get()) {
                LatencyDistribution.Window w = h.phase(0).window(QUANTILES);
                long count = h.phase(0).count();
                if (w.count() < 0 || count < previousCount) {
                    readerSaw.set("window " + w.count() + ", count " + count + " after " + previousCount);
                }
                previousCount = count;
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
        assertEquals(null, readerSaw.get());
        assertEquals(n, h.phase(0).count());
        assertEquals(expectedSum, h.phase(0).sum());
        assertEquals(1, h.phase(0).min());
        assertEquals((threads - 1) * 1_000L + perThread, h.phase(0).max());
        assertEquals(n, h.phase(1).count());
        assertEquals(7.0 * n, h.phase(1).sum());
    }
}
