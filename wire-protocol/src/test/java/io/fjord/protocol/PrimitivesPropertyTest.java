package io.fjord.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.apache.kafka.common.utils.ByteUtils;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every primitive round-trips through ProtocolWriter and ProtocolReader, with sizes and Kafka's bytes. */
class PrimitivesPropertyTest {

    private static ProtocolReader written(java.util.function.Consumer<ProtocolWriter> write, int expectedSize) {
        ByteBuf buf = Unpooled.buffer();
        write.accept(new ProtocolWriter(buf));
        assertEquals(expectedSize, buf.readableBytes(), "size function disagrees with the bytes written");
        return new ProtocolReader(buf);
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    @Property
    void fixedWidthIntegersRoundTrip(@ForAll byte b, @ForAll short s, @ForAll int i, @ForAll long l,
                                     @ForAll double d, @ForAll boolean flag) {
        ProtocolReader r = written(w -> {
            w.writeInt8(b);
            w.writeInt16(s);
            w.writeInt32(i);
            w.writeInt64(l);
            w.writeFloat64(d);
            w.writeBool(flag);
        }, 1 + 2 + 4 + 8 + 8 + 1);
        assertEquals(b, r.readInt8());
        assertEquals(s, r.readInt16());
        assertEquals(i, r.readInt32());
        assertEquals(l, r.readInt64());
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(r.readFloat64()));
        assertEquals(flag, r.readBool());
    }

    @Property
    void unsignedIntegersRoundTrip(@ForAll @IntRange(min = 0, max = 0xffff) int u16,
                                   @ForAll @LongRange(min = 0, max = 0xffffffffL) long u32) {
        ProtocolReader r = written(w -> {
            w.writeUint16(u16);
            w.writeUint32(u32);
        }, 6);
        assertEquals(u16, r.readUint16());
        assertEquals(u32, r.readUint32());
    }

    @Property
    void uuidsRoundTripAndPrintLikeKafka(@ForAll long most, @ForAll long least) {
        Uuid id = new Uuid(most, least);
        ProtocolReader r = written(w -> w.writeUuid(id), 16);
        assertEquals(id, r.readUuid());
        assertEquals(new org.apache.kafka.common.Uuid(most, least).toString(), id.toString());
        assertEquals(id, Uuid.fromString(id.toString()));
    }

    @Property
    void varintsMatchKafkaEncoding(@ForAll int value) {
        ByteBuffer kafka = ByteBuffer.allocate(10);
        ByteUtils.writeVarint(value, kafka);
        ByteBuf ours = Unpooled.buffer();
        Varints.writeVarint(ours, value);
        assertArrayEquals(java.util.Arrays.copyOf(kafka.array(), kafka.position()), bytes(ours));
        assertEquals(ByteUtils.sizeOfVarint(value), Varints.sizeOfVarint(value));
        assertEquals(value, Varints.readVarint(ours));
    }

    @Property
    void varlongsMatchKafkaEncoding(@ForAll long value) {
        ByteBuffer kafka = ByteBuffer.allocate(10);
        ByteUtils.writeVarlong(value, kafka);
        ByteBuf ours = Unpooled.buffer();
        Varints.writeVarlong(ours, value);
        assertArrayEquals(java.util.Arrays.copyOf(kafka.array(), kafka.position()), bytes(ours));
        assertEquals(ByteUtils.sizeOfVarlong(value), Varints.sizeOfVarlong(value));
        assertEquals(value, Varints.readVarlong(ours));
    }

    @Property
    void unsignedVarintsMatchKafkaEncoding(@ForAll int value) {
        ByteBuffer kafka = ByteBuffer.allocate(5);
        ByteUtils.writeUnsignedVarint(value, kafka);
        ProtocolReader r = written(w -> w.writeUnsignedVarint(value), ByteUtils.sizeOfUnsignedVarint(value));
        assertArrayEquals(java.util.Arrays.copyOf(kafka.array(), kafka.position()), bytes(r.buffer()));
        assertEquals(value, r.readUnsignedVarint());
    }

    @Property
    void stringsRoundTripInBothEncodings(@ForAll String value, @ForAll boolean compact, @ForAll boolean makeNull) {
        String s = makeNull ? null : value;
        ProtocolReader r = written(w -> w.writeNullableString(s, compact), ProtocolWriter.sizeOfString(s, compact));
        assertEquals(s == null ? null : new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8), r.readNullableString(compact));
        assertFalse(r.buffer().isReadable());
    }

    @Property
    void bytesAndRecordsRoundTripInBothEncodings(@ForAll byte[] value, @ForAll boolean compact) {
        ProtocolReader r = written(w -> {
            w.writeBytes(value, compact);
            w.writeRecords(Unpooled.wrappedBuffer(value), compact);
            w.writeNullableBytes(null, compact);
        }, 2 * ProtocolWriter.sizeOfBytes(value, compact) + ProtocolWriter.sizeOfBytes(null, compact));
        assertArrayEquals(value, r.readBytes(compact));
        assertArrayEquals(value, bytes(r.readRecords(compact)));
        assertEquals(null, r.readNullableBytes(compact));
    }

    @Property
    void arrayLengthsRoundTrip(@ForAll @IntRange(min = -1, max = 5) int count, @ForAll boolean compact) {
        ProtocolReader r = written(w -> {
            w.writeArrayLength(count, compact);
            for (int i = 0; i < count; i++) {
                w.writeInt8((byte) i);
            }
        }, ProtocolWriter.sizeOfArrayLength(count, compact) + Math.max(count, 0));
        assertEquals(count, r.readArrayLength(compact));
    }
}
