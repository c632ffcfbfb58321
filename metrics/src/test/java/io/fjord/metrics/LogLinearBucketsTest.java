package io.fjord.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogLinearBucketsTest {

    @Test
    void bucketsTileTheRangeWithoutGapsInValueOrder() {
        long expectedLower = 0;
        for (int i = 0; i < LogLinearBuckets.COUNT; i++) {
            assertEquals(expectedLower, LogLinearBuckets.lowerBound(i), "bucket " + i);
            assertEquals(i, LogLinearBuckets.index(expectedLower), "lower bound of bucket " + i);
            long last = expectedLower + LogLinearBuckets.width(i) - 1;
            assertEquals(i, LogLinearBuckets.index(last), "last value of bucket " + i);
            expectedLower = last + 1;
        }
        assertEquals(LogLinearBuckets.RANGE_END, expectedLower);
    }

    @Test
    void rangeCoversLessThanAMicrosecondToMoreThanAnHourWithSixteenBucketsPerPowerOfTwo() {
        assertTrue(LogLinearBuckets.width(LogLinearBuckets.index(1_000)) <= 1_000 / 16);
        assertTrue(LogLinearBuckets.RANGE_END > 3_600_000_000_000L);
        assertEquals(16, LogLinearBuckets.index(2 * 1024) - LogLinearBuckets.index(1024));
        assertEquals(624, LogLinearBuckets.COUNT);
    }

    @Test
    void valuesBeyondTheRangeGoToTheLastBucket() {
        int last = LogLinearBuckets.COUNT - 1;
        assertEquals(last, LogLinearBuckets.index(LogLinearBuckets.RANGE_END));
        assertEquals(last, LogLinearBuckets.index(Long.MAX_VALUE));
        assertEquals(0, LogLinearBuckets.index(0));
    }

    @Test
    void representativeIsWithinTheRelativeErrorBoundOfEveryValueInRange() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1_000_000; i++) {
            long v = (long) Math.pow(2, random.nextDouble(0, 42)) - 1 + random.nextInt(2);
            v = Math.min(Math.max(v, 0), LogLinearBuckets.RANGE_END - 1);
            assertWithinBound(v);
        }
        for (int i = 0; i < LogLinearBuckets.COUNT; i++) {
            assertWithinBound(LogLinearBuckets.lowerBound(i));
            assertWithinBound(LogLinearBuckets.lowerBound(i) + LogLinearBuckets.width(i) - 1);
        }
    }

    private static void assertWithinBound(long v) {
        double reported = LogLinearBuckets.representative(LogLinearBuckets.index(v));
        assertTrue(Math.abs(reported - v) <= v * LogLinearBuckets.RELATIVE_ERROR,
                v + " reported as " + reported);
    }
}
