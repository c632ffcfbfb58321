package io.fjord.log.compaction;

import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.fjord.protocol.records.TimestampType;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * Pass two of a cleaning round, one batch at a time: writes what compaction keeps of each batch below the
 * mapped section's end, following Kafka's cleaner. A record is kept when it has a key, no later record of
 * that key was mapped ({@code offset >= map.get(key)}), and, if it is a tombstone (null value), its batch has
 * no delete horizon yet or the round's clock is still before it. Then the batch is written
 * <ul>
 * <li>as its original bytes when every record is kept and no delete horizon needs stamping;</li>
 * <li>rebuilt when some records go, or when it keeps a tombstone and has no delete horizon yet: that horizon
 *     becomes {@code now + delete.retention.ms} (an existing one is kept). The rebuilt batch holds the kept
 *     records with their own offsets, timestamps and headers, and keeps the original's codec, base and last
 *     offset, partition leader epoch, producer id, epoch and base sequence, timestamp type and flags, so a
 *     producer's last sequence (base sequence + last offset delta) does not change;</li>
 * <li>as an empty batch ({@link RecordBatchBuilder#emptyCopyOf}) when nothing is kept but it is the last data
 *     batch of a producer the producer state still tracks (so its epoch and sequence survive), or the batch
 *     ending at the round's first uncleanable offset (so the log end offset survives);</li>
 * <li>not at all otherwise.</li>
 * </ul>
 * Batches at or after the section's end, control batches and transactional batches are written unchanged:
 * removing aborted transactions and expired markers needs the transaction index and is not done here.
 *
 * <p>Reads each batch through its (decompressing) record iterator, so records may be slices of a
 * decompressed copy; they are copied before this returns. Not thread-safe.
 */
public final class BatchCompactor {
    private final KeyOffsetMap map;
    private final long endOffset;
    private final CleaningRound round;
    private final CompactionStats stats;

    /** Compacts against {@code map}, filled by a {@link DirtySectionScan} that ended at {@code endOffset}. */
    public BatchCompactor(KeyOffsetMap map, long endOffset, CleaningRound round, CompactionStats stats) {
        this.map = map;
        this.endOffset = endOffset;
        this.round = round;
        this.stats = stats;
    }

    /** Appends what compaction keeps of {@code batch} to {@code out}. */
    public void compact(RecordBatch batch, ByteBuf out) {
        stats.read(batch.recordCount(), batch.sizeInBytes());
        if (batch.baseOffset() >= endOffset || batch.isControl() || batch.isTransactional()) {
            write(batch.buffer(), batch.recordCount(), out);
            return;
        }
        List<Record> kept = new ArrayList<>();
        boolean keptTombstone = false;
        for (Record record : batch) {
            if (keeps(batch, record)) {
                kept.add(record);
                keptTombstone |= record.value() == null;
            }
        }
        if (kept.isEmpty()) {
            if (mustKeepEmpty(batch)) {
                writeReleasing(RecordBatchBuilder.emptyCopyOf(batch), 0, out);
            }
        } else if (kept.size() == batch.recordCount() && (batch.hasDeleteHorizon() || !keptTombstone)) {
            write(batch.buffer(), kept.size(), out);
        } else {
            writeReleasing(rebuild(batch, kept, keptTombstone), kept.size(), out);
        }
    }

    private boolean keeps(RecordBatch batch, Record record) {
        if (record.key() == null) {
            stats.keylessRecordRemoved();
            return false;
        }
        boolean tombstone = record.value() == null;
        boolean kept = record.offset() >= map.get(record.key())
                && !(tombstone && batch.hasDeleteHorizon() && round.nowMs() >= batch.baseTimestamp());
        if (!kept && tombstone) {
            stats.tombstoneRemoved();
        }
        return kept;
    }

    private boolean mustKeepEmpty(RecordBatch batch) {
        Long producersLastOffset = batch.producerId() >= 0 ? round.producerLastOffsets().get(batch.producerId()) : null;
        return producersLastOffset != null && producersLastOffset == batch.lastOffset()
                || batch.nextOffset() == round.firstUncleanableOffset();
    }

    private ByteBuf rebuild(RecordBatch batch, List<Record> kept, boolean keptTombstone) {
        RecordBatchBuilder builder = new RecordBatchBuilder(batch.compressionType())
                .baseOffset(batch.baseOffset())
                .lastOffset(batch.lastOffset())
                .partitionLeaderEpoch(batch.partitionLeaderEpoch())
                .producer(batch.producerId(), batch.producerEpoch(), batch.baseSequence())
                .transactional(batch.isTransactional());
        if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
            builder.logAppendTime(batch.maxTimestamp());
        }
        if (batch.hasDeleteHorizon()) {
            builder.deleteHorizon(batch.baseTimestamp());
        } else if (keptTombstone) {
            builder.deleteHorizon(round.newDeleteHorizon());
        }
        kept.forEach(builder::append);
        return builder.build();
    }

    private void write(ByteBuf batchBytes, int records, ByteBuf out) {
        stats.retained(records, batchBytes.readableBytes());
        out.writeBytes(batchBytes, batchBytes.readerIndex(), batchBytes.readableBytes());
    }

    private void writeReleasing(ByteBuf built, int records, ByteBuf out) {
        try {
            write(built, records, out);
        } finally {
            built.release();
        }
    }
}
