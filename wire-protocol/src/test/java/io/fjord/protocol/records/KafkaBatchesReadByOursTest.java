package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.fjord.protocol.records.KafkaOracle.assertSameBatch;
import static io.fjord.protocol.records.KafkaOracle.bytesOf;
import static io.fjord.protocol.records.KafkaOracle.onlyBatch;
import static io.fjord.protocol.records.KafkaOracle.readWithKafka;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batches written by kafka-clients' MemoryRecordsBuilder, every codec and batch kind, read by ours. */
class KafkaBatchesReadByOursTest {
    private static final long NO_TIMESTAMP = -1;
    private static final long BASE_OFFSET = 1000;
    private static final long T0 = 1_700_000_000_000L;

    /** The batch-level settings of one kind of batch a Kafka producer, broker or coordinator writes. */
    record Kind(String name, org.apache.kafka.common.record.TimestampType timestampType, long logAppendTime,
                long producerId, short producerEpoch, int baseSequence, boolean transactional,
                org.apache.kafka.common.record.ControlRecordType marker, long deleteHorizonMs) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final org.apache.kafka.common.record.TimestampType CREATE = org.apache.kafka.common.record.TimestampType.CREATE_TIME;
    private static final List<Kind> KINDS = List.of(
            new Kind("CreateTime, no producer", CREATE, NO_TIMESTAMP, -1, (short) -1, -1, false, null, NO_TIMESTAMP),
            new Kind("LogAppendTime", org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, T0 + 99_000, -1, (short) -1, -1, false, null, NO_TIMESTAMP),
            new Kind("idempotent producer", CREATE, NO_TIMESTAMP, 4242, (short) 3, 17, false, null, NO_TIMESTAMP),
            new Kind("transactional", CREATE, NO_TIMESTAMP, 4242, (short) 3, 2_147_483_600, true, null, NO_TIMESTAMP),
            new Kind("commit marker", CREATE, NO_TIMESTAMP, 4242, (short) 3, -1, true, org.apache.kafka.common.record.ControlRecordType.COMMIT, NO_TIMESTAMP),
            new Kind("abort marker", CREATE, NO_TIMESTAMP, 4242, (short) 3, -1, true, org.apache.kafka.common.record.ControlRecordType.ABORT, NO_TIMESTAMP),
            new Kind("delete horizon", CREATE, NO_TIMESTAMP, -1, (short) -1, -1, false, null, T0 + 500_000));

    static Stream<Arguments> everyCodecAndKind() {
        return Arrays.stream(CompressionType.values()).flatMap(codec -> KINDS.stream().map(kind -> Arguments.of(codec, kind)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyCodecAndKind")
    void kafkaWrittenBatchDecodesToTheFieldsKafkaReads(CompressionType codec, Kind kind) {
        // given
        MemoryRecords written = write(codec, kind);
        MutableRecordBatch theirs = readWithKafka(bytesOf(written)).get(0);

        // when
        RecordBatch ours = onlyBatch(bytesOf(written));

        // then
        assertTrue(ours.isValid(), "CRC valid");
        assertEquals(theirs.checksum(), ours.computeCrc());
        assertSameBatch(theirs, ours);
        if (kind.marker() != null) {
            Record record = ours.iterator().next();
            assertEquals(kind.marker().name(), ControlRecordType.decodeKey(record.key()).name());
            assertEquals(new EndTransactionMarker(ControlRecordType.valueOf(kind.marker().name()), 11), EndTransactionMarker.decode(record));
        }
    }

    @Test
    void everyBatchOfAKafkaWrittenSequenceDecodes() {
        // given
        ByteBuf sequence = Unpooled.buffer();
        for (CompressionType codec : CompressionType.values()) {
            sequence.writeBytes(bytesOf(write(codec, KINDS.get(2))));
        }
        List<MutableRecordBatch> theirs = readWithKafka(sequence);

        // when
        List<RecordBatch> ours = new ArrayList<>();
        new RecordBatches(sequence).forEach(ours::add);

        // then
        assertEquals(CompressionType.values().length, ours.size());
        for (int i = 0; i < ours.size(); i++) {
            assertSameBatch(theirs.get(i), ours.get(i));
        }
    }

    private static MemoryRecords write(CompressionType codec, Kind kind) {
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(new ByteBufferOutputStream(1024), org.apache.kafka.common.record.RecordBatch.MAGIC_VALUE_V2,
                KafkaOracle.compression(codec), kind.timestampType(), BASE_OFFSET, kind.logAppendTime(), kind.producerId(), kind.producerEpoch(),
                kind.baseSequence(), kind.transactional(), kind.marker() != null, 7, Integer.MAX_VALUE, kind.deleteHorizonMs());
        if (kind.marker() != null) {
            builder.appendEndTxnMarker(T0, new org.apache.kafka.common.record.EndTransactionMarker(kind.marker(), 11));
        } else {
            appendSampleRecords(builder);
        }
        return builder.build();
    }

    /** Keys and values present and null, headers with null values, an offset gap, a negative timestamp delta, and values that span several compression blocks. */
    private static void appendSampleRecords(MemoryRecordsBuilder builder) {
        byte[] incompressible = new byte[150_000];
        new Random(7).nextBytes(incompressible);
        builder.appendWithOffset(BASE_OFFSET, T0, utf8("k0"), utf8("v0"), new Header[] {new RecordHeader("h1", utf8("x")), new RecordHeader("h2", null)});
        builder.appendWithOffset(BASE_OFFSET + 1, T0 + 5, null, utf8("v1"), new Header[0]);
        builder.appendWithOffset(BASE_OFFSET + 2, T0 - 3_000, utf8("k2"), null, new Header[] {new RecordHeader("", utf8("ü€"))});
        builder.appendWithOffset(BASE_OFFSET + 5, T0 + 40, utf8("random"), incompressible, new Header[0]);
        builder.appendWithOffset(BASE_OFFSET + 6, T0 + 41, utf8("zeros"), new byte[200_000], new Header[0]);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
