package io.fjord.log.compaction;

import io.fjord.log.FileSlice;
import io.fjord.log.LogSegment;
import io.fjord.log.PartitionLog;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static io.fjord.log.compaction.CleanerTestLogs.bytes;
import static io.fjord.log.compaction.CleanerTestLogs.compacted;
import static io.fjord.log.compaction.CleanerTestLogs.fileNames;
import static io.fjord.log.compaction.CleanerTestLogs.records;
import static io.fjord.log.compaction.CleanerTestLogs.withoutTimestamps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PartitionLog#replaceSegments} swaps a cleaned segment in only while the segments it replaces are still the
 * log's, and lets reads already under way finish. The cleaned segment here holds segment 1's batch only, as if
 * segment 0's record had been compacted away.
 */
class SegmentSwapTest {
    @TempDir
    Path root;
    private final CleanerTestLogs logs = new CleanerTestLogs();
    private PartitionLog log;
    private List<LogSegment> inactive;
    private LogSegment cleaned;

    @BeforeEach
    void writeLogAndCleanedSegment() throws IOException {
        log = logs.open(root.resolve("topic-0"), compacted("file.delete.delay.ms", "1000"));
        logs.appendEach(log, "k1", "a");
        log.roll();
        logs.appendEach(log, "k1", "b");
        log.roll();
        logs.appendEach(log, "k1", "c");
        inactive = log.segments().stream().limit(2).toList();
        cleaned = log.createCleanedSegment(0);
        cleaned.append(inactive.get(1).readBatches(0, Integer.MAX_VALUE));
        cleaned.onBecomeInactive();
        cleaned.flush();
    }

    @AfterEach
    void close() {
        logs.close();
    }

    @Test
    void aSwapReplacesTheSegmentsAndLetsEarlierReadsFinish() throws IOException {
        // given
        FileSlice readBeforeSwap = log.read(0, 1000, Long.MAX_VALUE, true);
        byte[] expected = ByteBufUtil.getBytes(bytes(readBeforeSwap));

        // when
        boolean swapped = log.replaceSegments(cleaned, inactive, log.truncationCount());

        // then
        assertTrue(swapped);
        assertEquals(List.of(0L, 2L), log.segments().stream().map(LogSegment::baseOffset).toList());
        assertEquals(CleanerTestLogs.records("1", "k1", "b", "2", "k1", "c"), withoutTimestamps(records(log)));
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(bytes(readBeforeSwap)));
        assertTrue(fileNames(log.dir()).contains("00000000000000000001.log.deleted"));
        logs.time.advance(1000);
        assertEquals(List.of("00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex",
                "00000000000000000002.index", "00000000000000000002.log", "00000000000000000002.timeindex"), fileNames(log.dir()));
    }

    @Test
    void aSwapIsRefusedAfterATruncation() {
        // given
        long truncationsBefore = log.truncationCount();
        logs.appendEach(log, "k1", "d");
        log.truncateTo(3);

        // when
        boolean swapped = log.replaceSegments(cleaned, inactive, truncationsBefore);

        // then
        assertFalse(swapped);
        assertEquals(3, records(log).size());
    }

    @Test
    void aSwapIsRefusedWhenAReplacedSegmentWasDeleted() {
        // given
        log.deleteRecordsBefore(1);

        // when
        boolean swapped = log.replaceSegments(cleaned, inactive, log.truncationCount());

        // then
        assertFalse(swapped);
        assertEquals(2, records(log).size());
    }

    @Test
    void aSwapIsRefusedForTheActiveSegment() {
        // when
        boolean swapped = log.replaceSegments(cleaned, List.copyOf(log.segments()), log.truncationCount());

        // then
        assertFalse(swapped);
        assertEquals(3, records(log).size());
    }
}
