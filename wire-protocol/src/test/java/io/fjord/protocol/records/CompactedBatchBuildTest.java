package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.fjord.protocol.records.KafkaOracle.bytesOf;
import static io.fjord.protocol.records.KafkaOracle.onlyBatch;
import static io.fjord.protocol.records.KafkaOracle.readWithKafka;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The batches log compaction writes: a rebuilt batch keeping its original offset range (and so its last
 * sequence) with an optional delete horizon, and an emptied batch kept as a bare header; compared with what
 * kafka-clients writes for the same (MemoryRecordsBuilder.overrideLastOffset, DefaultRecordBatch.writeEmptyHeader).
 */
class CompactedBatchBuildTest {
    private static final long BASE_OFFSET = 300;
    private static final long LAST_OFFSET = BASE_OFFSET + 6;
    private static final long T0 = 1_700_000_000_000L;
    private static final long LOG_APPEND_TIME = T0 + 9_000;
    private static final long HORIZON = T0 + 86_400_000L;
    private static final long NONE = -1;

    /** Batch-level settings, for our builder and for Kafka's. */
    record Kind(String name, boolean logAppendTime, long producerId, short producerEpoch, int baseSequence, long deleteHorizon) {
        @Override
        public String toString() {
            return name;
        }

        long recordTimestamp(long createTime) {
            return logAppendTime ? LOG_APPEND_TIME : createTime;
        }

        UnaryOperator<RecordBatchBuilder> settings() {
            return b -> {
                b.baseOffset(BASE_OFFSET).partitionLeaderEpoch(5).producer(producerId, producerEpoch, baseSequence).lastOffset(LAST_OFFSET);
                if (logAppendTime) {
                    b.logAppendTime(LOG_APPEND_TIME);
                }
                return deleteHorizon == NONE ? b : b.deleteHorizon(deleteHorizon);
            };
        }
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("CreateTime", false, NONE, (short) -1, -1, NONE),
            new Kind("LogAppendTime", true, NONE, (short) -1, -1, NONE),
            new Kind("idempotent producer", false, 77, (short) 2, 40, NONE),
            new Kind("delete horizon", false, NONE, (short) -1, -1, HORIZON),
            new Kind("idempotent, LogAppendTime, delete horizon", true, 77, (short) 2, 40, HORIZON));

