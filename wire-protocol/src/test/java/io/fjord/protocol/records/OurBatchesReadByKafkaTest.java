package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.fjord.protocol.records.KafkaOracle.assertSameBatch;
import static io.fjord.protocol.records.KafkaOracle.onlyBatch;
import static io.fjord.protocol.records.KafkaOracle.readWithKafka;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batches written by our RecordBatchBuilder, every codec and batch kind, read by kafka-clients. */
class OurBatchesReadByKafkaTest {
    private static final long BASE_OFFSET = 500;
    private static final long T0 = 1_700_000_000_000L;
    private static final long LOG_APPEND_TIME = T0 + 77_000;

    /** Batch-level settings applied to a builder; {@code marker} is set for control batches. */
    record Kind(String name, UnaryOperator<RecordBatchBuilder> settings, EndTransactionMarker marker) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("CreateTime, no producer", b -> b.partitionLeaderEpoch(7), null),
            new Kind("LogAppendTime", b -> b.logAppendTime(LOG_APPEND_TIME), null),
            new Kind("idempotent producer", b -> b.producer(4242, (short) 3, 17), null),
            new Kind("transactional", b -> b.producer(4242, (short) 3, 2_147_483_600).transactional(true), null),
            new Kind("commit marker", b -> b.producer(4242, (short) 3, -1).transactional(true).control(true),
                    new EndTransactionMarker(ControlRecordType.COMMIT, 11)),
            new Kind("abort marker", b -> b.producer(4242, (short) 3, -1).transactional(true).control(true),
                    new EndTransactionMarker(ControlRecordType.ABORT, 12)));

    static Stream<Arguments> everyCodecAndKind() {
        return Arrays.stream(CompressionType.values()).flatMap(codec -> KINDS.stream().map(kind -> Arguments.of(codec, kind)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyCodecAndKind")
    void ourBatchPassesKafkaValidationWithEveryFieldAsWritten(CompressionType codec, Kind kind) {
        // given
        List<Record> records = kind.marker() == null ? sampleRecords()
                : List.of(new Record(BASE_OFFSET, T0, kind.marker().type().encodeKey(), kind.marker().encodeValue(), List.of()));
        RecordBatchBuilder builder = kind.settings().apply(new RecordBatchBuilder(codec).baseOffset(BASE_OFFSET));
        records.forEach(builder::append);

        // when
        ByteBuf built = builder.build();
        List<MutableRecordBatch> theirs = readWithKafka(built);

        // then
        assertEquals(1, theirs.size());
        MutableRecordBatch batch = theirs.get(0);
        batch.ensureValid();
        assertEquals(codec.id(), batch.compressionType().id);
        assertEquals(records.get(records.size() - 1).offset(), batch.lastOffset());
        assertEquals(expectedViews(records, batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME),
                KafkaOracle.viewsOf(batch));
        assertSameBatch(batch, onlyBatch(built));
        if (kind.marker() != null) {
            org.apache.kafka.common.record.Record control = batch.iterator().next();
            assertTrue(batch.isControlBatch());
            assertEquals(kind.marker().type().name(), org.apache.kafka.common.record.ControlRecordType.parse(control.key()).name());
            org.apache.kafka.common.record.EndTransactionMarker marker = org.apache.kafka.common.record.EndTransactionMarker.deserialize(control);
            assertEquals(kind.marker().coordinatorEpoch(), marker.coordinatorEpoch());
        }
    }

    private static List<KafkaOracle.RecordView> expectedViews(List<Record> records, boolean logAppendTime) {
        return records.stream().map(r -> new KafkaOracle.RecordView(r.offset(), logAppendTime ? LOG_APPEND_TIME : r.timestamp(),
                hex(r.key()), hex(r.value()),
                r.headers().stream().map(h -> h.key() + "=" + hex(h.value())).toList())).toList();
    }

    /** Present and null keys and values, headers with null values, an offset gap, a negative timestamp delta, values spanning several compression blocks. */
    private static List<Record> sampleRecords() {
        byte[] incompressible = new byte[150_000];
        new Random(7).nextBytes(incompressible);
        return List.of(
                new Record(BASE_OFFSET, T0, utf8("k0"), utf8("v0"), List.of(new Record.Header("h1", utf8("x")), new Record.Header("h2", null))),
                new Record(BASE_OFFSET + 1, T0 + 5, null, utf8("v1"), List.of()),
                new Record(BASE_OFFSET + 2, T0 - 3_000, utf8("k2"), null, List.of(new Record.Header("ключ", utf8("ü€")))),
                new Record(BASE_OFFSET + 5, T0 + 40, utf8("random"), Unpooled.wrappedBuffer(incompressible), List.of()),
                new Record(BASE_OFFSET + 6, T0 + 41, utf8("zeros"), Unpooled.wrappedBuffer(new byte[200_000]), List.of()));
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(ByteBuf bytes) {
        return bytes == null ? null : ByteBufUtil.hexDump(bytes);
    }
}
