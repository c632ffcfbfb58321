package io.fjord.log;

import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The reference a partition log is checked against: its batches in a TreeMap by base offset, a log start
 * offset and a log end offset, with every operation written the obvious way.
 */
final class LogModel {
    /** A stored batch: its bytes and each record's offset and timestamp. */
    record Batch(long baseOffset, long lastOffset, byte[] bytes, long[] offsets, long[] timestamps, int leaderEpoch) {
        static Batch of(RecordBatch batch) {
            List<Record> records = new ArrayList<>();
            batch.forEach(records::add);
            return new Batch(batch.baseOffset(), batch.lastOffset(), ByteBufUtil.getBytes(batch.buffer()),
                    records.stream().mapToLong(Record::offset).toArray(), records.stream().mapToLong(Record::timestamp).toArray(),
                    batch.partitionLeaderEpoch());
        }
    }

    private final TreeMap<Long, Batch> batches = new TreeMap<>();
    long logStartOffset;
    long logEndOffset;

    LogModel(long startOffset) {
        logStartOffset = startOffset;
        logEndOffset = startOffset;
    }

    /** Adds the batches in {@code bytes} as they are (offsets already assigned). */
    void append(ByteBuf bytes) {
        for (RecordBatch batch : new RecordBatches(bytes)) {
            batches.put(batch.baseOffset(), Batch.of(batch));
            logEndOffset = batch.nextOffset();
        }
    }

    /** The bytes a leader append of {@code bytes} stores: offsets from the end, this epoch. */
    ByteBuf assignOffsets(ByteBuf bytes, int leaderEpoch) {
        ByteBuf copy = Unpooled.copiedBuffer(bytes);
        long next = logEndOffset;
        for (RecordBatch batch : new RecordBatches(copy)) {
            batch.setBaseOffset(next);
            batch.setPartitionLeaderEpoch(leaderEpoch);
            next = batch.nextOffset();
        }
        return copy;
    }

    void truncateTo(long offset) {
        if (offset >= logEndOffset) {
            return;
        }
        if (offset < logStartOffset) {
            truncateFullyAndStartAt(offset);
            return;
        }
        batches.values().removeIf(batch -> batch.lastOffset() >= offset);
        logEndOffset = offset;
    }

    void truncateFullyAndStartAt(long offset) {
        batches.clear();
        logStartOffset = offset;
        logEndOffset = offset;
    }

    void deleteRecordsBefore(long offset) {
        logStartOffset = Math.max(logStartOffset, offset);
    }

    /** The batches a read from {@code offset} onwards returns, in order. */
    List<Batch> batchesFrom(long offset) {
        return batches.values().stream().filter(batch -> batch.lastOffset() >= offset).toList();
    }

    List<Batch> visibleBatches() {
        return batchesFrom(logStartOffset);
    }

    Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        for (Batch batch : visibleBatches()) {
            for (int i = 0; i < batch.offsets().length; i++) {
                if (batch.offsets()[i] >= logStartOffset && batch.timestamps()[i] >= timestamp) {
                    return Optional.of(new TimestampAndOffset(batch.timestamps()[i], batch.offsets()[i], batch.leaderEpoch()));
                }
            }
        }
        return Optional.empty();
    }

    Optional<TimestampAndOffset> maxTimestampOffset() {
        TimestampAndOffset best = null;
        for (Batch batch : visibleBatches()) {
            for (int i = 0; i < batch.offsets().length; i++) {
                if (batch.offsets()[i] >= logStartOffset && (best == null || batch.timestamps()[i] > best.timestamp())) {
                    best = new TimestampAndOffset(batch.timestamps()[i], batch.offsets()[i], batch.leaderEpoch());
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Every record timestamp in the log, for choosing lookups. */
    List<Long> timestamps() {
        List<Long> all = new ArrayList<>();
        batches.values().forEach(batch -> {
            for (long timestamp : batch.timestamps()) {
                all.add(timestamp);
            }
        });
        return all;
    }
}
