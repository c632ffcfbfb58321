package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bridges to kafka-clients, the oracle: its codecs and batches, and field-by-field comparison with ours. */
final class KafkaOracle {
    private KafkaOracle() {
    }

    /** A record reduced to comparable values; byte fields as hex, null kept as null. */
    record RecordView(long offset, long timestamp, String key, String value, List<String> headers) {
    }

    static Compression compression(CompressionType type) {
        return Compression.of(org.apache.kafka.common.record.CompressionType.forId(type.id())).build();
    }

    static ByteBuf bytesOf(MemoryRecords records) {
        return Unpooled.wrappedBuffer(records.buffer());
    }

    static List<MutableRecordBatch> readWithKafka(ByteBuf batches) {
        List<MutableRecordBatch> result = new ArrayList<>();
        MemoryRecords.readableRecords(batches.nioBuffer()).batches().forEach(result::add);
        return result;
    }

    static RecordBatch onlyBatch(ByteBuf batches) {
        List<RecordBatch> result = new ArrayList<>();
        new RecordBatches(batches).forEach(result::add);
        assertEquals(1, result.size(), "batches");
        return result.get(0);
    }

    static void assertSameBatch(org.apache.kafka.common.record.RecordBatch theirs, RecordBatch ours) {
        assertEquals(theirs.baseOffset(), ours.baseOffset(), "baseOffset");
        assertEquals(theirs.sizeInBytes(), ours.sizeInBytes(), "size");
        assertEquals(theirs.partitionLeaderEpoch(), ours.partitionLeaderEpoch(), "partitionLeaderEpoch");
        assertEquals(theirs.magic(), ours.magic(), "magic");
        assertEquals(theirs.checksum(), ours.crc(), "crc");
        assertEquals(theirs.compressionType().id, ours.compressionType().id(), "compression");
        assertEquals(theirs.timestampType().name(), ours.timestampType().name(), "timestampType");
        assertEquals(theirs.isTransactional(), ours.isTransactional(), "transactional");
        assertEquals(theirs.isControlBatch(), ours.isControl(), "control");
        assertEquals(theirs.deleteHorizonMs().isPresent(), ours.hasDeleteHorizon(), "hasDeleteHorizon");
        assertEquals(theirs.lastOffset(), ours.lastOffset(), "lastOffset");
        assertEquals(theirs.nextOffset(), ours.nextOffset(), "nextOffset");
        assertEquals(theirs.maxTimestamp(), ours.maxTimestamp(), "maxTimestamp");
        assertEquals(theirs.producerId(), ours.producerId(), "producerId");
        assertEquals(theirs.producerEpoch(), ours.producerEpoch(), "producerEpoch");
        assertEquals(theirs.baseSequence(), ours.baseSequence(), "baseSequence");
        assertEquals(theirs.countOrNull(), ours.recordCount(), "recordCount");
        assertEquals(viewsOf(theirs), viewsOf(ours), "records");
    }

    static List<RecordView> viewsOf(org.apache.kafka.common.record.RecordBatch batch) {
        List<RecordView> views = new ArrayList<>();
        for (org.apache.kafka.common.record.Record record : batch) {
            List<String> headers = Arrays.stream(record.headers()).map(KafkaOracle::describe).toList();
            views.add(new RecordView(record.offset(), record.timestamp(), hex(record.key()), hex(record.value()), headers));
        }
        return views;
    }

    static List<RecordView> viewsOf(RecordBatch batch) {
        List<RecordView> views = new ArrayList<>();
        for (Record record : batch) {
            List<String> headers = record.headers().stream().map(h -> h.key() + "=" + hex(h.value())).toList();
            views.add(new RecordView(record.offset(), record.timestamp(), hex(record.key()), hex(record.value()), headers));
        }
        return views;
    }

    private static String describe(Header header) {
        return header.key() + "=" + (header.value() == null ? null : HexFormat.of().formatHex(header.value()));
    }

    private static String hex(ByteBuffer bytes) {
        return bytes == null ? null : hex(Unpooled.wrappedBuffer(bytes));
    }

    private static String hex(ByteBuf bytes) {
        return bytes == null ? null : ByteBufUtil.hexDump(bytes);
    }
}
