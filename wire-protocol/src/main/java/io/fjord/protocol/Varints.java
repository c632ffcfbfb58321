package io.fjord.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Variable-length integers as Kafka encodes them: unsigned LEB128 for lengths and tags, zig-zag signed
 * varints and varlongs inside records. Readers reject encodings longer than the type allows. Stateless.
 */
public final class Varints {
    private Varints() {
    }

    public static int readUnsignedVarint(ByteBuf buf) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (!buf.isReadable()) {
                throw new ProtocolDecodeException("truncated varint");
            }
            byte b = buf.readByte();
            if (shift == 28 && (b & 0xf0) != 0) {
                throw new ProtocolDecodeException("varint does not fit in 32 bits");
            }
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new ProtocolDecodeException("varint longer than 5 bytes");
    }

    public static long readUnsignedVarlong(ByteBuf buf) {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (!buf.isReadable()) {
                throw new ProtocolDecodeException("truncated varlong");
            }
            byte b = buf.readByte();
            if (shift == 63 && (b & 0xfe) != 0) {
                throw new ProtocolDecodeException("varlong does not fit in 64 bits");
            }
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new ProtocolDecodeException("varlong longer than 10 bytes");
    }

    public static int readVarint(ByteBuf buf) {
        int raw = readUnsignedVarint(buf);
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static long readVarlong(ByteBuf buf) {
        long raw = readUnsignedVarlong(buf);
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static void writeUnsignedVarint(ByteBuf buf, int value) {
        while ((value & 0xffffff80) != 0) {
            buf.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buf.writeByte(value);
    }

    public static void writeUnsignedVarlong(ByteBuf buf, long value) {
        while ((value & 0xffffffffffffff80L) != 0L) {
            buf.writeByte(((int) value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buf.writeByte((int) value);
    }

    public static void writeVarint(ByteBuf buf, int value) {
        writeUnsignedVarint(buf, (value << 1) ^ (value >> 31));
    }

    public static void writeVarlong(ByteBuf buf, long value) {
        writeUnsignedVarlong(buf, (value << 1) ^ (value >> 63));
    }

    public static int sizeOfUnsignedVarint(int value) {
        int leadingZeros = Integer.numberOfLeadingZeros(value);
        return leadingZeros == 32 ? 1 : (38 - leadingZeros) / 7;
    }

    public static int sizeOfUnsignedVarlong(long value) {
        int leadingZeros = Long.numberOfLeadingZeros(value);
        return leadingZeros == 64 ? 1 : (70 - leadingZeros) / 7;
    }

    public static int sizeOfVarint(int value) {
        return sizeOfUnsignedVarint((value << 1) ^ (value >> 31));
    }

    public static int sizeOfVarlong(long value) {
        return sizeOfUnsignedVarlong((value << 1) ^ (value >> 63));
    }
}
