package io.fjord.benchmarks;

import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ProtocolReader;
import io.fjord.protocol.ProtocolWriter;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.ResponseHeader;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/**
 * Kafka requests over plain sockets for {@link MetricsOverheadHarness}: the topic set-up, Produce v9 frames
 * encoded once up front (every frame has correlation id {@link #CORRELATION_ID}), and the check of a
 * Produce response. Stateless; safe from any thread.
 */
final class RawKafkaRequests {
    static final short PRODUCE_VERSION = 9;
    static final int CORRELATION_ID = 1;
    private static final short CREATE_TOPICS_VERSION = 5;

    private RawKafkaRequests() {
    }

    /** A socket with Nagle off and 1 MiB buffers, so a window of pipelined 16 KiB requests never blocks a write. */
    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSendBufferSize(1 << 20);
        socket.setReceiveBufferSize(1 << 20);
        socket.connect(new InetSocketAddress("localhost", port), 5000);
        return socket;
    }

    static void createTopic(int port, String topic, int partitions) throws IOException {
        CreateTopicsRequest request = new CreateTopicsRequest().setTimeoutMs(30_000).setTopics(List.of(
                new CreateTopicsRequest.CreatableTopic().setName(topic).setNumPartitions(partitions)
                        .setReplicationFactor((short) 1)));
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(frame(ApiKey.CREATE_TOPICS.id(), CREATE_TOPICS_VERSION, request));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            ProtocolReader reader = new ProtocolReader(Unpooled.wrappedBuffer(body));
            ResponseHeader.read(reader, ResponseHeader.headerVersion(ApiKey.CREATE_TOPICS.id(), CREATE_TOPICS_VERSION));
            CreateTopicsResponse response = new CreateTopicsResponse();
            response.read(reader, CREATE_TOPICS_VERSION);
            short error = response.topics().get(0).errorCode();
            if (error != 0) {
                throw new IOException("CreateTopics " + topic + " failed with error " + error);
            }
        }
    }

    /** A size-prefixed Produce v9 request, acks=1, of {@code batch} to one partition. */
    static byte[] produceFrame(ByteBuf batch, String topic, int partition) {
        ProduceRequest request = new ProduceRequest().setAcks((short) 1).setTimeoutMs(30_000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName(topic).setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(partition).setRecords(batch.duplicate())))));
        return frame(ApiKey.PRODUCE.id(), PRODUCE_VERSION, request);
    }

    /**
     * Decodes the Produce response body (after the size prefix) at {@code offset} and fails unless it
     * answers {@link #CORRELATION_ID} with error NONE for its one partition.
     */
    static void checkProduceResponse(byte[] bytes, int offset, int length) throws IOException {
        ProtocolReader reader = new ProtocolReader(Unpooled.wrappedBuffer(bytes, offset, length));
        ResponseHeader header = ResponseHeader.read(reader,
                ResponseHeader.headerVersion(ApiKey.PRODUCE.id(), PRODUCE_VERSION));
        if (header.correlationId() != CORRELATION_ID) {
            throw new IOException("unexpected correlation id " + header.correlationId());
        }
        ProduceResponse response = new ProduceResponse();
        response.read(reader, PRODUCE_VERSION);
        short error = response.responses().get(0).partitionResponses().get(0).errorCode();
        if (error != 0) {
            throw new IOException("Produce failed with error " + error);
        }
    }

    private static byte[] frame(short apiKey, short version, ApiMessage body) {
        RequestHeader header = new RequestHeader(apiKey, version, CORRELATION_ID, "bench");
        int size = header.size() + body.size(version);
        ByteBuf out = ByteBufAllocator.DEFAULT.heapBuffer(4 + size);
        try {
            ProtocolWriter writer = new ProtocolWriter(out);
            writer.writeInt32(size);
            header.write(writer);
            body.write(writer, version);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }
}
