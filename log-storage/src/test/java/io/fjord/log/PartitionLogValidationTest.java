package io.fjord.log;

import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.CorruptRecordException;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.fjord.protocol.records.TimestampType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kafka's leader-side checks of client batches: each rule accepts valid input, rejects invalid, writes nothing on reject. */
class PartitionLogValidationTest {
    private static final long HOUR = 3_600_000L;

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

    private PartitionLog open(String... config) {
        PartitionLog log = PartitionLog.open(root.resolve("topic-0"), TestBatches.config(config), LoadState.NEW,
                new LogEnvironment(time, scheduler, FileChannelFactory.DEFAULT, LogDirFailureListener.IGNORE));
        opened.add(log);
        return log;
    }

    private long now() {
        return time.milliseconds();
    }

    private static ByteBuf key(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuf records(CompressionType codec, long[] timestamps, String... keys) {
        RecordBatchBuilder builder = new RecordBatchBuilder(codec);
        for (int i = 0; i < timestamps.length; i++) {
            builder.append(timestamps[i], keys[i] == null ? null : key(keys[i]), key("v" + i), List.of());
        }
        return builder.build();
    }

    /** Two records at offset deltas 0 and 2, in a batch whose header claims offset deltas 0..1 (CRC valid). */
    private ByteBuf withOffsetGap(CompressionType codec) {
        ByteBuf batch = new RecordBatchBuilder(codec)
                .append(new Record(0, now(), key("a"), key("v"), List.of()))
                .append(new Record(2, now(), key("b"), key("v"), List.of())).build();
        batch.setInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, 1);
        RecordBatch.wrap(batch).setMaxTimestamp(TimestampType.CREATE_TIME, now());
        return batch;
    }

    private static <T extends RecordValidationException> T rejected(Class<T> type, PartitionLog log, ByteBuf batches) {
        T e = assertThrows(type, () -> log.append(batches, 0, AppendOrigin.CLIENT));
        assertEquals(0, log.logEndOffset(), "nothing appended");
        assertEquals(0, log.size(), "nothing written");
        return e;
    }

    @Test
    void aValidClientBatchIsAppended() {
        PartitionLog log = open();
        log.append(records(CompressionType.NONE, new long[]{now(), now()}, "a", null), 0, AppendOrigin.CLIENT);
        assertEquals(2, log.logEndOffset());
    }

    @Test
    void twoBatchesInOneClientAppendAreInvalidRecord() {
        PartitionLog log = open();
        ByteBuf two = TestBatches.concat(TestBatches.batch(0, now()), TestBatches.batch(0, now()));
        InvalidRecordException e = rejected(InvalidRecordException.class, log, two);
        assertEquals(ErrorCode.INVALID_RECORD, e.errorCode());
        assertTrue(e.recordErrors().isEmpty());
    }

    @Test
    void noWholeBatchInAClientAppendIsInvalidRecord() {
        PartitionLog log = open();
        ByteBuf batch = TestBatches.batch(0, now());
        rejected(InvalidRecordException.class, log, batch.slice(0, batch.readableBytes() - 1));
        rejected(InvalidRecordException.class, log, Unpooled.EMPTY_BUFFER);
    }

    @Test
    void aBatchOfMagicOneIsInvalidRecord() {
        PartitionLog log = open();
        ByteBuf batch = TestBatches.batch(0, now());
        batch.setByte(RecordBatch.MAGIC_OFFSET, 1);
        rejected(InvalidRecordException.class, log, batch);
    }

    @Test
    void aLastOffsetDeltaThatDisagreesWithTheRecordCountIsInvalidRecord() {
        PartitionLog log = open();
        ByteBuf batch = new RecordBatchBuilder(CompressionType.NONE).lastOffset(5)
                .append(now(), null, key("v"), List.of()).build();
        InvalidRecordException e = rejected(InvalidRecordException.class, log, batch);
        assertTrue(e.getMessage().contains("Inconsistent batch offset range"), e.getMessage());
    }

