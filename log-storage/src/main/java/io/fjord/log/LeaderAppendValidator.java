package io.fjord.log;

import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.CorruptRecordException;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.TimestampType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Kafka's leader-side checks of produced v2 batches beyond size and CRC, done before a batch gets offsets.
 *
 * <p>Rules for a {@link AppendOrigin#CLIENT} (the broker's own appends are trusted): exactly one batch;
 * lastOffsetDelta + 1 equal to a positive record count; no control batch; a base sequence with a producer id;
 * record offset deltas 0..n-1 in order (INVALID_RECORD). Record rules: on a compacted topic every record has a key
 * (INVALID_RECORD); on a CreateTime topic every timestamp other than -1 lies within
 * [now - message.timestamp.before.max.ms, now + message.timestamp.after.max.ms] (INVALID_TIMESTAMP); a batch
 * claiming LogAppendTime itself has its maxTimestamp checked as every record's timestamp on a CreateTime topic
 * and is rejected on a LogAppendTime topic (INVALID_TIMESTAMP), as Kafka does. Record rules name the records in
 * {@link RecordError}s.
 *
 * <p>Cost: an uncompressed batch's records are walked in place, reading only each record's length,
 * timestamp delta, offset delta and key length (no copy, no allocation per record); its header's
 * maxTimestamp is corrected if the records disagree, as Kafka does. A compressed batch is decompressed only
 * when a rule needs its records: a compacted topic, a before-bound other than Long.MAX_VALUE, or a header
 * maxTimestamp beyond the after-bound (to name the records or find the header was wrong); otherwise its
 * header maxTimestamp stands for its records and its offset deltas are not looked at.
 *
 * <p>Immutable (one per append, with the clock read once); thread-safe.
 */
final class LeaderAppendValidator {
    private static final long NO_TIMESTAMP = -1;

    private final LogConfig config;
    private final String partition;
    private final long now;

    LeaderAppendValidator(LogConfig config, String partition, long now) {
        this.config = config;
        this.partition = partition;
        this.now = now;
    }

    void validate(List<RecordBatch> batches, AppendOrigin origin) {
        if (origin != AppendOrigin.CLIENT) {
            return;
        }
        if (batches.size() != 1) {
            throw new InvalidRecordException("A produce request must hold exactly one record batch per partition, "
                    + batches.size() + " were sent to " + partition);
        }
        validateClientBatch(batches.get(0));
        validateRecords(batches.get(0));
    }

    private void validateClientBatch(RecordBatch batch) {
        long countFromOffsets = batch.lastOffsetDelta() + 1L;
        int count = batch.recordCount();
        if (countFromOffsets <= 0) {
            throw new InvalidRecordException("Batch has an invalid last offset delta " + batch.lastOffsetDelta() + " in " + partition);
        }
        if (count <= 0) {
            throw new InvalidRecordException("Batch declares " + count + " records in " + partition);
        }
        if (countFromOffsets != count) {
            throw new InvalidRecordException("Inconsistent batch offset range: last offset delta " + batch.lastOffsetDelta()
                    + " for " + count + " records in " + partition);
        }
        if (batch.isControl()) {
            throw new InvalidRecordException("Clients may not write control batches, as one was sent to " + partition);
        }
        if (batch.producerId() >= 0 && batch.baseSequence() < 0) {
            throw new InvalidRecordException("Invalid sequence number " + batch.baseSequence() + " for producer id "
                    + batch.producerId() + " in " + partition);
        }
    }

    private void validateRecords(RecordBatch batch) {
        boolean createTime = !config.logAppendTime();
        if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
            validateClaimedLogAppendTime(batch, createTime);
            if (!config.compact()) {
                return;
            }
        }
        if (batch.compressionType() == CompressionType.NONE) {
            walkUncompressed(batch, createTime);
        } else if (config.compact() || (createTime && config.timestampBeforeMaxMs() != Long.MAX_VALUE)
                || (createTime && outOfRange(batch.maxTimestamp()))) {
            walkDecompressed(batch, createTime);
        }
    }

    /**
     * A client's batch that says LogAppendTime: Kafka reads its records' timestamps as the batch's
     * maxTimestamp, which a CreateTime topic checks like any timestamp, and a LogAppendTime topic (or a
     * maxTimestamp of -1) rejects for every record.
     */
    private void validateClaimedLogAppendTime(RecordBatch batch, boolean createTime) {
        long timestamp = batch.maxTimestamp();
        if (createTime && timestamp != NO_TIMESTAMP) {
            if (outOfRange(timestamp)) {
                throw invalidTimestamp(errorPerRecord(batch, index -> timestampError(index, timestamp, batch.baseOffset() + index)));
            }
            return;
        }
        throw invalidTimestamp(errorPerRecord(batch, index -> new RecordError(index, "Invalid timestamp type in a record of "
                + partition + ": a producer may not set the timestamp type to LogAppendTime")));
    }

    /** One error per record actually present (the records are read, so a false record count cannot inflate the list). */
    private static List<RecordError> errorPerRecord(RecordBatch batch, IntFunction<RecordError> error) {
        List<RecordError> errors = new ArrayList<>();
        for (Iterator<Record> it = batch.records(RecordBatch.DEFAULT_MAX_DECOMPRESSED_BYTES); it.hasNext(); it.next()) {
            errors.add(error.apply(errors.size()));
        }
        return errors;
    }

    private void walkUncompressed(RecordBatch batch, boolean createTime) {
        boolean checkTimestamps = createTime && batch.timestampType() == TimestampType.CREATE_TIME;
        int count = batch.recordCount();
        RecordCursor records = new RecordCursor(batch.buffer().nioBuffer(RecordBatch.HEADER_SIZE, batch.sizeInBytes() - RecordBatch.HEADER_SIZE));
        long baseTimestamp = batch.baseTimestamp();
        long baseOffset = batch.baseOffset();
        long maxTimestamp = NO_TIMESTAMP;
        Rejections errors = null;
        for (int index = 0; index < count; index++) {
            int length = records.readVarint();
            if (length < 6 || length > records.remaining()) {
                throw new CorruptRecordException("record " + index + " has length " + length + " with "
                        + records.remaining() + " bytes remaining in " + partition);
            }
            int next = records.position + length;
            records.position++;
            long timestamp = baseTimestamp + records.readVarlong();
            int offsetDelta = records.readVarint();
            int keyLength = records.readVarint();
            if (records.position > next) {
                throw new CorruptRecordException("record " + index + " is shorter than its fields in " + partition);
            }
            records.position = next;
            checkOffsetDelta(index, offsetDelta);
            maxTimestamp = Math.max(maxTimestamp, timestamp);
            errors = check(errors, index, keyLength < 0, checkTimestamps, timestamp, baseOffset + offsetDelta);
        }
        if (records.remaining() > 0) {
            throw new CorruptRecordException(records.remaining() + " bytes remain after the batch's " + count + " records");
        }
        throwIfAny(errors);
        if (checkTimestamps && maxTimestamp != batch.maxTimestamp()) {
            batch.setMaxTimestamp(TimestampType.CREATE_TIME, maxTimestamp);
        }
    }

    private void walkDecompressed(RecordBatch batch, boolean createTime) {
        boolean checkTimestamps = createTime && batch.timestampType() == TimestampType.CREATE_TIME;
        long maxTimestamp = NO_TIMESTAMP;
        Rejections errors = null;
        int index = 0;
        for (Iterator<Record> it = batch.records(RecordBatch.DEFAULT_MAX_DECOMPRESSED_BYTES); it.hasNext(); index++) {
            Record record = it.next();
            checkOffsetDelta(index, record.offset() - batch.baseOffset());
            maxTimestamp = Math.max(maxTimestamp, record.timestamp());
            errors = check(errors, index, record.key() == null, checkTimestamps, record.timestamp(), record.offset());
        }
        throwIfAny(errors);
        if (checkTimestamps && maxTimestamp != batch.maxTimestamp()) {
            batch.setMaxTimestamp(TimestampType.CREATE_TIME, maxTimestamp);
        }
    }

    private void checkOffsetDelta(int index, long offsetDelta) {
        if (offsetDelta != index) {
            throw new InvalidRecordException("Record " + index + " of the batch has offset delta " + offsetDelta
                    + " where " + index + " was expected, in " + partition);
        }
    }

    /** The rejections so far with this record's, if any: a missing key first (as Kafka checks), then its timestamp. */
    private Rejections check(Rejections errors, int index, boolean nullKey, boolean checkTimestamp, long timestamp, long offset) {
        if (nullKey && config.compact()) {
            errors = errors == null ? new Rejections() : errors;
            errors.add(new RecordError(index, "Compacted topic cannot accept message without key in topic partition " + partition), false);
        } else if (checkTimestamp && timestamp != NO_TIMESTAMP && outOfRange(timestamp)) {
            errors = errors == null ? new Rejections() : errors;
            errors.add(timestampError(index, timestamp, offset), true);
        }
        return errors;
    }

    /**
     * Reads zig-zag varints at absolute positions of a {@link ByteBuffer} (a view of the batch, not a copy): the
     * uncompressed walk's only reads, kept free of ByteBuf's per-byte reference-count and bounds checks.
     */
    private static final class RecordCursor {
        private final ByteBuffer bytes;
        private final int limit;
        int position;

        RecordCursor(ByteBuffer bytes) {
            this.bytes = bytes;
            this.position = bytes.position();
            this.limit = bytes.limit();
        }

        int remaining() {
            return limit - position;
        }

        int readVarint() {
            int raw = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                if (position >= limit) {
                    throw new CorruptRecordException("a varint runs past the end of the records");
                }
                byte b = bytes.get(position++);
                raw |= (b & 0x7f) << shift;
                if (b >= 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw new CorruptRecordException("a varint is longer than 5 bytes");
        }

        long readVarlong() {
            long raw = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= limit) {
                    throw new CorruptRecordException("a varint runs past the end of the records");
                }
                byte b = bytes.get(position++);
                raw |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw new CorruptRecordException("a varint is longer than 10 bytes");
        }
    }

    /** The records of one batch rejected so far, and whether one was for its timestamp. */
    private static final class Rejections {
        final List<RecordError> errors = new ArrayList<>();
        boolean timestamp;

        void add(RecordError error, boolean forTimestamp) {
            errors.add(error);
            timestamp |= forTimestamp;
        }
    }

    private boolean outOfRange(long timestamp) {
        long behind = now - timestamp;
        return behind > config.timestampBeforeMaxMs() || -behind > config.timestampAfterMaxMs();
    }

    private RecordError timestampError(int index, long timestamp, long offset) {
        return new RecordError(index, "Timestamp " + timestamp + " of message with offset " + offset
                + " is out of range. The timestamp should be within [" + (now - config.timestampBeforeMaxMs()) + ", "
                + (now + config.timestampAfterMaxMs()) + "]");
    }

    private static void throwIfAny(Rejections rejections) {
        if (rejections == null) {
            return;
        }
        List<RecordError> errors = rejections.errors;
        if (rejections.timestamp) {
            throw invalidTimestamp(errors);
        }
        throw new InvalidRecordException("One or more records have been rejected due to " + errors.size()
                + " record errors in total, and only showing the first three errors at most: "
                + errors.subList(0, Math.min(3, errors.size())), errors);
    }

    private static InvalidTimestampException invalidTimestamp(List<RecordError> errors) {
        return new InvalidTimestampException("One or more records have been rejected due to invalid timestamp", errors);
    }
}
