package io.fjord.log.compaction;

import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds and reads back the batches the compaction tests work on. */
final class TestBatches {
    static final long T0 = 1_700_000_000_000L;

    private TestBatches() {
    }

    /** A record reduced to comparable values; key and value as UTF-8 strings, null kept as null. */
    record View(long offset, long timestamp, String key, String value) {
    }

    static ByteBuf utf8(String s) {
        return s == null ? null : Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A record at {@code offset} with timestamp T0 + offset and no headers. */
    static Record record(long offset, String key, String value) {
        return new Record(offset, T0 + offset, utf8(key), utf8(value), List.of());
    }

    static ByteBuf concat(List<ByteBuf> batches) {
        ByteBuf log = Unpooled.buffer();
        batches.forEach(batch -> log.writeBytes(batch, batch.readerIndex(), batch.readableBytes()));
        return log;
    }

    static List<RecordBatch> batchesOf(ByteBuf log) {
        List<RecordBatch> batches = new ArrayList<>();
        new RecordBatches(log).forEach(batches::add);
        return batches;
    }

    static List<View> viewsOf(RecordBatch batch) {
        List<View> views = new ArrayList<>();
        for (Record record : batch) {
            views.add(new View(record.offset(), record.timestamp(), string(record.key()), string(record.value())));
        }
        return views;
    }

    static List<View> viewsOf(ByteBuf log) {
        return batchesOf(log).stream().flatMap(batch -> viewsOf(batch).stream()).toList();
    }

    static String hex(RecordBatch batch) {
        return ByteBufUtil.hexDump(batch.buffer());
    }

    private static String string(ByteBuf bytes) {
        return bytes == null ? null : bytes.toString(StandardCharsets.UTF_8);
    }
}
