package io.fjord.log;

import io.fjord.protocol.records.CompressionType;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.fjord.log.LogAssertions.readBatches;
import static io.fjord.log.TestBatches.T0;
import static io.fjord.log.TestBatches.batch;
import static io.fjord.log.TestBatches.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSegmentTest {
    private static final long BASE = 100;
    private static final LogConfig CONFIG = TestBatches.config("index.interval.bytes", "0", "segment.index.bytes", "800");
    private final MockTime time = new MockTime();
    private final List<LogSegment> opened = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeSegments() throws IOException {
        for (LogSegment segment : opened) {
            segment.close();
        }
    }

    private LogSegment segment(LogConfig config, long jitterMs) throws IOException {
        LogSegment segment = LogSegment.open(dir, BASE, config, jitterMs, time, FileChannelFactory.DEFAULT);
        opened.add(segment);
        return segment;
    }

    private LogSegment segmentWith(ByteBuf... batches) throws IOException {
        LogSegment segment = segment(CONFIG, 0);
        for (ByteBuf batch : batches) {
            segment.append(batch);
        }
        return segment;
    }

    @Test
    void filesAreNamedByTheBaseOffsetInTwentyDigits() throws IOException {
        segment(CONFIG, 0);

        assertTrue(Files.exists(dir.resolve("00000000000000000100.log")));
        assertTrue(Files.exists(dir.resolve("00000000000000000100.index")));
        assertTrue(Files.exists(dir.resolve("00000000000000000100.timeindex")));
    }

    @Test
    void aReadReturnsTheAppendedBytesFromTheBatchHoldingTheOffset() throws IOException {
        ByteBuf first = batch(BASE, T0, T0, T0);
        ByteBuf second = batch(BASE + 3, T0);
        LogSegment segment = segmentWith(first.copy(), second.copy());

        FileSlice slice = segment.read(BASE + 1, 10_000, segment.size(), true);

        assertEquals(0, slice.position());
        assertEquals(BASE, slice.firstOffset());
        assertArrayEquals(bytes(TestBatches.concat(first, second)), bytes(slice.readBytes()));
        assertEquals(first.readableBytes(), segment.read(BASE + 3, 10_000, segment.size(), true).position());
    }

    @Test
    void aReadPastTheLastBatchFindsNothing() throws IOException {
        LogSegment segment = segmentWith(batch(BASE, T0));

        assertNull(segment.read(BASE + 1, 10_000, segment.size(), true));
    }

    @Test
    void aReadStopsAtTheMaximumPosition() throws IOException {
        ByteBuf first = batch(BASE, T0);
        LogSegment segment = segmentWith(first.copy(), batch(BASE + 1, T0));

        assertEquals(first.readableBytes(), segment.read(BASE, 10_000, first.readableBytes(), true).length());
        assertTrue(segment.read(BASE + 1, 10_000, first.readableBytes(), true).isEmpty());
    }

    @Test
    void theFirstBatchComesWholeOnlyWhenAtLeastOneBatchIsWanted() throws IOException {
        ByteBuf large = batch(BASE, 500, T0);
        LogSegment segment = segmentWith(large.copy(), batch(BASE + 1, T0));

        assertEquals(large.readableBytes(), segment.read(BASE, 10, segment.size(), true).length());
        assertTrue(segment.read(BASE, 10, segment.size(), false).isEmpty());
    }

    @Test
    void anIndexEntryIsAddedOnceIndexIntervalBytesHavePassed() throws IOException {
        LogConfig config = TestBatches.config("index.interval.bytes", "150", "segment.index.bytes", "800");
        LogSegment segment = segment(config, 0);
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            positions.add(segment.size());
            segment.append(batch(BASE + i, 20, T0 + i));
        }

        assertTrue(positions.get(1) > 75 && positions.get(1) <= 150, "two batches pass 150 bytes");
        assertEquals(new OffsetIndex.Entry(BASE + 2, positions.get(2)), segment.offsetIndex().lookup(BASE + 3));
        assertEquals(new OffsetIndex.Entry(BASE + 4, positions.get(4)), segment.offsetIndex().lookup(BASE + 5));
        assertEquals(2, segment.offsetIndex().entries());
    }

    @Test
    void recoveryRebuildsTheIndexesAppendsBuilt() throws IOException {
        LogSegment segment = segment(CONFIG, 0);
        for (int i = 0; i < 20; i++) {
            segment.append(batch(BASE + 2L * i, T0 + (i * 7L) % 13, T0 + i % 5));
        }
        List<OffsetIndex.Entry> offsetEntries = offsetEntries(segment);
        TimeIndex.Entry lastTimeEntry = segment.timeIndex().lastEntry();
        long maxTimestamp = segment.maxTimestamp();
        List<Long> recovered = new ArrayList<>();

        long truncated = segment.recover(batch -> recovered.add(batch.baseOffset()));

        assertEquals(0, truncated);
        assertEquals(20, recovered.size());
        assertEquals(offsetEntries, offsetEntries(segment));
        assertEquals(lastTimeEntry, segment.timeIndex().lastEntry());
        assertEquals(maxTimestamp, segment.maxTimestamp());
    }

    @Test
    void recoveryCutsATornLastBatch() throws IOException {
        ByteBuf first = batch(BASE, T0);
        LogSegment segment = segmentWith(first.copy());
        ByteBuf torn = batch(BASE + 1, T0);
        segment.channel().write(torn.nioBuffer(0, torn.readableBytes() - 1), segment.size());

        long truncated = segment.recover(batch -> { });

        assertEquals(torn.readableBytes() - 1, truncated);
        assertEquals(first.readableBytes(), segment.size());
        assertEquals(first.readableBytes(), Files.size(segment.logFile()));
        assertEquals(BASE + 1, segment.readNextOffset());
    }

    @Test
    void recoveryCutsABatchWhoseOffsetsGoBackwards() throws IOException {
        ByteBuf first = batch(BASE + 5, T0);
        LogSegment segment = segmentWith(first.copy());
        ByteBuf backwards = batch(BASE + 5, T0);
        segment.channel().write(backwards.nioBuffer(), segment.size());

        assertEquals(backwards.readableBytes(), segment.recover(batch -> { }));
    }

    @Test
    void truncationRemovesTheBatchHoldingTheOffsetAndRecomputesTheMaxTimestamp() throws IOException {
        ByteBuf first = batch(BASE, T0 + 5, T0 + 1);
        LogSegment segment = segmentWith(first.copy(), batch(BASE + 2, T0 + 3), batch(BASE + 3, T0 + 9, T0 + 2));

        int removed = segment.truncateTo(BASE + 4);

        assertEquals(first.readableBytes() + batch(BASE + 2, T0 + 3).readableBytes(), segment.size());
        assertTrue(removed > 0);
        assertEquals(T0 + 5, segment.maxTimestamp());
        assertEquals(BASE + 3, segment.readNextOffset());
        assertEquals(List.of(new OffsetIndex.Entry(BASE + 2, first.readableBytes())), offsetEntries(segment));
    }

    @Test
    void aTimestampLookupFindsTheFirstRecordAtOrAfterIt() throws IOException {
        LogSegment segment = segmentWith(batch(BASE, T0 + 10, T0 + 30), batch(BASE + 2, T0 + 20, T0 + 40, T0 + 25));

        assertEquals(Optional.of(new TimestampAndOffset(T0 + 30, BASE + 1, -1)), segment.findOffsetByTimestamp(T0 + 21, BASE));
        assertEquals(Optional.of(new TimestampAndOffset(T0 + 40, BASE + 3, -1)), segment.findOffsetByTimestamp(T0 + 21, BASE + 2));
        assertEquals(Optional.empty(), segment.findOffsetByTimestamp(T0 + 41, BASE));
    }

    @Test
    void theMaxTimestampRecordIgnoresRecordsBeforeTheStartOffset() throws IOException {
        LogSegment segment = segmentWith(batch(BASE, T0 + 10, T0 + 90, T0 + 30), batch(BASE + 3, T0 + 50));

        assertEquals(Optional.of(new TimestampAndOffset(T0 + 90, BASE + 1, -1)), segment.maxTimestampRecord(BASE));
        assertEquals(Optional.of(new TimestampAndOffset(T0 + 50, BASE + 3, -1)), segment.maxTimestampRecord(BASE + 2));
    }

    @Test
    void aSegmentRollsWhenTheAppendWouldPassSegmentBytes() throws IOException {
        LogConfig config = TestBatches.config("segment.bytes", "250");
        LogSegment segment = segment(config, 0);
        assertFalse(segment.shouldRoll(config, 1_000, T0, BASE, time.milliseconds()), "an empty segment takes anything");
        segment.append(batch(BASE, 20, T0));
        int room = 250 - segment.size();

        assertFalse(segment.shouldRoll(config, room, T0, BASE + 1, time.milliseconds()));
        assertTrue(segment.shouldRoll(config, room + 1, T0, BASE + 1, time.milliseconds()));
    }

    @Test
    void aSegmentRollsWhenItsFirstTimestampIsOlderThanSegmentMsMinusJitter() throws IOException {
        LogConfig config = TestBatches.config("segment.ms", "1000");
        LogSegment segment = segment(config, 200);
        segment.append(batch(BASE, T0));

        assertFalse(segment.shouldRoll(config, 10, T0 + 800, BASE + 1, time.milliseconds()));
        assertTrue(segment.shouldRoll(config, 10, T0 + 801, BASE + 1, time.milliseconds()));
    }

    @Test
    void withoutTimestampsTheSegmentAgesByWallClock() throws IOException {
        LogConfig config = TestBatches.config("segment.ms", "1000");
        LogSegment segment = segment(config, 0);
        segment.append(batch(BASE, -1L));

        time.advance(1000);
        assertFalse(segment.shouldRoll(config, 10, -1, BASE + 1, time.milliseconds()));
        time.advance(1);
        assertTrue(segment.shouldRoll(config, 10, -1, BASE + 1, time.milliseconds()));
    }

    @Test
    void aSegmentRollsWhenItsOffsetIndexIsFull() throws IOException {
        LogConfig config = TestBatches.config("index.interval.bytes", "0", "segment.index.bytes", "36");
        LogSegment segment = segment(config, 0);
        for (int i = 0; i < 5; i++) {
            assertFalse(segment.shouldRoll(config, 10, T0, BASE + i, time.milliseconds()));
            segment.append(batch(BASE + i, T0));
        }

        assertTrue(segment.offsetIndex().isFull());
        assertTrue(segment.shouldRoll(config, 10, T0, BASE + 5, time.milliseconds()));
    }

    @Test
    void anOffsetBeyondTheRelativeRangeRollsEvenAnEmptySegment() throws IOException {
        LogSegment segment = segment(CONFIG, 0);

        assertFalse(segment.shouldRoll(CONFIG, 10, T0, BASE + Integer.MAX_VALUE, time.milliseconds()));
        assertTrue(segment.shouldRoll(CONFIG, 10, T0, BASE + Integer.MAX_VALUE + 1L, time.milliseconds()));
    }

    @Test
    void becomingInactiveTrimsTheIndexesAndRecordsTheMaxTimestamp() throws IOException {
        LogSegment segment = segmentWith(batch(BASE, T0 + 9), batch(BASE + 1, T0 + 3));

        segment.onBecomeInactive();

        assertEquals(new TimeIndex.Entry(T0 + 9, BASE), segment.timeIndex().lastEntry());
        assertEquals(TimeIndex.ENTRY_SIZE, Files.size(segment.timeIndex().file()));
        assertEquals(OffsetIndex.ENTRY_SIZE, Files.size(segment.offsetIndex().file()));
    }

    @Test
    void aDeletedSegmentStaysReadableUntilItsFilesAreDeleted() throws IOException {
        ByteBuf batch = batch(BASE, T0);
        LogSegment segment = segmentWith(batch.copy());

        segment.renameToDeleted();

        assertTrue(Files.exists(dir.resolve("00000000000000000100.log.deleted")));
        assertTrue(Files.exists(dir.resolve("00000000000000000100.index.deleted")));
        assertTrue(Files.exists(dir.resolve("00000000000000000100.timeindex.deleted")));
        assertArrayEquals(bytes(batch), readBatches(segment.read(BASE, 1000, segment.size(), true)).get(0));

        segment.deleteFiles();

        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aCompressedBatchIsSearchedByItsRecords() throws IOException {
        ByteBuf compressed = TestBatches.batchAt(CompressionType.ZSTD, BASE, new long[] {BASE, BASE + 2, BASE + 5},
                new long[] {T0 + 1, T0 + 7, T0 + 3}, 30);
        LogSegment segment = segmentWith(compressed);

        assertEquals(Optional.of(new TimestampAndOffset(T0 + 7, BASE + 2, -1)), segment.findOffsetByTimestamp(T0 + 4, BASE));
        assertEquals(Optional.of(new TimestampAndOffset(T0 + 7, BASE + 2, -1)), segment.maxTimestampRecord(BASE));
        assertEquals(BASE + 6, segment.readNextOffset());
    }

    private static List<OffsetIndex.Entry> offsetEntries(LogSegment segment) {
        List<OffsetIndex.Entry> entries = new ArrayList<>();
        OffsetIndex index = segment.offsetIndex();
        for (long offset = BASE; offset <= index.lastEntry().offset(); offset++) {
            OffsetIndex.Entry entry = index.lookup(offset);
            if (entry.offset() == offset && entry.position() > 0) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
