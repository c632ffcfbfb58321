package io.fjord.log;

import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.records.CorruptRecordException;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.TimestampType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.fjord.log.LogAssertions.readBatches;
import static io.fjord.log.TestBatches.T0;
import static io.fjord.log.TestBatches.batch;
import static io.fjord.log.TestBatches.bytes;
import static io.fjord.log.TestBatches.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionLogTest {
    private static final LogConfig SMALL_SEGMENTS = TestBatches.config("segment.bytes", "300", "index.interval.bytes", "0",
            "file.delete.delay.ms", "1000");

    @TempDir
    Path root;
    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);
    private final List<PartitionLog> opened = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final PartitionLog.Listener recordingListener = new PartitionLog.Listener() {
        @Override
        public void onAppend(RecordBatch batch) {
            events.add("append " + batch.baseOffset() + " epoch " + batch.partitionLeaderEpoch());
        }

        @Override
        public void onRecover(RecordBatch batch) {
            events.add("recover " + batch.baseOffset());
        }

        @Override
        public void onTruncate(long logEndOffset) {
            events.add("truncate " + logEndOffset);
        }

        @Override
        public void onLogStartOffset(long logStartOffset) {
            events.add("start " + logStartOffset);
        }
    };

    @AfterEach
    void closeLogs() {
        opened.forEach(PartitionLog::close);
        scheduler.close();
    }

    private Path dir() {
        return root.resolve("topic-0");
    }

    private PartitionLog open(LogConfig config) {
        return open(config, LoadState.NEW, FileChannelFactory.DEFAULT);
    }

    private PartitionLog open(LogConfig config, LoadState state, FileChannelFactory channels) {
        PartitionLog log = PartitionLog.open(dir(), config, state,
                new LogEnvironment(time, scheduler, channels, LogDirFailureListener.IGNORE), recordingListener);
        opened.add(log);
        return log;
    }

    private PartitionLog reopen(PartitionLog log, LogConfig config, boolean clean) {
        LoadState state = new LoadState(clean, log.recoveryPoint(), log.logStartOffset());
        log.close();
        return open(config, state, FileChannelFactory.DEFAULT);
    }

    private static void appendBatches(PartitionLog log, int count) {
        for (int i = 0; i < count; i++) {
            log.append(batch(0, T0 + i), 0);
        }
    }

    private List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anUpdatedConfigRollsTheNextAppendsAtTheNewSegmentSize() {
        PartitionLog log = open(LogConfig.defaultConfig());
        appendBatches(log, 3);
        assertEquals(1, log.segments().size());

        log.updateConfig(SMALL_SEGMENTS);
        appendBatches(log, 6);

        assertEquals(SMALL_SEGMENTS, log.config());
        assertTrue(log.segments().size() > 2, "300-byte segments roll, got " + log.segments().size());
        assertEquals(log.segments().stream().mapToLong(LogSegment::size).sum(), log.size());
    }

    @Test
    void aLeaderAppendAssignsOffsetsAndTheLeaderEpochInPlace() throws IOException {
        PartitionLog log = open(LogConfig.defaultConfig());
        log.append(batch(0, T0), 3);
        ByteBuf batches = concat(batch(0, T0, T0 + 1), batch(0, T0 + 2));

        AppendResult result = log.append(batches, 4);

        assertEquals(new AppendResult(1, 3, -1, 0), result);
        RecordBatch first = RecordBatch.wrap(batches.slice(0, batches.readableBytes() - batch(0, T0 + 2).readableBytes()));
        assertEquals(1, first.baseOffset());
        assertEquals(4, first.partitionLeaderEpoch());
        assertEquals(List.of("append 0 epoch 3", "append 1 epoch 4", "append 3 epoch 4"), events);
        assertArrayEquals(bytes(batches), bytes(log.read(1, 10_000, Long.MAX_VALUE, true).readBytes()));
    }

    @Test
    void logAppendTimeReplacesTimestampsAndKeepsTheCrcValid() throws IOException {
        PartitionLog log = open(TestBatches.config("message.timestamp.type", "LogAppendTime"));
        time.advance(5_000);

        AppendResult result = log.append(batch(0, T0, T0 + 1), 0);

        assertEquals(time.milliseconds(), result.logAppendTime());
        RecordBatch stored = RecordBatch.wrap(log.read(0, 10_000, Long.MAX_VALUE, true).readBytes());
        stored.ensureValid();
        assertEquals(TimestampType.LOG_APPEND_TIME, stored.timestampType());
        assertEquals(time.milliseconds(), stored.maxTimestamp());
        for (Record record : stored) {
            assertEquals(time.milliseconds(), record.timestamp());
        }
    }

    @Test
    void aBatchOverMaxMessageBytesIsRejectedAndNothingIsWritten() {
        PartitionLog log = open(TestBatches.config("max.message.bytes", "200"));

        RecordTooLargeException e = assertThrows(RecordTooLargeException.class, () -> log.append(batch(0, 200, T0), 0));

        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.errorCode());
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void aBatchWithABadCrcIsRejectedAsCorrupt() {
        PartitionLog log = open(LogConfig.defaultConfig());
        ByteBuf corrupt = batch(0, T0);
        corrupt.setByte(corrupt.readableBytes() - 1, corrupt.getByte(corrupt.readableBytes() - 1) ^ 1);

        assertThrows(CorruptRecordException.class, () -> log.append(corrupt, 0));
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void bytesAfterTheLastWholeBatchAreRejectedAsCorrupt() {
        PartitionLog log = open(LogConfig.defaultConfig());
        ByteBuf batch = batch(0, T0);

        assertThrows(CorruptRecordException.class, () -> log.append(concat(batch.copy(), batch.slice(0, 20)), 0));
        assertThrows(CorruptRecordException.class, () -> log.append(Unpooled.EMPTY_BUFFER, 0));
    }

    @Test
    void anAppendLargerThanASegmentIsRejectedAsRecordListTooLarge() {
        PartitionLog log = open(TestBatches.config("segment.bytes", "100"));

        RecordBatchTooLargeException e = assertThrows(RecordBatchTooLargeException.class,
                () -> log.append(concat(batch(0, T0), batch(0, T0)), 0));

        assertEquals(ErrorCode.RECORD_LIST_TOO_LARGE, e.errorCode());
    }

    @Test
    void aListenerCanRejectALeaderAppendBeforeAnythingIsWritten() {
        PartitionLog log = PartitionLog.open(dir(), LogConfig.defaultConfig(), LoadState.NEW, new LogEnvironment(time, scheduler),
                new PartitionLog.Listener() {
                    @Override
                    public void beforeLeaderAppend(List<RecordBatch> batches) {
                        throw new IllegalStateException("out of order sequence");
                    }
                });
        opened.add(log);
        ByteBuf batch = batch(0, T0);

        assertThrows(IllegalStateException.class, () -> log.append(batch, 0));
        assertEquals(0, log.logEndOffset());
        assertEquals(0, log.segments().iterator().next().size());
    }

    @Test
    void theFirstBatchComesWholeEvenWhenLargerThanMaxBytes() {
        PartitionLog log = open(LogConfig.defaultConfig());
        ByteBuf large = batch(0, 1000, T0);
        log.append(large.copy(), 0);
        log.append(batch(0, T0), 0);

        FileSlice slice = log.read(0, 10, Long.MAX_VALUE, true);

        assertEquals(large.readableBytes(), slice.length());
        assertTrue(log.read(0, 10, Long.MAX_VALUE, false).isEmpty());
    }

    @Test
    void aReadStopsBeforeTheBatchHoldingTheMaxOffset() {
        PartitionLog log = open(LogConfig.defaultConfig());
        log.append(batch(0, T0, T0), 0);
        log.append(batch(0, T0, T0), 0);
        log.append(batch(0, T0, T0), 0);

        assertEquals(1, readBatches(log.read(0, 10_000, 3, true)).size(), "the batch of offsets 2-3 reaches offset 3");
        assertEquals(2, readBatches(log.read(0, 10_000, 4, true)).size());
        assertTrue(log.read(2, 10_000, 3, true).isEmpty());
        assertTrue(log.read(4, 10_000, 4, true).isEmpty());
    }

    @Test
    void aReadOutsideTheLogIsOutOfRange() {
        PartitionLog log = open(LogConfig.defaultConfig());
        appendBatches(log, 3);
        log.deleteRecordsBefore(1);

        assertThrows(OffsetOutOfRangeException.class, () -> log.read(0, 10_000, Long.MAX_VALUE, true));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(4, 10_000, Long.MAX_VALUE, true));
        assertTrue(log.read(3, 10_000, Long.MAX_VALUE, true).isEmpty());
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE,
                assertThrows(OffsetOutOfRangeException.class, () -> log.read(4, 1, 4, true)).errorCode());
    }

    @Test
    void aReadReturnsBytesOfOneSegmentOnly() {
        PartitionLog log = open(SMALL_SEGMENTS);
        appendBatches(log, 10);
        long firstSegmentEnd = log.segments().stream().skip(1).findFirst().orElseThrow().baseOffset();

        List<byte[]> read = readBatches(log.read(0, 1_000_000, Long.MAX_VALUE, true));

        assertEquals(firstSegmentEnd, read.size());
        assertEquals(firstSegmentEnd, readBatches(log.read(firstSegmentEnd, 1_000_000, Long.MAX_VALUE, true)).stream()
                .map(b -> RecordBatch.wrap(Unpooled.wrappedBuffer(b)).baseOffset()).findFirst().orElseThrow());
    }

    @Test
    void aFollowerAppendKeepsItsOffsetsAcrossAGap() {
        PartitionLog log = open(LogConfig.defaultConfig());
        log.appendAsFollower(batch(0, T0));

        AppendResult result = log.appendAsFollower(batch(10, T0, T0));

        assertEquals(new AppendResult(10, 11, -1, 0), result);
        assertEquals(12, log.logEndOffset());
        assertEquals(10, RecordBatch.wrap(Unpooled.wrappedBuffer(readBatches(log.read(5, 10_000, Long.MAX_VALUE, true)).get(0))).baseOffset());
    }

    @Test
    void aFollowerAppendBelowTheLogEndOffsetIsRejected() {
        PartitionLog log = open(LogConfig.defaultConfig());
        log.appendAsFollower(batch(0, T0, T0));

        UnexpectedAppendOffsetException e = assertThrows(UnexpectedAppendOffsetException.class, () -> log.appendAsFollower(batch(1, T0)));

        assertEquals(1, e.firstOffset());
        assertThrows(UnexpectedAppendOffsetException.class, () -> log.appendAsFollower(concat(batch(5, T0), batch(5, T0))));
        assertEquals(2, log.logEndOffset());
    }

    @Test
    void aFollowerAppendBeyondTheRelativeOffsetRangeStartsASegmentAtItsOffset() {
        PartitionLog log = open(LogConfig.defaultConfig());
        log.appendAsFollower(batch(0, T0));
        long far = 1L + Integer.MAX_VALUE + 5;

        log.appendAsFollower(batch(far, T0));

        assertEquals(List.of(0L, far), log.segments().stream().map(LogSegment::baseOffset).toList());
    }

    @Test
    void rollingSchedulesAFlushThatAdvancesTheRecoveryPoint() {
        PartitionLog log = open(SMALL_SEGMENTS);
        appendBatches(log, 10);
        assertTrue(log.segments().size() > 1);
        assertEquals(0, log.recoveryPoint(), "nothing is flushed by default");

        time.advance(0);

        assertEquals(log.segments().stream().reduce((a, b) -> b).orElseThrow().baseOffset(), log.recoveryPoint());
    }

    @Test
    void flushMessagesFlushesOnceThatManyMessagesAreUnflushed() {
        PartitionLog log = open(TestBatches.config("flush.messages", "3"));
        log.append(batch(0, T0, T0), 0);
        assertEquals(0, log.recoveryPoint());

        log.append(batch(0, T0), 0);

        assertEquals(3, log.recoveryPoint());
    }

    @Test
    void flushMsFlushesWhenTheLastFlushIsThatOld() {
        PartitionLog log = open(TestBatches.config("flush.ms", "1000"));
        appendBatches(log, 2);
        time.advance(999);
        log.flushIfDue();
        assertEquals(0, log.recoveryPoint());

        time.advance(1);
        log.flushIfDue();

        assertEquals(2, log.recoveryPoint());
    }

    @Test
    void truncationDeletesLaterSegmentsAfterTheFileDeleteDelay() throws IOException {
        PartitionLog log = open(SMALL_SEGMENTS);
        appendBatches(log, 10);
        int segmentsBefore = log.segments().size();

        log.truncateTo(2);

        assertEquals(2, log.logEndOffset());
        assertEquals(1, log.segments().size());
        assertEquals(segmentsBefore - 1, filesIn(dir()).stream().filter(f -> f.endsWith(".log.deleted")).count());
        assertEquals("truncate 2", events.get(events.size() - 1));
        time.advance(999);
        assertTrue(filesIn(dir()).stream().anyMatch(f -> f.endsWith(".deleted")));
        time.advance(1);
        assertFalse(filesIn(dir()).stream().anyMatch(f -> f.endsWith(".deleted")));
    }

    @Test
    void truncationInsideABatchRemovesItAndTheTargetStaysTheEndAcrossRestarts() {
        PartitionLog log = open(LogConfig.defaultConfig());
        log.append(batch(0, T0, T0), 0);
        log.append(batch(0, T0, T0, T0), 0);

        log.truncateTo(3);

        assertEquals(3, log.logEndOffset());
        assertEquals(1, readBatches(log.read(0, 10_000, Long.MAX_VALUE, true)).size());
        assertTrue(log.read(2, 10_000, Long.MAX_VALUE, true).isEmpty());
        assertEquals(3, reopen(log, LogConfig.defaultConfig(), false).logEndOffset());
    }

    @Test
    void truncatingFullyStartsAnEmptyLogAtTheOffset() {
        PartitionLog log = open(SMALL_SEGMENTS);
        appendBatches(log, 10);

        log.truncateFullyAndStartAt(42);

        assertEquals(42, log.logStartOffset());
        assertEquals(42, log.logEndOffset());
        assertEquals(List.of(42L), log.segments().stream().map(LogSegment::baseOffset).toList());
        assertEquals(List.of("truncate 42", "start 42"), events.subList(events.size() - 2, events.size()));
        assertEquals(42, log.append(batch(0, T0), 0).firstOffset());
    }

    @Test
    void deletingRecordsMovesTheStartOffsetAndDeletesWholeSegmentsBelowIt() {
        PartitionLog log = open(SMALL_SEGMENTS);
        appendBatches(log, 10);
        List<Long> bases = log.segments().stream().map(LogSegment::baseOffset).toList();
        long inSecondSegment = bases.get(1) + 1;

        log.deleteRecordsBefore(inSecondSegment);

        assertEquals(inSecondSegment, log.logStartOffset());
        assertEquals(bases.subList(1, bases.size()), log.segments().stream().map(LogSegment::baseOffset).toList());
        assertEquals("start " + inSecondSegment, events.get(events.size() - 1));
        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(11));
    }

    @Test
    void openingAfterACleanShutdownReadsNoRecords() {
        PartitionLog log = open(SMALL_SEGMENTS);
        appendBatches(log, 30);
        long end = log.logEndOffset();
        LoadState state = new LoadState(true, log.recoveryPoint(), log.logStartOffset());
        log.close();
        events.clear();
        FaultyChannel.Faults counting = new FaultyChannel.Faults();

        PartitionLog reopened = open(SMALL_SEGMENTS, state, counting);

        assertEquals(end, reopened.logEndOffset());
        assertEquals(List.of(), events, "no batch was recovered");
        assertEquals(0, counting.bytesMapped.get(), "no segment was scanned");
        assertTrue(counting.bytesRead.get() <= 3 * BatchHeader.BYTES, "only the active segment's last headers were read: "
                + counting.bytesRead.get());
    }

    @Test
    void openingAfterAnUncleanShutdownRecoversFromTheSegmentHoldingTheRecoveryPoint() {
        PartitionLog log = open(SMALL_SEGMENTS);
        appendBatches(log, 30);
        List<Long> bases = log.segments().stream().map(LogSegment::baseOffset).toList();
        long recoveryPoint = bases.get(bases.size() - 2) + 1;
        log.close();
        events.clear();

        PartitionLog reopened = open(SMALL_SEGMENTS, new LoadState(false, recoveryPoint, 0), FileChannelFactory.DEFAULT);

        assertEquals(30, reopened.logEndOffset());
        assertEquals("recover " + bases.get(bases.size() - 2), events.get(0));
        assertEquals(30 - bases.get(bases.size() - 2), events.size());
    }

    @Test
    void aMissingIndexIsRebuiltOnACleanOpen() throws IOException {
        PartitionLog log = open(SMALL_SEGMENTS);
        appendBatches(log, 30);
        LoadState state = new LoadState(true, log.recoveryPoint(), log.logStartOffset());
        log.close();
        Files.delete(dir().resolve("00000000000000000000.timeindex"));
        events.clear();

        PartitionLog reopened = open(SMALL_SEGMENTS, state, FileChannelFactory.DEFAULT);

        assertEquals("recover 0", events.get(0));
        assertEquals(T0, reopened.offsetForTimestamp(T0).orElseThrow().timestamp());
        assertEquals(T0 + 29, reopened.maxTimestampOffset().orElseThrow().timestamp());
    }

    @Test
    void leftoverDeletedFilesAndOrphanIndexesGoOnOpenAndOtherFilesStay() throws IOException {
        Files.createDirectories(dir());
        for (String name : List.of("00000000000000000007.log.deleted", "00000000000000000009.index", "leader-epoch-checkpoint")) {
            Files.writeString(dir().resolve(name), "0\n0\n");
        }

        open(LogConfig.defaultConfig());

        assertEquals(List.of("00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex",
                "leader-epoch-checkpoint"), filesIn(dir()));
    }

    @Test
    void aCheckpointedStartOffsetBeyondTheDataStartsTheLogAfresh() {
        PartitionLog log = open(LogConfig.defaultConfig());
        appendBatches(log, 3);
        log.close();

        PartitionLog reopened = open(LogConfig.defaultConfig(), new LoadState(true, 3, 10), FileChannelFactory.DEFAULT);

        assertEquals(10, reopened.logStartOffset());
        assertEquals(10, reopened.logEndOffset());
    }

    @Test
    void closingDeletesFilesStillWaitingForDeletion() throws IOException {
        PartitionLog log = open(SMALL_SEGMENTS);
        appendBatches(log, 10);
        log.truncateTo(1);

        log.close();

        assertFalse(filesIn(dir()).stream().anyMatch(f -> f.endsWith(".deleted")));
    }

    @Test
    void readsRunConcurrentlyWithAppendsAndRolls() throws Exception {
        PartitionLog log = open(TestBatches.config("segment.bytes", "3000", "index.interval.bytes", "200"));
        Thread writer = new Thread(() -> appendBatches(log, 1_000));
        writer.start();
        java.util.Random random = new java.util.Random(1);
        while (writer.isAlive() || log.logEndOffset() < 1_000) {
            long end = log.logEndOffset();
            long offset = end == 0 ? 0 : random.nextLong(end);
            FileSlice slice = log.read(offset, 500, end, true);
            for (byte[] bytes : readBatches(slice)) {
                RecordBatch batch = RecordBatch.wrap(Unpooled.wrappedBuffer(bytes));
                batch.ensureValid();
                assertTrue(batch.lastOffset() < end, "nothing at or past the end offset read before");
            }
            assertEquals(offset < end, !slice.isEmpty(), "a read below the end offset returns the batch holding it");
        }
        writer.join();
        assertEquals(1_000, log.logEndOffset());
    }

    @Test
    void timestampLookupsSpanSegmentsAndSkipRecordsBeforeTheStartOffset() {
        PartitionLog log = open(SMALL_SEGMENTS);
        for (int i = 0; i < 10; i++) {
            log.append(batch(0, T0 + 100 - i), 0);
        }
        log.append(batch(0, T0 + 500, T0 + 50), 0);
        log.deleteRecordsBefore(11);

        assertEquals(new TimestampAndOffset(T0 + 50, 11, 0), log.offsetForTimestamp(T0).orElseThrow());
        assertEquals(new TimestampAndOffset(T0 + 50, 11, 0), log.maxTimestampOffset().orElseThrow());
        assertTrue(log.offsetForTimestamp(T0 + 51).isEmpty());
    }
}
