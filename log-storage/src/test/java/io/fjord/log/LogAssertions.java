package io.fjord.log;

import io.fjord.protocol.records.RecordBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compares everything a partition log answers with what its {@link LogModel} says. */
final class LogAssertions {
    private LogAssertions() {
    }

    static void assertLogMatches(LogModel model, PartitionLog log) {
        Random random = new Random(model.logEndOffset * 31 + model.logStartOffset);
        assertEquals(model.logStartOffset, log.logStartOffset(), "log start offset");
        assertEquals(model.logEndOffset, log.logEndOffset(), "log end offset");
        assertEquals(bytesOf(model.visibleBatches()), wrap(readAll(log, 1 + random.nextInt(3000))), "batches from the log start offset");
        for (LogModel.Batch batch : model.visibleBatches()) {
            long first = Math.max(batch.baseOffset(), model.logStartOffset);
            for (long offset : List.of(first, first + (long) random.nextInt((int) (batch.lastOffset() - first + 1)))) {
                List<byte[]> read = readBatches(log.read(offset, 1, Long.MAX_VALUE, true));
                assertFalse(read.isEmpty(), "a read at " + offset + " returns its batch");
                assertEquals(ByteBuffer.wrap(batch.bytes()), ByteBuffer.wrap(read.get(0)), "first batch read at " + offset);
            }
        }
        assertHighWatermarkIsRespected(model, log, model.logStartOffset + (long) (random.nextDouble() * (model.logEndOffset - model.logStartOffset + 1)));
        assertTrue(log.read(model.logEndOffset, 1000, Long.MAX_VALUE, true).isEmpty(), "a read at the log end offset is empty");
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(model.logEndOffset + 1, 1000, Long.MAX_VALUE, true));
        if (model.logStartOffset > 0) {
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(model.logStartOffset - 1, 1000, Long.MAX_VALUE, true));
        }
        TreeSet<Long> timestamps = new TreeSet<>();
        model.timestamps().forEach(t -> timestamps.addAll(List.of(t - 1, t, t + 1)));
        timestamps.add(Long.MIN_VALUE);
        for (long timestamp : timestamps) {
            assertEquals(model.offsetForTimestamp(timestamp), log.offsetForTimestamp(timestamp), "offset for timestamp " + timestamp);
        }
        assertEquals(model.maxTimestampOffset(), log.maxTimestampOffset(), "max timestamp offset");
    }

    private static void assertHighWatermarkIsRespected(LogModel model, PartitionLog log, long highWatermark) {
        List<byte[]> read = readBatches(log.read(model.logStartOffset, Integer.MAX_VALUE, highWatermark, true));
        List<LogModel.Batch> below = model.visibleBatches().stream().filter(b -> b.lastOffset() < highWatermark).toList();
        assertTrue(read.size() <= below.size(), "no batch at or above the high watermark " + highWatermark);
        assertEquals(bytesOf(below.subList(0, read.size())), wrap(read));
        assertEquals(below.isEmpty(), read.isEmpty(), "a batch below the high watermark " + highWatermark + " is returned");
    }

    /** Every whole batch from the log start offset on, read in slices of at most {@code maxBytes}. */
    static List<byte[]> readAll(PartitionLog log, int maxBytes) {
        List<byte[]> all = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<byte[]> read = readBatches(log.read(offset, maxBytes, Long.MAX_VALUE, true));
            if (read.isEmpty()) {
                break;
            }
            all.addAll(read);
            offset = RecordBatch.wrap(Unpooled.wrappedBuffer(read.get(read.size() - 1))).nextOffset();
        }
        return all;
    }

    static List<byte[]> readBatches(FileSlice slice) {
        try {
            ByteBuf bytes = slice.readBytes();
            return TestBatches.wholeBatches(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ByteBuffer> bytesOf(List<LogModel.Batch> batches) {
        return batches.stream().map(batch -> ByteBuffer.wrap(batch.bytes())).toList();
    }

    static List<ByteBuffer> wrap(List<byte[]> batches) {
        return batches.stream().map(ByteBuffer::wrap).toList();
    }
}
