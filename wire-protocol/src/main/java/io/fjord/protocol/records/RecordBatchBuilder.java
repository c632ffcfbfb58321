package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes one v2 batch (layout in {@link RecordBatch}). Records keep the offsets they are appended with,
 * strictly increasing and at or after the base offset; baseTimestamp is the first record's timestamp (or
 * the delete horizon, when one is set) and maxTimestamp the largest, or the log-append time when one is
 * set. The last offset is the last record's unless {@link #lastOffset} fixes a later one. Defaults: base
 * offset 0, partition leader epoch -1, no producer (id, epoch and base sequence -1), CreateTime, neither
 * transactional nor control. Keys, values and header values are copied at {@link #build()}, so they must
 * stay readable until then. Not thread-safe.
 *
 * <p>Log compaction rebuilds a batch with fewer records but its original base offset, last offset and
 * base sequence, so the producer's last sequence stays derivable, and may stamp a delete horizon; a batch
 * it empties but must keep is written by {@link #emptyCopyOf}.
 */
public final class RecordBatchBuilder {
    private static final int NO_PRODUCER = -1;
    private static final long NO_TIMESTAMP = -1;

    private final CompressionType compression;
    private final List<Record> records = new ArrayList<>();
    private long baseOffset;
    private int partitionLeaderEpoch = -1;
    private long producerId = NO_PRODUCER;
    private short producerEpoch = NO_PRODUCER;
    private int baseSequence = NO_PRODUCER;
    private boolean transactional;
    private boolean control;
    private Long logAppendTime;
    private Long lastOffset;
    private Long deleteHorizonMs;

    public RecordBatchBuilder(CompressionType compression) {
        this.compression = compression;
    }

    public RecordBatchBuilder baseOffset(long baseOffset) {
        this.baseOffset = baseOffset;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int partitionLeaderEpoch) {
        this.partitionLeaderEpoch = partitionLeaderEpoch;
        return this;
    }

    /** Marks the batch as written by an idempotent or transactional producer. */
    public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    public RecordBatchBuilder transactional(boolean transactional) {
        this.transactional = transactional;
        return this;
    }

    public RecordBatchBuilder control(boolean control) {
        this.control = control;
        return this;
    }

    /** Makes the batch LogAppendTime with this maxTimestamp, which readers report for every record. */
    public RecordBatchBuilder logAppendTime(long timestamp) {
        this.logAppendTime = timestamp;
        return this;
    }

    /** Ends the batch's offset range here rather than at its last record's offset. */
    public RecordBatchBuilder lastOffset(long lastOffset) {
        this.lastOffset = lastOffset;
        return this;
    }

    /**
     * Marks the batch with the compaction delete horizon (attribute bit 6), after which the cleaner may
     * remove its tombstones; it takes baseTimestamp's place, and record timestamps are written relative to it.
     */
    public RecordBatchBuilder deleteHorizon(long deleteHorizonMs) {
        this.deleteHorizonMs = deleteHorizonMs;
        return this;
    }

    /** Appends a record at the offset after the previous record's, or at the base offset if it is the first. */
    public RecordBatchBuilder append(long timestamp, ByteBuf key, ByteBuf value, List<Record.Header> headers) {
        long offset = records.isEmpty() ? baseOffset : records.get(records.size() - 1).offset() + 1;
        return append(new Record(offset, timestamp, key, value, headers));
    }

    public RecordBatchBuilder append(Record record) {
        if (!records.isEmpty() && record.offset() <= records.get(records.size() - 1).offset()) {
            throw new IllegalArgumentException("offset " + record.offset() + " does not follow the previous record's");
        }
        records.add(record);
        return this;
    }

    /** The batch in a new heap buffer owned by the caller. */
    public ByteBuf build() {
        if (records.isEmpty()) {
            throw new IllegalStateException("a batch needs at least one record");
        }
        long lastRecordOffset = records.get(records.size() - 1).offset();
        if (lastOffset != null && lastOffset < lastRecordOffset) {
            throw new IllegalStateException("last offset " + lastOffset + " precedes the last record's " + lastRecordOffset);
        }
        long lastOffsetDelta = (lastOffset != null ? lastOffset : lastRecordOffset) - baseOffset;
        if (records.get(0).offset() < baseOffset || lastOffsetDelta > Integer.MAX_VALUE) {
            throw new IllegalStateException("record offsets must lie within " + Integer.MAX_VALUE + " after the base offset " + baseOffset);
        }
        long baseTimestamp = deleteHorizonMs != null ? deleteHorizonMs : records.get(0).timestamp();
        long maxTimestamp = logAppendTime != null ? logAppendTime
                : records.stream().mapToLong(Record::timestamp).max().orElseThrow();
        ByteBuf encoded = Unpooled.buffer();
        try {
            for (Record record : records) {
                record.write(encoded, baseOffset, baseTimestamp);
            }
            return assemble(encoded, (int) lastOffsetDelta, baseTimestamp, maxTimestamp);
        } finally {
            encoded.release();
        }
    }

    private ByteBuf assemble(ByteBuf encoded, int lastOffsetDelta, long baseTimestamp, long maxTimestamp) {
        ByteBuf batch = Unpooled.buffer(RecordBatch.HEADER_SIZE + encoded.readableBytes());
        batch.writeLong(baseOffset)
                .writeInt(0) // batchLength, known once the records are compressed
                .writeInt(partitionLeaderEpoch)
                .writeByte(RecordBatch.MAGIC)
                .writeInt(0) // crc, computed last
                .writeShort(attributes())
                .writeInt(lastOffsetDelta)
                .writeLong(baseTimestamp)
                .writeLong(maxTimestamp)
                .writeLong(producerId)
                .writeShort(producerEpoch)
                .writeInt(baseSequence)
                .writeInt(records.size());
        compression.compress(encoded, batch);
        batch.setInt(RecordBatch.BATCH_LENGTH_OFFSET, batch.readableBytes() - RecordBatch.LOG_OVERHEAD);
        RecordBatch.wrap(batch).updateCrc();
        return batch;
    }

    private int attributes() {
        return compression.id()
                | (logAppendTime != null ? RecordBatch.LOG_APPEND_TIME_FLAG : 0)
                | (transactional ? RecordBatch.TRANSACTIONAL_FLAG : 0)
                | (control ? RecordBatch.CONTROL_FLAG : 0)
                | (deleteHorizonMs != null ? RecordBatch.DELETE_HORIZON_FLAG : 0);
    }

    /**
     * A batch with no records standing in for {@code batch}, as Kafka's cleaner writes one when it removes
     * every record of a batch it must keep: same base and last offset, partition leader epoch, producer id,
     * epoch and base sequence, timestamp type and transactional and control flags; uncompressed, no delete
     * horizon, baseTimestamp -1 (none) and {@code batch}'s maxTimestamp. In a new heap buffer owned by the caller.
     */
    public static ByteBuf emptyCopyOf(RecordBatch batch) {
        int attributes = batch.attributes() & (RecordBatch.LOG_APPEND_TIME_FLAG | RecordBatch.TRANSACTIONAL_FLAG | RecordBatch.CONTROL_FLAG);
        ByteBuf empty = Unpooled.buffer(RecordBatch.HEADER_SIZE)
                .writeLong(batch.baseOffset())
                .writeInt(RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD)
                .writeInt(batch.partitionLeaderEpoch())
                .writeByte(RecordBatch.MAGIC)
                .writeInt(0) // crc, computed last
                .writeShort(attributes)
                .writeInt(batch.lastOffsetDelta())
                .writeLong(NO_TIMESTAMP)
                .writeLong(batch.maxTimestamp())
                .writeLong(batch.producerId())
                .writeShort(batch.producerEpoch())
                .writeInt(batch.baseSequence())
                .writeInt(0);
        RecordBatch.wrap(empty).updateCrc();
        return empty;
    }
}