    @Test
    void aControlBatchFromAClientIsInvalidRecord() {
        PartitionLog log = open();
        ByteBuf marker = new RecordBatchBuilder(CompressionType.NONE).producer(7, (short) 0, -1).transactional(true).control(true)
                .append(now(), key("\0\0\0\0"), key("\0\0\0\0\0\0"), List.of()).build();
        rejected(InvalidRecordException.class, log, marker);
        log.append(marker.resetReaderIndex(), 0, AppendOrigin.COORDINATOR);
        assertEquals(1, log.logEndOffset());
    }

    @Test
    void aProducerIdWithoutASequenceIsInvalidRecord() {
        PartitionLog log = open();
        ByteBuf batch = new RecordBatchBuilder(CompressionType.NONE).producer(7, (short) 0, -1)
                .append(now(), null, key("v"), List.of()).build();
        rejected(InvalidRecordException.class, log, batch);
    }

    @Test
    void aTransactionalBatchOutsideAnOngoingTransactionIsInvalidTxnState() {
        PartitionLog log = open();
        ByteBuf batch = new RecordBatchBuilder(CompressionType.NONE).producer(7, (short) 0, 0).transactional(true)
                .append(now(), null, key("v"), List.of()).build();
        InvalidTxnStateException e = assertThrows(InvalidTxnStateException.class, () -> log.append(batch, 0, AppendOrigin.CLIENT));
        assertEquals(ErrorCode.INVALID_TXN_STATE, e.errorCode());
        assertEquals(0, log.logEndOffset());
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP", "LZ4"})
    void recordOffsetDeltasOutOfOrderAreInvalidRecord(CompressionType codec) {
        PartitionLog log = open();
        ByteBuf batch = withOffsetGap(codec);
        if (codec == CompressionType.NONE) {
            rejected(InvalidRecordException.class, log, batch);
        } else {
            log.append(batch, 0, AppendOrigin.CLIENT);
            assertEquals(2, log.logEndOffset(), "a compressed batch is not decompressed for its offsets alone");
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void recordOffsetDeltasOfACompressedBatchAreCheckedWhenItIsDecompressedAnyway(CompressionType codec) {
        PartitionLog log = open("cleanup.policy", "compact");
        ByteBuf batch = withOffsetGap(codec);
        rejected(InvalidRecordException.class, log, batch);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void recordsWithoutKeyOnACompactedTopicAreInvalidRecordNamingThem(CompressionType codec) {
        PartitionLog log = open("cleanup.policy", "compact,delete");
        long t = now();
        InvalidRecordException e = rejected(InvalidRecordException.class, log,
                records(codec, new long[]{t, t, t, t}, "a", null, "c", null));
        assertEquals(List.of(1, 3), e.recordErrors().stream().map(RecordError::batchIndex).toList());
        assertTrue(e.recordErrors().get(0).message().startsWith("Compacted topic cannot accept message without key in topic partition topic-0"),
                e.recordErrors().get(0).message());
        assertTrue(e.getMessage().contains("2 record errors"), e.getMessage());

        log.append(records(codec, new long[]{t, t}, "a", "b"), 0, AppendOrigin.CLIENT);
        assertEquals(2, log.logEndOffset());
    }

    @Test
    void recordsWithoutKeyAreFineOnADeleteTopic() {
        PartitionLog log = open();
        log.append(records(CompressionType.GZIP, new long[]{now()}, (String) null), 0, AppendOrigin.CLIENT);
        assertEquals(1, log.logEndOffset());
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP", "LZ4", "ZSTD"})
    void timestampsMoreThanAfterMaxAheadAreInvalidTimestampNamingThem(CompressionType codec) {
        PartitionLog log = open();
        long t = now();
        InvalidTimestampException e = rejected(InvalidTimestampException.class, log,
                records(codec, new long[]{t, t + 2 * HOUR, t + HOUR, t + HOUR + 1}, "a", "b", "c", "d"));
        assertEquals(ErrorCode.INVALID_TIMESTAMP, e.errorCode());
        assertEquals(List.of(1, 3), e.recordErrors().stream().map(RecordError::batchIndex).toList());
        assertTrue(e.recordErrors().get(0).message().contains("is out of range"), e.recordErrors().get(0).message());

        log.append(records(codec, new long[]{t + HOUR, t - 365 * 24 * HOUR}, "a", "b"), 0, AppendOrigin.CLIENT);
        assertEquals(2, log.logEndOffset());
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP"})
    void timestampsMoreThanBeforeMaxBehindAreInvalidTimestamp(CompressionType codec) {
        PartitionLog log = open("message.timestamp.before.max.ms", "60000");
        long t = now();
        InvalidTimestampException e = rejected(InvalidTimestampException.class, log,
                records(codec, new long[]{t - 60_001, t}, "a", "b"));
        assertEquals(List.of(0), e.recordErrors().stream().map(RecordError::batchIndex).toList());

        log.append(records(codec, new long[]{t - 60_000, -1}, "a", "b"), 0, AppendOrigin.CLIENT);
        assertEquals(2, log.logEndOffset());
    }

    @Test
    void aTimestampErrorWinsOverKeyErrorsAndAllAreNamed() {
        PartitionLog log = open("cleanup.policy", "compact");
        long t = now();
        InvalidTimestampException e = rejected(InvalidTimestampException.class, log,
                records(CompressionType.NONE, new long[]{t, t + 2 * HOUR}, null, "b"));
        assertEquals(List.of(0, 1), e.recordErrors().stream().map(RecordError::batchIndex).toList());
    }

    @Test
    void logAppendTimeTopicsDoNotCheckCreateTimes() {
        PartitionLog log = open("message.timestamp.type", "LogAppendTime");
        log.append(records(CompressionType.NONE, new long[]{now() + 5 * HOUR}, "a"), 0, AppendOrigin.CLIENT);
        assertEquals(1, log.logEndOffset());
    }

    @Test
    void aClientBatchClaimingLogAppendTimeOnALogAppendTimeTopicIsInvalidTimestamp() {
        PartitionLog log = open("message.timestamp.type", "LogAppendTime");
        ByteBuf batch = new RecordBatchBuilder(CompressionType.NONE).logAppendTime(now())
                .append(now(), key("a"), key("v"), List.of()).build();
        InvalidTimestampException e = rejected(InvalidTimestampException.class, log, batch);
        assertEquals(List.of(0), e.recordErrors().stream().map(RecordError::batchIndex).toList());
    }

    @Test
    void aWrongHeaderMaxTimestampOfAnUncompressedBatchIsCorrected() {
        PartitionLog log = open();
        long t = now();
        ByteBuf batch = records(CompressionType.NONE, new long[]{t - 5, t - 10}, "a", "b");
        RecordBatch view = RecordBatch.wrap(batch);
        view.setMaxTimestamp(TimestampType.CREATE_TIME, t + 2 * HOUR);
        log.append(batch, 0, AppendOrigin.CLIENT);
        assertEquals(t - 5, RecordBatch.wrap(batch).maxTimestamp());
        assertTrue(RecordBatch.wrap(batch).isValid());
    }

    @Test
    void aRecordCountBeyondTheRecordsPresentIsCorrupt() {
        PartitionLog log = open();
        ByteBuf batch = records(CompressionType.NONE, new long[]{now(), now()}, "a", "b");
        batch.setInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, 2);
        batch.setInt(RecordBatch.HEADER_SIZE - 4, 3);
        RecordBatch.wrap(batch).setMaxTimestamp(TimestampType.CREATE_TIME, now());
        assertThrows(CorruptRecordException.class, () -> log.append(batch, 0, AppendOrigin.CLIENT));
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void coordinatorAppendsMayHoldSeveralBatchesAndKeylessRecordsOnCompactedTopics() {
        PartitionLog log = open("cleanup.policy", "compact");
        log.append(TestBatches.concat(TestBatches.batch(0, now()), TestBatches.batch(0, now())), 0, AppendOrigin.COORDINATOR);
        assertEquals(2, log.logEndOffset());
    }
}
