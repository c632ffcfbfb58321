package io.fjord.protocol.records;

import io.fjord.protocol.ProtocolDecodeException;
import io.fjord.protocol.Varints;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One record of a v2 batch, with its absolute offset and timestamp. Wire format (varints zig-zag encoded):
 * <pre>
 * length: varint (bytes that follow)
 * attributes: int8 (unused, 0)
 * timestampDelta: varlong (from the batch's baseTimestamp)
 * offsetDelta: varint (from the batch's baseOffset)
 * keyLength: varint (-1 = null) | key
 * valueLength: varint (-1 = null) | value
 * headerCount: varint | headers: keyLength varint, key UTF-8, valueLength varint (-1 = null), value
 * </pre>
 * {@code key}, {@code value} and header values are slices of the buffer the record was read from (not
 * retained: valid while that buffer is) or null. Equality compares their readable bytes. Immutable.
 */
public record Record(long offset, long timestamp, ByteBuf key, ByteBuf value, List<Header> headers) {
    /** A record header: a non-null UTF-8 key and a nullable value. */
    public record Header(String key, ByteBuf value) {
    }

    /** The smallest encoding: a one-byte length and six one-byte fields. */
    static final int MIN_SIZE = 7;

    public Record {
        headers = List.copyOf(headers);
    }

    /**
     * Reads one record at {@code records}' reader index. {@code logAppendTime} replaces every record's
     * timestamp when the batch's timestamp type is LogAppendTime, and is null otherwise.
     */
    static Record read(ByteBuf records, long baseOffset, long baseTimestamp, Long logAppendTime) {
        try {
            int length = length(records, Varints.readVarint(records), "record");
            if (length < MIN_SIZE - 1) {
                throw new CorruptRecordException("record length " + length + " is below the minimum " + (MIN_SIZE - 1));
            }
            ByteBuf body = records.readSlice(length);
            body.skipBytes(1);
            long timestamp = baseTimestamp + Varints.readVarlong(body);
            long offset = baseOffset + Varints.readVarint(body);
            ByteBuf key = nullableBytes(body, "key");
            ByteBuf value = nullableBytes(body, "value");
            int headerCount = Varints.readVarint(body);
            if (headerCount < 0 || headerCount > body.readableBytes() / 2) {
                throw new CorruptRecordException("invalid header count " + headerCount);
            }
            List<Header> headers = new ArrayList<>(headerCount);
            for (int i = 0; i < headerCount; i++) {
                int keyLength = length(body, Varints.readVarint(body), "header key");
                String headerKey = body.readCharSequence(keyLength, StandardCharsets.UTF_8).toString();
                headers.add(new Header(headerKey, nullableBytes(body, "header value")));
            }
            if (body.isReadable()) {
                throw new CorruptRecordException(body.readableBytes() + " bytes left over after a record's fields");
            }
            return new Record(offset, logAppendTime != null ? logAppendTime : timestamp, key, value, headers);
        } catch (CorruptRecordException e) {
            throw e;
        } catch (ProtocolDecodeException e) {
            throw new CorruptRecordException("corrupt record: " + e.getMessage(), e);
        }
    }

    private static ByteBuf nullableBytes(ByteBuf buf, String what) {
        int length = Varints.readVarint(buf);
        return length == -1 ? null : buf.readSlice(length(buf, length, what));
    }

    private static int length(ByteBuf buf, int length, String what) {
        if (length < 0 || length > buf.readableBytes()) {
            throw new CorruptRecordException(what + " length " + length + " outside the " + buf.readableBytes() + " bytes remaining");
        }
        return length;
    }

    /** Writes this record's encoding relative to a batch's base offset and timestamp. */
    void write(ByteBuf out, long baseOffset, long baseTimestamp) {
        long timestampDelta = timestamp - baseTimestamp;
        int offsetDelta = Math.toIntExact(offset - baseOffset);
        int size = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(offsetDelta)
                + sizeOfNullable(key) + sizeOfNullable(value) + Varints.sizeOfVarint(headers.size());
        for (Header header : headers) {
            int keyLength = ByteBufUtil.utf8Bytes(header.key());
            size += Varints.sizeOfVarint(keyLength) + keyLength + sizeOfNullable(header.value());
        }
        Varints.writeVarint(out, size);
        out.writeByte(0);
        Varints.writeVarlong(out, timestampDelta);
        Varints.writeVarint(out, offsetDelta);
        writeNullable(out, key);
        writeNullable(out, value);
        Varints.writeVarint(out, headers.size());
        for (Header header : headers) {
            Varints.writeVarint(out, ByteBufUtil.utf8Bytes(header.key()));
            out.writeCharSequence(header.key(), StandardCharsets.UTF_8);
            writeNullable(out, header.value());
        }
    }

    private static int sizeOfNullable(ByteBuf bytes) {
        return bytes == null ? 1 : Varints.sizeOfVarint(bytes.readableBytes()) + bytes.readableBytes();
    }

    private static void writeNullable(ByteBuf out, ByteBuf bytes) {
        if (bytes == null) {
            Varints.writeVarint(out, -1);
        } else {
            Varints.writeVarint(out, bytes.readableBytes());
            out.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
        }
    }
}
