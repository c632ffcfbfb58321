package io.fjord.metrics;

/**
 * The bucket layout of {@link LatencyHistogram}: log-linear buckets over non-negative nanoseconds. Values below
 * {@value #SUB_BUCKETS} ns have a bucket each; above, every power of two {@code [2^e, 2^(e+1))} is split into
 * {@value #SUB_BUCKETS} equal buckets of width {@code 2^(e-4)}, up to {@code 2^42} ns (about 73 minutes). Larger
 * values fall into the last bucket.
 *
 * <p>Invariants: {@link #index} is monotone in the value and maps {@code [0, 2^42)} onto {@code [0, COUNT)}
 * without gaps; a bucket holds the integers {@code [lowerBound(i), lowerBound(i) + width(i))}. Its
 * {@link #representative} (the middle of that range) is within {@link #RELATIVE_ERROR} (1/32 = 3.125 %) of every
 * value the bucket holds, because a bucket's width is at most 1/16 of its lower bound (or 1).
 *
 * <p>Stateless; all methods are pure and thread-safe.
 */
final class LogLinearBuckets {

    static final int SUB_BITS = 4;
    static final int SUB_BUCKETS = 1 << SUB_BITS;
    /** Values at or above this (2^42 ns, ~73 min) are counted in the last bucket. */
    static final long RANGE_END = 1L << 42;
    static final int COUNT = index(RANGE_END - 1) + 1;
    /** Bound on |representative - value| / value for every value below {@link #RANGE_END}. */
    static final double RELATIVE_ERROR = 1.0 / (2 * SUB_BUCKETS);

    private LogLinearBuckets() {
    }

    /** The bucket of {@code nanos >= 0}; values at or above {@link #RANGE_END} go to the last bucket. */
    static int index(long nanos) {
        long v = Math.min(nanos, RANGE_END - 1);
        if (v < SUB_BUCKETS) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS;
        return ((shift + 1) << SUB_BITS) + (int) (v >>> shift) - SUB_BUCKETS;
    }

    static long lowerBound(int index) {
        int group = index >>> SUB_BITS;
        if (group == 0) {
            return index;
        }
        return (long) (SUB_BUCKETS + (index & (SUB_BUCKETS - 1))) << (group - 1);
    }

    static long width(int index) {
        int group = index >>> SUB_BITS;
        return group == 0 ? 1 : 1L << (group - 1);
    }

    /** The value reported for the bucket: the middle of the integers it holds. */
    static double representative(int index) {
        return lowerBound(index) + (width(index) - 1) / 2.0;
    }
}
