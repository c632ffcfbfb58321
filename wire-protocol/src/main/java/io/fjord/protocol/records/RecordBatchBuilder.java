package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes one v2 batch (layout in {@link RecordBatch}). Records keep the offsets they are appended with,
 * strictly increasing and at or after the base offset; baseTimestamp is the first record's timestamp and
 * maxTimestamp the largest, or the log-append time when one is set. Defaults: base offset 0, partition
 * leader epoch -1, no producer (id, epoch and base sequence -1), CreateTime, neither transactional nor
 * control. Keys, values and header values are copied at {@link #build()}, so they must stay readable until
 * then. Not thread-safe.
 */
public final class RecordBatchBuilder {
    private static final int NO_PRODUCER = -1;

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
        long lastOffsetDelta = records.get(records.size() - 1).offset() - baseOffset;
        if (records.get(0).offset() < baseOffset || lastOffsetDelta > Integer.MAX_VALUE) {
            throw new IllegalStateException("record offsets must lie within " + Integer.MAX_VALUE + " after the base offset " + baseOffset);
        }
        long baseTimestamp = records.get(0).timestamp();
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
                | (control ? RecordBatch.CONTROL_FLAG : 0);
    }
}
