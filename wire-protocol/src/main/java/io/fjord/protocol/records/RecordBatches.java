package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The batches in a buffer holding a sequence of them back to back: a produce request's or fetch
 * response's records field, or a log segment. Each batch is a {@link RecordBatch} over a slice of the
 * buffer (no copy, not retained). A trailing incomplete batch ends iteration, as Kafka clients expect of
 * fetch responses cut at a size limit; a batchLength shorter than a batch header, or a magic byte other
 * than 2, is a {@link CorruptRecordException}. CRCs are left to {@link RecordBatch#ensureValid()}.
 * Iterates the readable bytes as they are when iteration starts; does not move the buffer's indexes.
 */
public final class RecordBatches implements Iterable<RecordBatch> {
    private final ByteBuf buf;

    public RecordBatches(ByteBuf buf) {
        this.buf = buf;
    }

    @Override
    public Iterator<RecordBatch> iterator() {
        int end = buf.writerIndex();
        return new Iterator<>() {
            private int position = buf.readerIndex();
            private RecordBatch next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = batchAt(position, end - position);
                }
                return next != null;
            }

            @Override
            public RecordBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                RecordBatch batch = next;
                position += batch.sizeInBytes();
                next = null;
                return batch;
            }
        };
    }

    private RecordBatch batchAt(int position, int remaining) {
        if (remaining < RecordBatch.LOG_OVERHEAD) {
            return null;
        }
        int batchLength = buf.getInt(position + RecordBatch.BATCH_LENGTH_OFFSET);
        if (batchLength < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD) {
            throw new CorruptRecordException("batch length " + batchLength + " is shorter than a batch header");
        }
        if (remaining > RecordBatch.MAGIC_OFFSET && buf.getByte(position + RecordBatch.MAGIC_OFFSET) != RecordBatch.MAGIC) {
            throw new CorruptRecordException("unsupported batch magic " + buf.getByte(position + RecordBatch.MAGIC_OFFSET));
        }
        if (batchLength > remaining - RecordBatch.LOG_OVERHEAD) {
            return null;
        }
        return RecordBatch.wrap(buf.slice(position, RecordBatch.LOG_OVERHEAD + batchLength));
    }
}
