package io.fjord.log;

import io.fjord.protocol.records.RecordBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The fields of a batch header that locating batches in a .log file needs, read from the file without
 * its records: base offset, size (batchLength plus the 12-byte log overhead), last offset and max
 * timestamp. Immutable.
 */
record BatchHeader(int position, long baseOffset, int size, long lastOffset, long maxTimestamp) {
    static final int BYTES = RecordBatch.MAX_TIMESTAMP_OFFSET + Long.BYTES;

    int end() {
        return position + size;
    }

    /**
     * The header of the batch at {@code position}, or null when no plausible whole batch starts there
     * before {@code limit}. {@code scratch} holds at least {@link #BYTES}.
     */
    static BatchHeader read(FileChannel channel, int position, int limit, ByteBuffer scratch) throws IOException {
        if (limit - position < RecordBatch.HEADER_SIZE || !LogSegment.readFully(channel, scratch.clear().limit(BYTES), position)) {
            return null;
        }
        long size = RecordBatch.LOG_OVERHEAD + (long) scratch.getInt(RecordBatch.BATCH_LENGTH_OFFSET);
        if (size < RecordBatch.HEADER_SIZE || size > limit - position) {
            return null;
        }
        long baseOffset = scratch.getLong(0);
        return new BatchHeader(position, baseOffset, (int) size,
                baseOffset + scratch.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET), scratch.getLong(RecordBatch.MAX_TIMESTAMP_OFFSET));
    }
}
