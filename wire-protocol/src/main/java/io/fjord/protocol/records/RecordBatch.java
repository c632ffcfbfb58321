package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;

/**
 * A zero-copy view of one v2 ("magic 2") record batch, the unit Kafka produces, stores and fetches.
 * Layout, big-endian, by byte offset:
 * <pre>
 *  0 baseOffset int64
 *  8 batchLength int32: the bytes after this field, so a batch occupies batchLength + 12 bytes
 * 12 partitionLeaderEpoch int32
 * 16 magic int8 = 2
 * 17 crc uint32: CRC32C of bytes 21 to the end
 * 21 attributes int16: bits 0-2 compression, 3 LogAppendTime, 4 transactional, 5 control, 6 delete horizon
 * 23 lastOffsetDelta int32
 * 27 baseTimestamp int64
 * 35 maxTimestamp int64
 * 43 producerId int64
 * 51 producerEpoch int16
 * 53 baseSequence int32
 * 57 recordCount int32
 * 61 records
 * </pre>
 * With compression the records section is one compressed stream of the encoded {@link Record}s. With the
 * delete-horizon bit set, baseTimestamp is the compaction delete horizon.
 *
 * <p>{@link #wrap} guarantees at least a full header, magic 2 and a batchLength matching the buffer;
 * the CRC is checked only by {@link #ensureValid()}. Setters write through to the underlying buffer;
 * baseOffset and partitionLeaderEpoch lie outside the CRC, {@link #setMaxTimestamp} recomputes it.
 * Records of an uncompressed batch are slices of the underlying buffer. Not thread-safe.
 */
public final class RecordBatch implements Iterable<Record> {
    public static final byte MAGIC = 2;
    public static final int HEADER_SIZE = 61;
    /** The bytes before batchLength's count begins: baseOffset and batchLength. */
    public static final int LOG_OVERHEAD = 12;
    /** The default limit on a compressed batch's decompressed records. */
    public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

    /** Field positions that readers of batch headers in files (log segments) need without a whole batch. */
    public static final int BATCH_LENGTH_OFFSET = 8;
    public static final int MAGIC_OFFSET = 16;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int ATTRIBUTES_OFFSET = 21;
    private static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    private static final int CRC_OFFSET = 17;
    private static final int BASE_TIMESTAMP_OFFSET = 27;
    private static final int PRODUCER_ID_OFFSET = 43;
    private static final int PRODUCER_EPOCH_OFFSET = 51;
    private static final int BASE_SEQUENCE_OFFSET = 53;
    private static final int RECORD_COUNT_OFFSET = 57;

    static final int COMPRESSION_MASK = 0x07;
    static final int LOG_APPEND_TIME_FLAG = 0x08;
    public static final int TRANSACTIONAL_FLAG = 0x10;
    static final int CONTROL_FLAG = 0x20;
    static final int DELETE_HORIZON_FLAG = 0x40;

    private final ByteBuf buf;

    private RecordBatch(ByteBuf buf) {
        this.buf = buf;
    }

    /** A view of the batch that is exactly {@code buf}'s readable bytes; shares its memory, does not retain it. */
    public static RecordBatch wrap(ByteBuf buf) {
        ByteBuf batch = buf.slice();
        int size = batch.readableBytes();
        if (size < HEADER_SIZE) {
            throw new CorruptRecordException("batch of " + size + " bytes is shorter than the " + HEADER_SIZE + "-byte header");
        }
        if (batch.getByte(MAGIC_OFFSET) != MAGIC) {
            throw new CorruptRecordException("unsupported batch magic " + batch.getByte(MAGIC_OFFSET));
        }
        long declared = batch.getInt(BATCH_LENGTH_OFFSET) + (long) LOG_OVERHEAD;
        if (declared != size) {
            throw new CorruptRecordException("batch length declares " + declared + " bytes, the buffer holds " + size);
        }
        return new RecordBatch(batch);
    }

    /** The batch's bytes, indexed from 0. */
    public ByteBuf buffer() {
        return buf;
    }

    public int sizeInBytes() {
        return buf.readableBytes();
    }

    public long baseOffset() {
        return buf.getLong(0);
    }

    public int batchLength() {
        return buf.getInt(BATCH_LENGTH_OFFSET);
    }

    public int partitionLeaderEpoch() {
        return buf.getInt(PARTITION_LEADER_EPOCH_OFFSET);
    }

    public byte magic() {
        return buf.getByte(MAGIC_OFFSET);
    }

    public long crc() {
        return buf.getUnsignedInt(CRC_OFFSET);
    }

    public short attributes() {
        return buf.getShort(ATTRIBUTES_OFFSET);
    }

