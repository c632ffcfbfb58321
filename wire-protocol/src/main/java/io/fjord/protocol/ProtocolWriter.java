package io.fjord.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.fjord.protocol.records.FileRecordsBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes Kafka protocol primitives into a {@link ByteBuf}, plus the static size functions the generated
 * {@code size(version)} methods use. A writer made by {@link #gathering} does not copy large
 * {@code records} fields: it keeps them as parts of their own (retained slices), so a Fetch response
 * costs header bytes plus references, not a copy of the record data; a {@link FileRecordsBuf} is always kept
 * as a part, whatever its size, so that {@link #finishParts()} hands it to the network layer unread
 * (sendfile). Not thread-safe.
 */
public final class ProtocolWriter {
    /** Records at least this large are referenced, not copied, by a gathering writer. */
    public static final int ZERO_COPY_THRESHOLD = 1024;

    private final ByteBufAllocator allocator;
    private final List<ByteBuf> gather;
    private ByteBuf out;
    /** Where the bytes of {@link #out} not yet handed out as a part begin (gathering writers). */
    private int pendingFrom;

    /** A writer that copies everything into {@code out}. */
    public ProtocolWriter(ByteBuf out) {
        this.allocator = null;
        this.gather = null;
        this.out = out;
    }

    private ProtocolWriter(ByteBufAllocator allocator, int initialCapacity) {
        this.allocator = allocator;
        this.gather = new ArrayList<>();
        this.out = allocator.buffer(initialCapacity);
    }

    /** A writer that references large records instead of copying them; take the result with {@link #finish()}. */
    public static ProtocolWriter gathering(ByteBufAllocator allocator, int initialCapacity) {
        return new ProtocolWriter(allocator, initialCapacity);
    }

    /** Everything written: the buffer given at construction, or the composite of a gathering writer's parts. */
    public ByteBuf finish() {
        if (gather == null) {
            return out;
        }
        List<ByteBuf> parts = finishParts();
        CompositeByteBuf composite = allocator.compositeBuffer(Math.max(2, parts.size()));
        composite.addComponents(true, parts);
        return composite;
    }

    /**
     * Everything a gathering writer wrote, in order: buffers it owns and retained references to large records
     * (each a {@link FileRecordsBuf} or a slice); the caller owns and releases every part.
     */
    public List<ByteBuf> finishParts() {
        if (gather == null) {
            throw new IllegalStateException("not a gathering writer");
        }
        addPending();
        out.release();
        out = null;
        return gather;
    }

    /** Hands out what was written since the last part as a slice of {@link #out}; one buffer serves every part. */
    private void addPending() {
        int written = out.writerIndex() - pendingFrom;
        if (written > 0) {
            gather.add(out.retainedSlice(pendingFrom, written));
            pendingFrom = out.writerIndex();
        }
    }

    public void writeBool(boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    public void writeInt8(byte value) {
        out.writeByte(value);
    }

    public void writeInt16(short value) {
        out.writeShort(value);
    }

    public void writeUint16(int value) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException("uint16 out of range: " + value);
        }
        out.writeShort(value);
    }

    public void writeInt32(int value) {
        out.writeInt(value);
    }

    public void writeUint32(long value) {
        if (value < 0 || value > 0xffffffffL) {
            throw new IllegalArgumentException("uint32 out of range: " + value);
        }
        out.writeInt((int) value);
    }

    public void writeInt64(long value) {
        out.writeLong(value);
    }

    public void writeFloat64(double value) {
        out.writeDouble(value);
    }

    public void writeUuid(Uuid value) {
        out.writeLong(value.mostSignificantBits());
        out.writeLong(value.leastSignificantBits());
    }

    public void writeUnsignedVarint(int value) {
        Varints.writeUnsignedVarint(out, value);
    }

    public void writeVarint(int value) {
        Varints.writeVarint(out, value);
    }

    public void writeVarlong(long value) {
        Varints.writeVarlong(out, value);
    }

    private void writeLength(int length, boolean compact, boolean wide) {
        if (compact) {
            Varints.writeUnsignedVarint(out, length + 1);
        } else if (wide) {
            out.writeInt(length);
        } else {
            if (length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("string of " + length + " bytes is too long for a non-compact string");
            }
            out.writeShort(length);
        }
    }

    public void writeString(String value, boolean compact) {
        int length = ByteBufUtil.utf8Bytes(value);
        writeLength(length, compact, false);
        ByteBufUtil.reserveAndWriteUtf8(out, value, length);
    }

    public void writeNullableString(String value, boolean compact) {
        if (value == null) {
            writeLength(-1, compact, false);
        } else {
            writeString(value, compact);
        }
    }

    public void writeBytes(byte[] value, boolean compact) {
        writeLength(value.length, compact, true);
        out.writeBytes(value);
    }

    public void writeNullableBytes(byte[] value, boolean compact) {
        if (value == null) {
            writeLength(-1, compact, true);
        } else {
            writeBytes(value, compact);
        }
    }

    public void writeRecords(ByteBuf records, boolean compact) {
        int length = records.readableBytes();
        writeLength(length, compact, true);
        boolean inFile = records instanceof FileRecordsBuf;
        if (gather != null && (length >= ZERO_COPY_THRESHOLD || inFile && length > 0)) {
            addPending();
            gather.add(inFile ? records.retain() : records.retainedSlice());
        } else {
            out.writeBytes(records, records.readerIndex(), length);
        }
    }

    public void writeNullableRecords(ByteBuf records, boolean compact) {
        if (records == null) {
            writeLength(-1, compact, true);
        } else {
            writeRecords(records, compact);
        }
    }

    /** An array's element count, -1 for null. */
    public void writeArrayLength(int count, boolean compact) {
        writeLength(count, compact, true);
    }

    public void writeStructPresence(boolean present) {
        out.writeByte(present ? 1 : -1);
    }

    /**
     * Writes the unknown tagged fields from {@code fromIndex} whose tag is below {@code belowTag}, as tag,
     * size and bytes; returns the index of the first field not written.
     */
    public int writeUnknownTaggedFields(List<RawTaggedField> fields, int fromIndex, int belowTag) {
        if (fields == null) {
            return 0;
        }
        int i = fromIndex;
        while (i < fields.size() && fields.get(i).tag() < belowTag) {
            RawTaggedField field = fields.get(i++);
            writeUnsignedVarint(field.tag());
            writeUnsignedVarint(field.data().length);
            out.writeBytes(field.data());
        }
        return i;
    }

    // ---------------------------------------------------------------- sizes

    public static int sizeOfUnsignedVarint(int value) {
        return Varints.sizeOfUnsignedVarint(value);
    }

    private static int sizeOfLength(int length, boolean compact, boolean wide) {
        return compact ? Varints.sizeOfUnsignedVarint(length + 1) : (wide ? 4 : 2);
    }

    /** Size of a string, null included (just its length field). */
    public static int sizeOfString(String value, boolean compact) {
        if (value == null) {
            return sizeOfLength(-1, compact, false);
        }
        int length = ByteBufUtil.utf8Bytes(value);
        return sizeOfLength(length, compact, false) + length;
    }

    public static int sizeOfBytes(byte[] value, boolean compact) {
        int length = value == null ? -1 : value.length;
        return sizeOfLength(length, compact, true) + Math.max(length, 0);
    }

    public static int sizeOfRecords(ByteBuf value, boolean compact) {
        int length = value == null ? -1 : value.readableBytes();
        return sizeOfLength(length, compact, true) + Math.max(length, 0);
    }

    public static int sizeOfArrayLength(int count, boolean compact) {
        return sizeOfLength(count, compact, true);
    }

    public static int countOf(List<RawTaggedField> fields) {
        return fields == null ? 0 : fields.size();
    }

    public static int sizeOfUnknownTaggedFields(List<RawTaggedField> fields) {
        if (fields == null) {
            return 0;
        }
        int size = 0;
        for (RawTaggedField field : fields) {
            size += Varints.sizeOfUnsignedVarint(field.tag()) + Varints.sizeOfUnsignedVarint(field.data().length) + field.data().length;
        }
        return size;
    }

    public static IllegalArgumentException nullNotAllowed(String field) {
        return new IllegalArgumentException("null is not allowed for " + field + " in this version");
    }
}
