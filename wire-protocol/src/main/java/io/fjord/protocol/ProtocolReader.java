package io.fjord.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Kafka protocol primitives from a {@link ByteBuf}, advancing its reader index. Every length and
 * count is checked against the bytes actually remaining before anything is allocated, so a hostile length
 * can at worst produce a {@link ProtocolDecodeException}, never a large allocation. {@code records} fields
 * are returned as slices of the input (no copy, not retained: valid while the input buffer is).
 * Not thread-safe.
 */
public final class ProtocolReader {
    private final ByteBuf buf;

    public ProtocolReader(ByteBuf buf) {
        this.buf = buf;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int remaining() {
        return buf.readableBytes();
    }

    private void need(int bytes, String what) {
        if (buf.readableBytes() < bytes) {
            throw new ProtocolDecodeException("truncated: " + what + " needs " + bytes + " bytes, " + buf.readableBytes() + " remain");
        }
    }

    public boolean readBool() {
        need(1, "bool");
        return buf.readByte() != 0;
    }

    public byte readInt8() {
        need(1, "int8");
        return buf.readByte();
    }

    public short readInt16() {
        need(2, "int16");
        return buf.readShort();
    }

    public int readUint16() {
        need(2, "uint16");
        return buf.readUnsignedShort();
    }

    public int readInt32() {
        need(4, "int32");
        return buf.readInt();
    }

    public long readUint32() {
        need(4, "uint32");
        return buf.readUnsignedInt();
    }

    public long readInt64() {
        need(8, "int64");
        return buf.readLong();
    }

    public double readFloat64() {
        need(8, "float64");
        return buf.readDouble();
    }

    public Uuid readUuid() {
        need(16, "uuid");
        return new Uuid(buf.readLong(), buf.readLong());
    }

    /** An unsigned varint of at most 5 bytes; values above 2^31-1 come back negative. */
    public int readUnsignedVarint() {
        return Varints.readUnsignedVarint(buf);
    }

    public int readVarint() {
        return Varints.readVarint(buf);
    }

    public long readVarlong() {
        return Varints.readVarlong(buf);
    }

    private int readLength(boolean compact, boolean wide, String what) {
        int length;
        if (compact) {
            length = readUnsignedVarint() - 1;
            if (length < -1) {
                throw new ProtocolDecodeException(what + " length out of range");
            }
        } else {
            length = wide ? readInt32() : readInt16();
            if (length < -1) {
                throw new ProtocolDecodeException("negative " + what + " length " + length);
            }
        }
        if (length > buf.readableBytes()) {
            throw new ProtocolDecodeException(what + " length " + length + " exceeds the " + buf.readableBytes() + " bytes remaining");
        }
        return length;
    }

    public String readNullableString(boolean compact) {
        int length = readLength(compact, false, "string");
        if (length < 0) {
            return null;
        }
        String value = buf.toString(buf.readerIndex(), length, StandardCharsets.UTF_8);
        buf.skipBytes(length);
        return value;
    }

    public String readString(boolean compact) {
        String value = readNullableString(compact);
        if (value == null) {
            throw nullNotAllowed("string");
        }
        return value;
    }

    public byte[] readNullableBytes(boolean compact) {
        int length = readLength(compact, true, "bytes");
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        buf.readBytes(value);
        return value;
    }

    public byte[] readBytes(boolean compact) {
        byte[] value = readNullableBytes(compact);
        if (value == null) {
            throw nullNotAllowed("bytes");
        }
        return value;
    }

    /** A slice of the input holding record batches, or null; shares the input's memory and lifetime. */
    public ByteBuf readNullableRecords(boolean compact) {
        int length = readLength(compact, true, "records");
        return length < 0 ? null : buf.readSlice(length);
    }

    public ByteBuf readRecords(boolean compact) {
        ByteBuf value = readNullableRecords(compact);
        if (value == null) {
            throw nullNotAllowed("records");
        }
        return value;
    }

    /** An array's element count, -1 for null; never more than the bytes remaining. */
    public int readArrayLength(boolean compact) {
        return readLength(compact, true, "array");
    }

    /** The marker before a nullable struct: false when the struct is null. */
    public boolean readStructPresence() {
        return readInt8() >= 0;
    }

    /** The number of fields in a tagged-field section; each takes at least two bytes. */
    public int readTaggedFieldCount() {
        int count = readUnsignedVarint();
        if (count < 0 || count > buf.readableBytes() / 2) {
            throw new ProtocolDecodeException("tagged field count " + count + " exceeds the bytes remaining");
        }
        return count;
    }

    /** Checks a tagged field's declared size and returns the reader index at which the field ends. */
    public int taggedFieldEnd(int size) {
        if (size < 0 || size > buf.readableBytes()) {
            throw new ProtocolDecodeException("tagged field size " + size + " exceeds the " + buf.readableBytes() + " bytes remaining");
        }
        return buf.readerIndex() + size;
    }

    public void expectPosition(int end, String field) {
        if (buf.readerIndex() != end) {
            throw new ProtocolDecodeException("tagged field " + field + " did not match its declared size");
        }
    }

    /** Keeps an unknown tagged field ending at {@code end}; returns the list, created if null. */
    public List<RawTaggedField> readUnknownTaggedField(List<RawTaggedField> into, int tag, int end) {
        byte[] data = new byte[end - buf.readerIndex()];
        buf.readBytes(data);
        List<RawTaggedField> list = into == null ? new ArrayList<>(1) : into;
        list.add(new RawTaggedField(tag, data));
        return list;
    }

    public ProtocolDecodeException nullNotAllowed(String field) {
        return new ProtocolDecodeException("null is not allowed for " + field);
    }
}