    public CompressionType compressionType() {
        return CompressionType.forId(attributes() & COMPRESSION_MASK);
    }

    public TimestampType timestampType() {
        return (attributes() & LOG_APPEND_TIME_FLAG) != 0 ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG) != 0;
    }

    public boolean isControl() {
        return (attributes() & CONTROL_FLAG) != 0;
    }

    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_FLAG) != 0;
    }

    public int lastOffsetDelta() {
        return buf.getInt(LAST_OFFSET_DELTA_OFFSET);
    }

    public long baseTimestamp() {
        return buf.getLong(BASE_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return buf.getLong(MAX_TIMESTAMP_OFFSET);
    }

    public long producerId() {
        return buf.getLong(PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buf.getShort(PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence() {
        return buf.getInt(BASE_SEQUENCE_OFFSET);
    }

    public int recordCount() {
        return buf.getInt(RECORD_COUNT_OFFSET);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    public long nextOffset() {
        return lastOffset() + 1;
    }

    /** The CRC32C of the bytes from attributes to the end, which the crc field should hold. */
    public long computeCrc() {
        CRC32C crc = new CRC32C();
        for (ByteBuffer part : buf.nioBuffers(ATTRIBUTES_OFFSET, buf.readableBytes() - ATTRIBUTES_OFFSET)) {
            crc.update(part);
        }
        return crc.getValue();
    }

    public boolean isValid() {
        return crc() == computeCrc();
    }

    public void ensureValid() {
        long computed = computeCrc();
        if (crc() != computed) {
            throw new CorruptRecordException("batch CRC " + crc() + " does not match the computed " + computed);
        }
    }

    public void setBaseOffset(long baseOffset) {
        buf.setLong(0, baseOffset);
    }

    public void setPartitionLeaderEpoch(int epoch) {
        buf.setInt(PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /** Sets the timestamp type and maxTimestamp, as the broker does for LogAppendTime topics, and rewrites the CRC. */
    public void setMaxTimestamp(TimestampType type, long maxTimestamp) {
        int typeFlag = type == TimestampType.LOG_APPEND_TIME ? LOG_APPEND_TIME_FLAG : 0;
        buf.setShort(ATTRIBUTES_OFFSET, attributes() & ~LOG_APPEND_TIME_FLAG | typeFlag);
        buf.setLong(MAX_TIMESTAMP_OFFSET, maxTimestamp);
        updateCrc();
    }

    void updateCrc() {
        buf.setInt(CRC_OFFSET, (int) computeCrc());
    }

    /** The records, decompressing up to {@link #DEFAULT_MAX_DECOMPRESSED_BYTES}; see {@link #records(int)}. */
    @Override
    public Iterator<Record> iterator() {
        return records(DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    /**
     * The records in offset order. A compressed section is decompressed here, at most
     * {@code maxDecompressedBytes} of it, into a heap buffer that the records' slices then share. Records
     * of a LogAppendTime batch all carry its maxTimestamp, as Kafka clients report them. A record count
     * that disagrees with the records present, here or when iteration reaches the end, is a
     * {@link CorruptRecordException}, as is any malformed record.
     */
    public Iterator<Record> records(int maxDecompressedBytes) {
        int count = recordCount();
        CompressionType compression = compressionType();
        ByteBuf section = buf.slice(HEADER_SIZE, buf.readableBytes() - HEADER_SIZE);
        ByteBuf records = compression == CompressionType.NONE ? section : compression.decompress(section, maxDecompressedBytes);
        if (count < 0 || count > records.readableBytes() / Record.MIN_SIZE || count == 0 && records.isReadable()) {
            throw new CorruptRecordException("record count " + count + " cannot fit in " + records.readableBytes() + " bytes");
        }
        long baseOffset = baseOffset();
        long baseTimestamp = baseTimestamp();
        Long logAppendTime = timestampType() == TimestampType.LOG_APPEND_TIME ? maxTimestamp() : null;
        return new Iterator<>() {
            private int read;

            @Override
            public boolean hasNext() {
                return read < count;
            }

            @Override
            public Record next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Record record = Record.read(records, baseOffset, baseTimestamp, logAppendTime);
                if (++read == count && records.isReadable()) {
                    throw new CorruptRecordException(records.readableBytes() + " bytes remain after the batch's " + count + " records");
                }
                return record;
            }
        };
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", lastOffsetDelta=" + lastOffsetDelta() + ", records=" + recordCount()
                + ", size=" + sizeInBytes() + ", attributes=0x" + Integer.toHexString(attributes() & 0xffff) + ")";
    }
}
