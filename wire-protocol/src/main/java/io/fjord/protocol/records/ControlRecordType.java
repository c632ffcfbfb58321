package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The kind of a control record, stored in its key: version int16 (0), type int16. Control records sit in
 * control batches and are never returned to consumers; ABORT and COMMIT end a transaction. Other types
 * (KRaft's) never appear in a data partition and are rejected.
 */
public enum ControlRecordType {
    ABORT(0),
    COMMIT(1);

    private static final int KEY_SIZE = 4;
    private static final short KEY_VERSION = 0;

    private final short type;

    ControlRecordType(int type) {
        this.type = (short) type;
    }

    public short type() {
        return type;
    }

    public ByteBuf encodeKey() {
        return Unpooled.buffer(KEY_SIZE).writeShort(KEY_VERSION).writeShort(type);
    }

    /** Reads a control record's key; later key versions are accepted, as their first fields are the same. */
    public static ControlRecordType decodeKey(ByteBuf key) {
        if (key == null || key.readableBytes() < KEY_SIZE) {
            throw new CorruptRecordException("control record key needs " + KEY_SIZE + " bytes");
        }
        short version = key.getShort(key.readerIndex());
        short type = key.getShort(key.readerIndex() + 2);
        if (version < 0) {
            throw new CorruptRecordException("invalid control record key version " + version);
        }
        for (ControlRecordType candidate : values()) {
            if (candidate.type == type) {
                return candidate;
            }
        }
        throw new CorruptRecordException("unknown control record type " + type);
    }
}
