package io.fjord.log;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.fjord.log.LogAssertions.readAll;
import static io.fjord.log.LogAssertions.readBatches;
import static io.fjord.log.TestBatches.T0;
import static io.fjord.log.TestBatches.batch;
import static io.fjord.log.TestBatches.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention deletes whole old segments by time, size and log start offset, as Kafka does, without disturbing reads. */
class PartitionLogRetentionTest {
    private static final int BATCH_BYTES = batch(0, T0).readableBytes();

    @TempDir
    Path root;
    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final List<PartitionLog> opened = new ArrayList<>();

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
        scheduler.close();
    }

    private Path dir() {
        return root.resolve("topic-0");
    }

    private PartitionLog open(LoadState state, String... config) {
        PartitionLog log = PartitionLog.open(dir(), TestBatches.config(config), state, new LogEnvironment(time, scheduler));
        opened.add(log);
        return log;
    }

    private PartitionLog open(String... config) {
        return open(LoadState.NEW, config);
    }

    /** One segment per timestamp, each holding one batch of one record with that timestamp; the last is active. */
    private static void appendSegments(PartitionLog log, long... timestamps) {
        for (int i = 0; i < timestamps.length; i++) {
            if (i > 0) {
                log.roll();
            }
            log.append(batch(0, timestamps[i]), 0);
        }
    }

    private static List<Long> segmentBases(PartitionLog log) {
        return log.segments().stream().map(LogSegment::baseOffset).toList();
    }

    private List<String> files(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(f -> f.getFileName().toString()).filter(name -> name.endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void segmentsWhoseLargestTimestampIsMoreThanRetentionMsOldAreDeleted() {
        PartitionLog log = open("retention.ms", "1000");
        appendSegments(log, T0, T0 + 500, T0 + 2_000);
        List<byte[]> retained = readAll(log, 100_000).subList(2, 3);

        time.advance(1_500);
        assertEquals(1, log.deleteOldSegments(), "a segment exactly retention.ms old stays");
        time.advance(100);
        assertEquals(1, log.deleteOldSegments());

        assertEquals(List.of(2L), segmentBases(log));
        assertEquals(2, log.logStartOffset());
        assertEquals(3, log.logEndOffset());
        assertEquals(retained.size(), readAll(log, 100_000).size());
        assertArrayEquals(retained.get(0), readAll(log, 100_000).get(0));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(1, 100_000, Long.MAX_VALUE, true));
    }

    @Test
    void timeRetentionStopsAtTheFirstSegmentItKeeps() {
        PartitionLog log = open("retention.ms", "1000");
        appendSegments(log, T0, T0 + 5_000, T0, T0 + 5_000);
        time.advance(2_000);

        assertEquals(1, log.deleteOldSegments());

        assertEquals(List.of(1L, 2L, 3L), segmentBases(log));
    }

    @Test
    void whenEverySegmentHasExpiredTheActiveOneIsRolledAndAllAreDeleted() {
        PartitionLog log = open("retention.ms", "1000");
        appendSegments(log, T0, T0, T0);
        time.advance(2_000);

        assertEquals(3, log.deleteOldSegments());

        assertEquals(List.of(3L), segmentBases(log));
        assertEquals(3, log.logStartOffset());
        assertEquals(3, log.logEndOffset());
        assertTrue(log.read(3, 100_000, Long.MAX_VALUE, true).isEmpty());
        assertEquals(3, log.append(batch(0, T0 + 2_000), 0).firstOffset());
    }

    @Test
    void anEmptyActiveSegmentIsNeverDeleted() {
        PartitionLog log = open("retention.ms", "1000");
        appendSegments(log, T0, T0);
        log.roll();
        time.advance(2_000);

        assertEquals(2, log.deleteOldSegments());

        assertEquals(List.of(2L), segmentBases(log));
        assertEquals(2, log.logStartOffset());
    }

    @Test
    void retentionBytesDeletesTheOldestSegmentsWhileWhatRemainsIsAtLeastThatLarge() {
        PartitionLog log = open("retention.bytes", Integer.toString(2 * BATCH_BYTES + 1));
        appendSegments(log, T0, T0, T0, T0);

        assertEquals(1, log.deleteOldSegments());
        assertEquals(0, log.deleteOldSegments());

        assertEquals(List.of(1L, 2L, 3L), segmentBases(log));
        assertEquals(1, log.logStartOffset());
    }

    @Test
    void retentionBytesOfZeroDeletesEverySegmentTheActiveOneIncluded() {
        PartitionLog log = open("retention.bytes", "0");
        appendSegments(log, T0, T0, T0);

        assertEquals(3, log.deleteOldSegments());

        assertEquals(List.of(3L), segmentBases(log));
        assertEquals(3, log.logStartOffset());
    }

    @Test
    void segmentsWhollyBelowTheLogStartOffsetAreDeletedWhateverThePolicy() {
        PartitionLog log = open("cleanup.policy", "compact", "retention.ms", "1000");
        for (int i = 0; i < 3; i++) {
            log.append(batch(0, T0, T0), 0);
            log.roll();
        }
        LoadState checkpointed = new LoadState(true, log.logEndOffset(), 3);
        log.close();
        PartitionLog reopened = open(checkpointed, "cleanup.policy", "compact", "retention.ms", "1000");
        time.advance(10_000);

        assertEquals(1, reopened.deleteOldSegments(), "only the segment before the one holding offset 3; compaction keeps old data");

        assertEquals(List.of(2L, 4L, 6L), segmentBases(reopened));
        assertEquals(3, reopened.logStartOffset());
    }

    @Test
    void withRetentionDisabledNothingIsDeleted() {
        PartitionLog log = open("retention.ms", "-1", "retention.bytes", "-1");
        appendSegments(log, T0, T0, T0);
        time.advance(365L * 86_400_000);

        assertEquals(0, log.deleteOldSegments());

        assertEquals(List.of(0L, 1L, 2L), segmentBases(log));
    }

    @Test
    void deletedFilesStayReadableUntilTheFileDeleteDelayHasPassed() throws IOException {
        PartitionLog log = open("retention.ms", "1000", "file.delete.delay.ms", "5000");
        appendSegments(log, T0, T0 + 10_000);
        FileSlice inFlight = log.read(0, 100_000, Long.MAX_VALUE, true);
        time.advance(2_000);

        assertEquals(1, log.deleteOldSegments());

        assertEquals(List.of("00000000000000000000.log.deleted"), files(".log.deleted"));
        assertFalse(files(".log").contains("00000000000000000000.log"));
        time.advance(4_999);
        assertEquals(1, readBatches(inFlight).size(), "a read started before the deletion finishes");
        assertEquals(List.of("00000000000000000000.index.deleted", "00000000000000000000.log.deleted",
                "00000000000000000000.timeindex.deleted"), files(".deleted"));
        time.advance(1);
        assertEquals(List.of(), files(".deleted"));
    }

    @Test
    void retentionMovesTheFirstLeaderEpochAndDropsOlderProducerSnapshots() throws IOException {
        PartitionLog log = open("retention.ms", "1000");
        int[] epochs = {0, 1, 1};
        long[] timestamps = {T0, T0, T0 + 5_000};
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                log.roll();
            }
            log.append(batch(0, timestamps[i]), epochs[i]);
        }
        assertEquals(List.of("00000000000000000001.snapshot", "00000000000000000002.snapshot"), files(".snapshot"));
        time.advance(2_000);

        assertEquals(2, log.deleteOldSegments());

        assertEquals(List.of(new EpochEntry(1, 2)), new CheckpointFile<>(dir().resolve(LeaderEpochCache.FILE_NAME), EpochEntry.FORMAT).read());
        assertEquals(List.of("00000000000000000002.snapshot"), files(".snapshot"));
    }

    @Test
    void retainedBatchesReadTheSameAfterDeletion() {
        PartitionLog log = open("retention.bytes", Integer.toString(3 * BATCH_BYTES));
        List<ByteBuf> appended = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ByteBuf next = batch(0, T0 + i);
            log.append(next, 0);
            appended.add(next);
            log.roll();
        }

        assertEquals(3, log.deleteOldSegments());

        List<byte[]> read = readAll(log, 1);
        assertEquals(3, read.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(bytes(appended.get(3 + i)), read.get(i));
        }
    }
}