    static Stream<Arguments> everyCodecAndKind() {
        return Arrays.stream(CompressionType.values()).flatMap(codec -> KINDS.stream().map(kind -> Arguments.of(codec, kind)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyCodecAndKind")
    void rebuiltBatchKeepsItsOffsetRangeAndHorizonAsKafkaWritesThem(CompressionType codec, Kind kind) {
        // given: the records at offsets 301 and 303 that compaction kept of a batch spanning 300..306
        RecordBatchBuilder ours = kind.settings().apply(new RecordBatchBuilder(codec));
        ours.append(new Record(BASE_OFFSET + 1, kind.recordTimestamp(T0 + 1), utf8("k1"), utf8("v1"), List.of()));
        ours.append(new Record(BASE_OFFSET + 3, kind.recordTimestamp(T0 - 2), utf8("k3"), null, List.of(new Record.Header("h", utf8("x")))));
        MutableRecordBatch theirs = readWithKafka(bytesOf(kafkaBuilt(codec, kind))).get(0);

        // when
        ByteBuf built = ours.build();
        MutableRecordBatch read = readWithKafka(built).get(0);

        // then
        read.ensureValid();
        assertEquals(LAST_OFFSET, read.lastOffset());
        assertEquals(theirs.baseSequence(), read.baseSequence());
        assertEquals(theirs.lastSequence(), read.lastSequence());
        assertEquals(theirs.deleteHorizonMs(), read.deleteHorizonMs());
        assertEquals(theirs.maxTimestamp(), read.maxTimestamp());
        assertEquals(theirs.timestampType(), read.timestampType());
        assertEquals(KafkaOracle.viewsOf(theirs), KafkaOracle.viewsOf(read));
        assertEquals(KafkaOracle.viewsOf(theirs), KafkaOracle.viewsOf(onlyBatch(built)));
        assertEquals(kind.deleteHorizon() != NONE, onlyBatch(built).hasDeleteHorizon());
        if (codec == CompressionType.NONE) {
            assertEquals(ByteBufUtil.hexDump(bytesOf(kafkaBuilt(codec, kind))), ByteBufUtil.hexDump(built));
        }
    }

    private static org.apache.kafka.common.record.MemoryRecords kafkaBuilt(CompressionType codec, Kind kind) {
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(new ByteBufferOutputStream(256), org.apache.kafka.common.record.RecordBatch.MAGIC_VALUE_V2,
                KafkaOracle.compression(codec), kind.logAppendTime() ? org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME
                : org.apache.kafka.common.record.TimestampType.CREATE_TIME, BASE_OFFSET, kind.logAppendTime() ? LOG_APPEND_TIME : NONE,
                kind.producerId(), kind.producerEpoch(), kind.baseSequence(), false, false, 5, Integer.MAX_VALUE, kind.deleteHorizon());
        builder.appendWithOffset(BASE_OFFSET + 1, kind.recordTimestamp(T0 + 1), bytes("k1"), bytes("v1"), new Header[0]);
        builder.appendWithOffset(BASE_OFFSET + 3, kind.recordTimestamp(T0 - 2), bytes("k3"), null, new Header[] {new RecordHeader("h", bytes("x"))});
        builder.overrideLastOffset(LAST_OFFSET);
        return builder.build();
    }

    static Stream<Arguments> originals() {
        return Stream.of(
                Arguments.of("gzip, idempotent, delete horizon", new RecordBatchBuilder(CompressionType.GZIP)
                        .baseOffset(BASE_OFFSET).producer(77, (short) 2, 40).deleteHorizon(HORIZON)),
                Arguments.of("zstd, LogAppendTime, transactional", new RecordBatchBuilder(CompressionType.ZSTD)
                        .baseOffset(BASE_OFFSET).producer(78, (short) 0, 0).transactional(true).logAppendTime(LOG_APPEND_TIME)),
                Arguments.of("commit marker", new RecordBatchBuilder(CompressionType.NONE)
                        .baseOffset(BASE_OFFSET).producer(79, (short) 1, -1).transactional(true).control(true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("originals")
    void emptyCopyIsByteForByteKafkasEmptyBatchHeader(String name, RecordBatchBuilder builder) {
        // given
        builder.partitionLeaderEpoch(9);
        builder.append(new Record(BASE_OFFSET, T0, utf8("k"), utf8("v"), List.of()));
        builder.append(new Record(BASE_OFFSET + 4, T0 + 30, utf8("k"), utf8("w"), List.of()));
        RecordBatch original = onlyBatch(builder.build());
        ByteBuffer theirs = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        DefaultRecordBatch.writeEmptyHeader(theirs, org.apache.kafka.common.record.RecordBatch.MAGIC_VALUE_V2, original.producerId(),
                original.producerEpoch(), original.baseSequence(), original.baseOffset(), original.lastOffset(), original.partitionLeaderEpoch(),
                org.apache.kafka.common.record.TimestampType.valueOf(original.timestampType().name()), original.maxTimestamp(),
                original.isTransactional(), original.isControl());

        // when
        ByteBuf empty = RecordBatchBuilder.emptyCopyOf(original);

        // then
        assertEquals(ByteBufUtil.hexDump(Unpooled.wrappedBuffer(theirs.array())), ByteBufUtil.hexDump(empty));
        MutableRecordBatch read = readWithKafka(empty).get(0);
        read.ensureValid();
        assertEquals(0, read.countOrNull());
        assertEquals(original.lastOffset(), read.lastOffset());
        assertEquals(List.of(), KafkaOracle.viewsOf(onlyBatch(empty)));
    }

    @Test
    void lastOffsetBeforeTheLastRecordIsRejected() {
        // given
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE).baseOffset(BASE_OFFSET).lastOffset(BASE_OFFSET + 1);
        builder.append(new Record(BASE_OFFSET + 2, T0, utf8("k"), utf8("v"), List.of()));

        // when / then
        assertThrows(IllegalStateException.class, builder::build);
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.wrappedBuffer(bytes(s));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
