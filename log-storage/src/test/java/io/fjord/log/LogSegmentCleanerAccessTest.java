package io.fjord.log;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.fjord.log.TestBatches.T0;
import static io.fjord.log.TestBatches.batch;
import static io.fjord.log.TestBatches.bytes;
import static io.fjord.log.TestBatches.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the cleaner needs of a segment: whole batches in chunks, the first batch's timestamp, renames by suffix. */
class LogSegmentCleanerAccessTest {
    private static final LogConfig CONFIG = TestBatches.config("index.interval.bytes", "0", "segment.index.bytes", "800");

    @TempDir
    Path dir;
    private LogSegment segment;

    @AfterEach
    void close() throws IOException {
        segment.close();
    }

    private LogSegment segmentWith(ByteBuf... batches) throws IOException {
        segment = LogSegment.open(dir, 0, CONFIG, 0, new MockTime(), FileChannelFactory.DEFAULT);
        for (ByteBuf batch : batches) {
            segment.append(batch);
        }
        return segment;
    }

    @Test
    void readBatchesReturnsTheWholeBatchesThatFitAndAtLeastOne() throws IOException {
        // given
        ByteBuf small = batch(0, 10, T0);
        ByteBuf large = batch(1, 300, T0 + 1);
        ByteBuf last = batch(2, 10, T0 + 2);
        segmentWith(small.copy(), large.copy(), last.copy());
        int smallSize = small.readableBytes();

        // when
        ByteBuf firstChunk = segment.readBatches(0, smallSize + 100);
        ByteBuf oversized = segment.readBatches(smallSize, 100);
        ByteBuf rest = segment.readBatches(smallSize, Integer.MAX_VALUE);
        ByteBuf atEnd = segment.readBatches(segment.size(), 100);

        // then
        assertArrayEquals(bytes(small), bytes(firstChunk));
        assertArrayEquals(bytes(large), bytes(oversized));
        assertArrayEquals(bytes(concat(large, last)), bytes(rest));
        assertFalse(atEnd.isReadable());
    }

    @Test
    void theFirstBatchMaxTimestampIsTheFirstBatchsNotTheSegments() throws IOException {
        // given
        segmentWith(batch(0, T0 + 5, T0 + 7), batch(2, T0 + 9));

        // when
        long first = segment.firstBatchMaxTimestamp();

        // then
        assertEquals(T0 + 7, first);
        assertEquals(T0 + 9, segment.maxTimestamp());
    }

    @Test
    void changeFileSuffixRenamesAllThreeFilesAndKeepsThemUsable() throws IOException {
        // given
        segmentWith(batch(0, T0));

        // when
        segment.changeFileSuffix("", LogSegment.SWAP_SUFFIX);
        segment.append(batch(1, T0 + 1));

        // then
        try (var files = Files.list(dir)) {
            assertEquals(List.of("00000000000000000000.index.swap", "00000000000000000000.log.swap", "00000000000000000000.timeindex.swap"),
                    files.map(file -> file.getFileName().toString()).sorted().toList());
        }
        assertTrue(segment.logFile().toString().endsWith(".log.swap"));
        assertEquals(2, segment.readNextOffset());
    }
}
