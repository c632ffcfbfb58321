package io.fjord.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HeaderTest {

    private static byte[] kafkaRequestHeader(short apiKey, short version, int correlationId, String clientId) {
        RequestHeader header = new RequestHeader(ApiKeys.forId(apiKey), version, clientId, correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buf = ByteBuffer.allocate(header.data().size(cache, header.headerVersion()));
        header.data().write(new ByteBufferAccessor(buf), cache, header.headerVersion());
        return buf.array();
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    @Test
    void requestHeadersMatchKafkaForFlexibleAndClassicVersions() {
        short[][] cases = {{18, 0}, {18, 2}, {18, 3}, {18, 4}};
        for (short[] c : cases) {
            byte[] kafka = kafkaRequestHeader(c[0], c[1], 42, "client-é");
            io.fjord.protocol.RequestHeader ours = io.fjord.protocol.RequestHeader.read(new ProtocolReader(Unpooled.wrappedBuffer(kafka)));
            assertEquals(c[0], ours.apiKey());
            assertEquals(c[1], ours.apiVersion());
            assertEquals(42, ours.correlationId());
            assertEquals("client-é", ours.clientId());
            ByteBuf out = Unpooled.buffer();
            ours.write(new ProtocolWriter(out));
            assertEquals(kafka.length, ours.size());
            assertArrayEquals(kafka, bytes(out), "api " + c[0] + " v" + c[1]);
        }
    }

    @Test
    void versionZeroHeaderHasNoClientId() {
        byte[] v0 = {0, 7, 0, 0, 0, 0, 0, 9};
        var ours = io.fjord.protocol.RequestHeader.read(new ProtocolReader(Unpooled.wrappedBuffer(v0)));
        assertEquals(0, ours.headerVersion());
        assertEquals(9, ours.correlationId());
        assertEquals(null, ours.clientId());
        ByteBuf out = Unpooled.buffer();
        ours.write(new ProtocolWriter(out));
        assertEquals(v0.length, ours.size());
        assertArrayEquals(v0, bytes(out));
    }

    @Test
    void nullClientIdRoundTrips() {
        byte[] kafka = kafkaRequestHeader((short) 18, (short) 4, 7, null);
        var ours = io.fjord.protocol.RequestHeader.read(new ProtocolReader(Unpooled.wrappedBuffer(kafka)));
        assertEquals(null, ours.clientId());
    }

    @Test
    void apiVersionsResponseHeaderIsAlwaysVersionZero() {
        assertEquals(0, ResponseHeader.headerVersion(ApiKey.API_VERSIONS.id(), (short) 4));
        assertEquals(ApiKeys.API_VERSIONS.responseHeaderVersion((short) 4), ResponseHeader.headerVersion((short) 18, (short) 4));
    }

    @Test
    void responseHeaderVersionMatchesKafkaForEveryVersionOfApiVersions() {
        for (short v = 0; v <= 4; v++) {
            assertEquals(ApiKeys.API_VERSIONS.requestHeaderVersion(v), io.fjord.protocol.RequestHeader.headerVersion((short) 18, v));
            assertEquals(ApiKeys.API_VERSIONS.responseHeaderVersion(v), ResponseHeader.headerVersion((short) 18, v));
        }
    }

    @Test
    void flexibleResponseHeaderCarriesTaggedFields() {
        ResponseHeaderData kafka = new ResponseHeaderData().setCorrelationId(99);
        kafka.unknownTaggedFields().add(new org.apache.kafka.common.protocol.types.RawTaggedField(5, new byte[] {1, 2}));
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buf = ByteBuffer.allocate(kafka.size(cache, (short) 1));
        kafka.write(new ByteBufferAccessor(buf), cache, (short) 1);
        ResponseHeader ours = ResponseHeader.read(new ProtocolReader(Unpooled.wrappedBuffer(buf.array())), (short) 1);
        assertEquals(99, ours.correlationId());
        assertEquals(1, ours.unknownTaggedFields().size());
        ByteBuf out = Unpooled.buffer();
        ours.write(new ProtocolWriter(out), (short) 1);
        assertArrayEquals(buf.array(), bytes(out));
    }

    @Test
    void truncatedHeaderIsADecodeError() {
        byte[] kafka = kafkaRequestHeader((short) 18, (short) 3, 7, "abc");
        for (int cut = 0; cut < kafka.length; cut++) {
            ByteBuf truncated = Unpooled.wrappedBuffer(kafka, 0, cut);
            assertThrows(ProtocolDecodeException.class, () -> io.fjord.protocol.RequestHeader.read(new ProtocolReader(truncated)));
        }
    }

    @Test
    void requestHeaderDataOfKafkaUsesTheSameLayout() {
        RequestHeaderData data = new RequestHeaderData().setRequestApiKey((short) 18).setRequestApiVersion((short) 3)
                .setCorrelationId(5).setClientId("x");
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buf = ByteBuffer.allocate(data.size(cache, (short) 2));
        data.write(new ByteBufferAccessor(buf), cache, (short) 2);
        var ours = io.fjord.protocol.RequestHeader.read(new ProtocolReader(Unpooled.wrappedBuffer(buf.array())));
        assertEquals(2, ours.headerVersion());
        assertEquals("x", ours.clientId());
    }
}
