package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.fjord.protocol.records.KafkaOracle.readWithKafka;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** In-place rewrites of header fields, as the broker makes on append, checked by kafka-clients. */
class RecordBatchRewriteTest {
    private static final long T0 = 1_700_000_000_000L;

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void rewrittenOffsetEpochAndLogAppendTimeAreSeenByKafkaWithAValidCrc(CompressionType codec) {
        // given
        ByteBuf bytes = sampleBatch(codec);
        RecordBatch batch = RecordBatch.wrap(bytes);
        byte[] recordsBefore = ByteBufUtil.getBytes(bytes, RecordBatch.HEADER_SIZE, bytes.readableBytes() - RecordBatch.HEADER_SIZE);

        // when
        batch.setBaseOffset(123_456);
        batch.setPartitionLeaderEpoch(42);
        batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, T0 + 9_999);

        // then
        MutableRecordBatch theirs = readWithKafka(bytes).get(0);
        theirs.ensureValid();
        assertEquals(123_456, theirs.baseOffset());
        assertEquals(123_458, theirs.lastOffset());
        assertEquals(42, theirs.partitionLeaderEpoch());
        assertEquals(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, theirs.timestampType());
        assertEquals(T0 + 9_999, theirs.maxTimestamp());
        assertEquals(List.of(
                new KafkaOracle.RecordView(123_456, T0 + 9_999, hex("a"), hex("1"), List.of()),
                new KafkaOracle.RecordView(123_457, T0 + 9_999, null, hex("2"), List.of("h=" + hex("x"))),
                new KafkaOracle.RecordView(123_458, T0 + 9_999, hex("c"), null, List.of())), KafkaOracle.viewsOf(theirs));
        assertArrayEquals(recordsBefore, ByteBufUtil.getBytes(bytes, RecordBatch.HEADER_SIZE, bytes.readableBytes() - RecordBatch.HEADER_SIZE));
        KafkaOracle.assertSameBatch(theirs, batch);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void maxTimestampRewriteProducesTheBytesKafkaWouldWrite(CompressionType codec) {
        // given
        ByteBuf ours = sampleBatch(codec);
        ByteBuf kafkas = ours.copy();

        // when
        RecordBatch.wrap(ours).setMaxTimestamp(TimestampType.LOG_APPEND_TIME, T0 + 1);
        readWithKafka(kafkas).get(0).setMaxTimestamp(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, T0 + 1);
        RecordBatch.wrap(ours).setMaxTimestamp(TimestampType.CREATE_TIME, T0 + 2);
        readWithKafka(kafkas).get(0).setMaxTimestamp(org.apache.kafka.common.record.TimestampType.CREATE_TIME, T0 + 2);

        // then
        assertEquals(ByteBufUtil.hexDump(kafkas), ByteBufUtil.hexDump(ours));
        RecordBatch.wrap(ours).ensureValid();
    }

    private static ByteBuf sampleBatch(CompressionType codec) {
        return new RecordBatchBuilder(codec)
                .baseOffset(0)
                .producer(9, (short) 1, 0)
                .append(T0, utf8("a"), utf8("1"), List.of())
                .append(T0 + 1, null, utf8("2"), List.of(new Record.Header("h", utf8("x"))))
                .append(T0 + 2, utf8("c"), null, List.of())
                .build();
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(String s) {
        return ByteBufUtil.hexDump(s.getBytes(StandardCharsets.UTF_8));
    }
}
