package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The control record that ends a transaction on a partition: key {@link ControlRecordType} ABORT or
 * COMMIT, value version int16 (0) then the transaction coordinator's epoch int32. Immutable.
 */
public record EndTransactionMarker(ControlRecordType type, int coordinatorEpoch) {
    private static final int VALUE_SIZE = 6;
    private static final short VALUE_VERSION = 0;

    public ByteBuf encodeValue() {
        return Unpooled.buffer(VALUE_SIZE).writeShort(VALUE_VERSION).writeInt(coordinatorEpoch);
    }

    /** Reads a marker from a control record; later value versions are accepted, as their first fields are the same. */
    public static EndTransactionMarker decode(Record record) {
        ControlRecordType type = ControlRecordType.decodeKey(record.key());
        ByteBuf value = record.value();
        if (value == null || value.readableBytes() < VALUE_SIZE) {
            throw new CorruptRecordException("end transaction marker value needs " + VALUE_SIZE + " bytes");
        }
        short version = value.getShort(value.readerIndex());
        if (version < 0) {
            throw new CorruptRecordException("invalid end transaction marker version " + version);
        }
        return new EndTransactionMarker(type, value.getInt(value.readerIndex() + 2));
    }
}
