package io.fjord.metrics;

import io.micrometer.core.instrument.Clock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The timers ("phases") and counters that one hot path records together, such as the five timers, RequestsPerSec
 * by version and ErrorsPerSec by error code of one request type (kafka.network RequestMetrics), kept in one cell
 * per recording thread, so that recording one request touches a few cache lines owned by its thread: a header
 * with every phase's count, sum, min, max and sum of squares side by side, the counters, and one bucket per
 * phase. {@link LatencyHistogram} and {@link RateMeter}'s own adder spread one metric over adders and atomics
 * shared by all threads; for one Produce request that was some 60 cache lines, most of them evicted or written by
 * the other core since the thread's previous request.
 *
 * <p>Each phase is read as a {@link LatencyDistribution} ({@link #phase}), each counter as a {@link RateMeter.Count}
 * ({@link #counter}); both sum the cells. Buckets count since creation; a phase's window is the difference
 * between the buckets now and a snapshot taken by an earlier read. Reads take a snapshot at least
 * {@link LatencyHistogram#SLICE_NANOS} (30 s) after the previous one and keep the newest snapshot at least
 * {@link LatencyHistogram#WINDOW_NANOS} (90 s) old as the window's start, so a sample stays in the percentiles
 * for at least 90 s after it was recorded; when reads come at least every 30 s for at most 150 s, as with
 * {@link LatencyHistogram}. The window's maximum is the middle of its highest non-empty bucket, capped at the
 * all-time maximum: within {@link LogLinearBuckets#RELATIVE_ERROR} of the exact one, like the percentiles.
 *
 * <p>Memory: per recording thread {@code phases * (5 + 624) + counters} longs (27 KB for a request type), and per
 * snapshot (at most five, taken only once something was recorded) {@code phases * 624} longs. Meant for a fixed
 * set of recording threads (the event loops): a cell lives as long as this object, whether its thread does or
 * not.
 *
 * <p>Invariants: a cell has one writer, its thread ({@link ThreadLocal}), which reads its own values plainly
 * and publishes each write with an opaque store; readers see every value whole (never a torn long) and each
 * cell's counts only ever growing. Bucket counts are monotone, so a window (now minus an earlier snapshot) is
 * never negative. Thread-safety: {@link Cell#record} and {@link Cell#add} are wait-free and allocation-free once
 * the thread has its cell; reads may come from any thread; window reads synchronize on this object among
 * themselves. A read is not an atomic snapshot: a concurrent record may show in a count and not yet in the sum
 * or buckets.
 */
final class PerThreadCells {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int COUNT = 0;
    private static final int SUM = 1;
    private static final int MIN = 2;
    private static final int MAX = 3;
    private static final int SQUARES = 4;
    private static final int HEADER = 5;
    private static final int BUCKETS = LogLinearBuckets.COUNT;

    /** Buckets since creation, all phases, taken by a read at {@code time}. */
    private record Snapshot(long time, long[] buckets) {
    }

    private final int phases;
    private final int counters;
    private final Clock clock;
    private final CopyOnWriteArrayList<Cell> cells = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Cell> own = ThreadLocal.withInitial(this::newCell);
    /** Oldest first; the first is the window's start. Guarded by this. */
    private final ArrayDeque<Snapshot> snapshots = new ArrayDeque<>();

    PerThreadCells(int phases, int counters, Clock clock) {
        this.phases = phases;
        this.counters = counters;
        this.clock = clock;
        snapshots.add(new Snapshot(clock.monotonicTime(), null));
    }

    int counters() {
        return counters;
    }

    /** The calling thread's cell, created on its first call. */
    Cell cell() {
        return own.get();
    }

    /** Phase {@code index} (0-based) as one distribution; its {@code record} records into the caller's cell. */
    LatencyDistribution phase(int index) {
        if (index < 0 || index >= phases) {
            throw new IndexOutOfBoundsException(index);
        }
        return new Phase(index);
    }

    /**
     * Counter {@code index} (0-based) summed over the cells; its {@code add} adds in the caller's cell. Equal to
     * any other view of the same counter.
     */
    RateMeter.Count counter(int index) {
        if (index < 0 || index >= counters) {
            throw new IndexOutOfBoundsException(index);
        }
        return new Counter(index);
    }

    /** One counter of every cell, read as one count. */
    private final class Counter implements RateMeter.Count {
        private final int index;

        Counter(int index) {
            this.index = index;
        }

        @Override
        public void add(long n) {
            cell().add(index, n);
        }

        @Override
        public long sum() {
            long total = 0;
            for (Cell c : cells) {
                total += c.read(c.countersStart + index);
            }
            return total;
        }

        private PerThreadCells owner() {
            return PerThreadCells.this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Counter other && other.owner() == owner() && other.index == index;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(owner()) * 31 + index;
        }
    }

    private Cell newCell() {
        Cell cell = new Cell(phases, counters);
        cells.add(cell);
        return cell;
    }

    /**
     * One thread's counts. Layout of {@code values}: phase p's header (count, sum, min, max, sum of squares as
     * double bits) at {@code p * HEADER}, then the counters, then phase p's buckets at
     * {@code bucketsStart + p * BUCKETS}.
     */
    static final class Cell {
        private final long[] values;
        private final int countersStart;
        private final int bucketsStart;

        private Cell(int phases, int counters) {
            countersStart = phases * HEADER;
            bucketsStart = countersStart + counters;
            values = new long[bucketsStart + phases * BUCKETS];
            for (int p = 0; p < phases; p++) {
                values[p * HEADER + MIN] = Long.MAX_VALUE;
            }
        }

        /** Records {@code nanos} for {@code phase}; negative values are ignored. Only the cell's thread calls it. */
        void record(int phase, long nanos) {
            if (nanos < 0) {
                return;
            }
            long[] v = values;
            int h = phase * HEADER;
            LONGS.setOpaque(v, h + COUNT, v[h + COUNT] + 1);
            LONGS.setOpaque(v, h + SUM, v[h + SUM] + nanos);
            if (nanos < v[h + MIN]) {
                LONGS.setOpaque(v, h + MIN, nanos);
            }
            if (nanos > v[h + MAX]) {
                LONGS.setOpaque(v, h + MAX, nanos);
            }
            double squares = Double.longBitsToDouble(v[h + SQUARES]) + (double) nanos * nanos;
            LONGS.setOpaque(v, h + SQUARES, Double.doubleToRawLongBits(squares));
            int b = bucketsStart + phase * BUCKETS + LogLinearBuckets.index(nanos);
            LONGS.setOpaque(v, b, v[b] + 1);
        }

        /** Adds {@code n} to {@code counter} and returns its value in this cell before. Only the cell's thread calls it. */
        long add(int counter, long n) {
            int i = countersStart + counter;
            long before = values[i];
            LONGS.setOpaque(values, i, before + n);
            return before;
        }

        private long read(int index) {
            return (long) LONGS.getOpaque(values, index);
        }
    }

    /** Phase {@code index} of every cell, read as one distribution. */
    private final class Phase implements LatencyDistribution {
        private final int index;
        private final int header;

        Phase(int index) {
            this.index = index;
            this.header = index * HEADER;
        }

        @Override
        public void record(long nanos) {
            cell().record(index, nanos);
        }

        @Override
        public long count() {
            long n = 0;
            for (Cell c : cells) {
                n += c.read(header + COUNT);
            }
            return n;
        }

        @Override
        public double sum() {
            long s = 0;
            for (Cell c : cells) {
                s += c.read(header + SUM);
            }
            return s;
        }

        @Override
        public long min() {
            long m = Long.MAX_VALUE;
            for (Cell c : cells) {
                m = Math.min(m, c.read(header + MIN));
            }
            return m == Long.MAX_VALUE ? 0 : m;
        }

        @Override
        public long max() {
            long m = 0;
            for (Cell c : cells) {
                m = Math.max(m, c.read(header + MAX));
            }
            return m;
        }

        @Override
        public double stdDev() {
            long n = 0;
            double squares = 0;
            for (Cell c : cells) {
                n += c.read(header + COUNT);
                squares += Double.longBitsToDouble(c.read(header + SQUARES));
            }
            if (n <= 1) {
                return 0.0;
            }
            double s = sum();
            double variance = (squares - s * s / n) / (n - 1);
            return variance > 0 ? Math.sqrt(variance) : 0.0;
        }

        @Override
        public Window window(double[] quantiles) {
            return PerThreadCells.this.window(index, max(), quantiles);
        }
    }

    private synchronized LatencyDistribution.Window window(int phase, long allTimeMax, double[] quantiles) {
        if (cells.isEmpty()) {
            return new LatencyDistribution.Window(0, 0, new double[quantiles.length]);
        }
        long now = clock.monotonicTime();
        if (now - snapshots.getLast().time() >= LatencyHistogram.SLICE_NANOS) {
            snapshots.addLast(new Snapshot(now, bucketsSinceCreation(0, phases * BUCKETS)));
        }
        while (snapshots.size() > 1 && now - secondOldest().time() >= LatencyHistogram.WINDOW_NANOS) {
            snapshots.removeFirst();
        }
        long[] start = snapshots.getFirst().buckets();
        long[] buckets = bucketsSinceCreation(phase * BUCKETS, BUCKETS);
        int highest = -1;
        for (int i = 0; i < BUCKETS; i++) {
            if (start != null) {
                buckets[i] -= start[phase * BUCKETS + i];
            }
            if (buckets[i] > 0) {
                highest = i;
            }
        }
        long max = highest < 0 ? 0 : Math.min(allTimeMax, Math.round(LogLinearBuckets.representative(highest)));
        return LatencyDistribution.Window.of(buckets, 0, max, quantiles);
    }

    private Snapshot secondOldest() {
        var it = snapshots.iterator();
        it.next();
        return it.next();
    }

    /** The bucket counts {@code [from, from + length)} (all phases' buckets in a row) summed over the cells. */
    private long[] bucketsSinceCreation(int from, int length) {
        long[] sum = new long[length];
        for (Cell c : cells) {
            for (int i = 0; i < length; i++) {
                sum[i] += c.read(c.bucketsStart + from + i);
            }
        }
        return sum;
    }
}
