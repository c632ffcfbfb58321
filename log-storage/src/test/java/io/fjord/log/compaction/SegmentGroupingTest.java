package io.fjord.log.compaction;

import io.fjord.log.LogSegment;
import io.fjord.log.PartitionLog;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.RecordBatchBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.fjord.log.compaction.CleanerTestLogs.compacted;
import static io.fjord.log.compaction.TestBatches.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link SegmentCleaner#groupBySize} groups consecutive segments as Kafka's cleaner does. */
class SegmentGroupingTest {
    @TempDir
    Path root;
    private final CleanerTestLogs logs = new CleanerTestLogs();

    @AfterEach
    void close() {
        logs.close();
    }

    /** Four inactive segments of two equal single-record batches each, every batch indexed. */
    private List<LogSegment> fourEqualSegments() {
        PartitionLog log = logs.open(root.resolve("topic-0"), compacted("index.interval.bytes", "0"));
        for (int i = 0; i < 4; i++) {
            logs.appendEach(log, "k1", "a");
            logs.time.advance(1);
            logs.appendEach(log, "k2", "b");
            log.roll();
        }
        return log.segments().stream().limit(4).toList();
    }

    private static List<List<Long>> baseOffsets(List<List<LogSegment>> groups) {
        return groups.stream().map(group -> group.stream().map(LogSegment::baseOffset).toList()).toList();
    }

    @Test
    void aGroupTakesSegmentsWhileTheirBytesFitSegmentBytes() {
        // given
        List<LogSegment> segments = fourEqualSegments();
        int size = segments.get(0).size();

        // when
        var fitTwo = SegmentCleaner.groupBySize(segments, 2 * size, Integer.MAX_VALUE, 8);
        var fitOne = SegmentCleaner.groupBySize(segments, 2 * size - 1, Integer.MAX_VALUE, 8);

        // then
        assertEquals(List.of(List.of(0L, 2L), List.of(4L, 6L)), baseOffsets(fitTwo));
        assertEquals(List.of(List.of(0L), List.of(2L), List.of(4L), List.of(6L)), baseOffsets(fitOne));
    }

    @Test
    void aGroupTakesSegmentsWhileTheirIndexesFitSegmentIndexBytes() {
        // given
        List<LogSegment> segments = fourEqualSegments();
        int indexBytes = Math.max(segments.get(0).offsetIndex().sizeInBytes(), segments.get(0).timeIndex().sizeInBytes());

        // when
        var fitTwo = SegmentCleaner.groupBySize(segments, Integer.MAX_VALUE, 2 * indexBytes + 1, 8);
        var fitOne = SegmentCleaner.groupBySize(segments, Integer.MAX_VALUE, 2 * indexBytes - 1, 8);

        // then
        assertEquals(List.of(List.of(0L, 2L), List.of(4L, 6L)), baseOffsets(fitTwo));
        assertEquals(List.of(List.of(0L), List.of(2L), List.of(4L), List.of(6L)), baseOffsets(fitOne));
    }

    @Test
    void aGroupSpansLessThan2To31Offsets() {
        // given: segments at 0 and 3 000 000 000, the second ending just below the first uncleanable offset
        PartitionLog log = logs.open(root.resolve("topic-0"), compacted());
        long far = 3_000_000_000L;
        log.appendAsFollower(new RecordBatchBuilder(CompressionType.NONE).append(record(0, "k", "a")).build());
        log.appendAsFollower(new RecordBatchBuilder(CompressionType.NONE).baseOffset(far).append(record(far, "k", "b")).build());
        log.roll();
        List<LogSegment> segments = log.segments().stream().limit(2).toList();

        // when
        var groups = SegmentCleaner.groupBySize(segments, Integer.MAX_VALUE, Integer.MAX_VALUE, far + 1);

        // then
        assertEquals(List.of(List.of(0L), List.of(far)), baseOffsets(groups));
    }
}
