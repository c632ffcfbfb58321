package io.fjord.log;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Both indexes answer lookups like a TreeMap of what was appended, before and after truncation and reopening. */
class IndexPropertyTest {

    @Property(tries = 300)
    void offsetIndexLookupsMatchATreeMap(@ForAll("steps") List<int[]> steps, @ForAll @IntRange(min = 8, max = 400) int maxIndexSize,
                                         @ForAll @LongRange(min = 0, max = 1L << 40) long baseOffset,
                                         @ForAll @IntRange(min = 0, max = 100) int truncatePercent) throws IOException {
        Path dir = TestBatches.tempDir();
        Path file = dir.resolve("index");
        TreeMap<Long, Integer> model = new TreeMap<>();
        try {
            OffsetIndex index = new OffsetIndex(file, baseOffset, maxIndexSize);
            long offset = baseOffset - 1;
            int position = 0;
            for (int[] step : steps) {
                offset += step[0];
                position += step[1];
                if (index.isFull()) {
                    assertEquals(maxIndexSize / OffsetIndex.ENTRY_SIZE, model.size(), "full only when every slot is used");
                    break;
                }
                index.append(offset, position);
                model.put(offset, position);
            }
            assertOffsetLookups(model, index, baseOffset, offset);

            long truncateAt = baseOffset + (offset - baseOffset + 2) * truncatePercent / 100;
            index.truncateTo(truncateAt);
            model.tailMap(truncateAt, true).clear();
            assertOffsetLookups(model, index, baseOffset, offset);

            index.close();
            OffsetIndex reopened = new OffsetIndex(file, baseOffset, maxIndexSize);
            assertEquals(model.size(), reopened.entries());
            assertOffsetLookups(model, reopened, baseOffset, offset);
            reopened.close();
        } finally {
            TestBatches.deleteRecursively(dir);
        }
    }

    private static void assertOffsetLookups(TreeMap<Long, Integer> model, OffsetIndex index, long baseOffset, long maxOffset) {
        for (long target = baseOffset - 1; target <= maxOffset + 1; target++) {
            Map.Entry<Long, Integer> expected = model.floorEntry(target);
            OffsetIndex.Entry want = expected == null ? new OffsetIndex.Entry(baseOffset, 0) : new OffsetIndex.Entry(expected.getKey(), expected.getValue());
            assertEquals(want, index.lookup(target), "lookup of " + target);
        }
    }

    @Property(tries = 300)
    void timeIndexLookupsMatchATreeMap(@ForAll("steps") List<int[]> steps, @ForAll @IntRange(min = 12, max = 400) int maxIndexSize,
                                       @ForAll @LongRange(min = 0, max = 1L << 40) long baseOffset,
                                       @ForAll @IntRange(min = 0, max = 100) int truncatePercent) throws IOException {
        Path dir = TestBatches.tempDir();
        Path file = dir.resolve("timeindex");
        TreeMap<Long, Long> model = new TreeMap<>();
        int maxEntries = maxIndexSize / TimeIndex.ENTRY_SIZE;
        try {
            TimeIndex index = new TimeIndex(file, baseOffset, maxIndexSize);
            long offset = baseOffset - 1;
            long timestamp = 100;
            for (int[] step : steps) {
                offset += step[0];
                timestamp += step[1] - 5;
                boolean later = model.isEmpty() ? timestamp >= 0 : timestamp > model.lastKey();
                if (later && model.size() < maxEntries - 1) {
                    model.put(timestamp, offset);
                }
                index.maybeAppend(timestamp, offset);
            }
            assertTimeLookups(model, index, baseOffset);

            long truncateAt = baseOffset + (offset - baseOffset + 2) * truncatePercent / 100;
            index.truncateTo(truncateAt);
            model.values().removeIf(o -> o >= truncateAt);
            assertTimeLookups(model, index, baseOffset);

            index.appendFinal(timestamp + 1_000, offset + 1);
            if (model.size() < maxEntries) {
                model.put(timestamp + 1_000, offset + 1);
            }
            index.close();
            TimeIndex reopened = new TimeIndex(file, baseOffset, maxIndexSize);
            assertEquals(model.size(), reopened.entries());
            assertTimeLookups(model, reopened, baseOffset);
            reopened.close();
        } finally {
            TestBatches.deleteRecursively(dir);
        }
    }

    private static void assertTimeLookups(TreeMap<Long, Long> model, TimeIndex index, long baseOffset) {
        long highest = model.isEmpty() ? 200 : model.lastKey() + 2;
        for (long target = -2; target <= highest; target++) {
            Map.Entry<Long, Long> expected = model.floorEntry(target);
            TimeIndex.Entry want = expected == null ? new TimeIndex.Entry(-1, baseOffset) : new TimeIndex.Entry(expected.getKey(), expected.getValue());
            assertEquals(want, index.lookup(target), "lookup of " + target);
        }
        TimeIndex.Entry last = model.isEmpty() ? new TimeIndex.Entry(-1, baseOffset) : new TimeIndex.Entry(model.lastKey(), model.lastEntry().getValue());
        assertEquals(last, index.lastEntry());
    }

    /** Gaps to the next entry: offset gap (1..50) and position or timestamp step (1..200, timestamps go back by up to 4). */
    @Provide
    Arbitrary<List<int[]>> steps() {
        return Arbitraries.integers().between(1, 50).list().ofSize(2)
                .map(pair -> new int[] {pair.get(0), pair.get(1) * 4})
                .list().ofMaxSize(80);
    }
}
