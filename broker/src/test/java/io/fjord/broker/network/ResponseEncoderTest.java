package io.fjord.broker.network;

import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ProtocolReader;
import io.fjord.protocol.ProtocolWriter;
import io.fjord.protocol.ResponseHeader;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.FetchResponse.FetchableTopicResponse;
import io.fjord.protocol.message.FetchResponse.PartitionData;
import io.fjord.protocol.records.FileRecordsBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseEncoderTest {
    @TempDir
    Path dir;

    private FileChannel segment(byte[] content) throws IOException {
        Path file = dir.resolve("00000000000000000000.log");
        Files.write(file, content);
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    private static FetchResponse fetchResponse(ByteBuf first, ByteBuf second) {
        List<PartitionData> partitions = new ArrayList<>();
        partitions.add(new PartitionData().setPartitionIndex(0).setHighWatermark(10).setRecords(first));
        partitions.add(new PartitionData().setPartitionIndex(1).setHighWatermark(20).setRecords(second));
        return new FetchResponse().setSessionId(7).setResponses(new ArrayList<>(List.of(new FetchableTopicResponse()
                .setTopic("t").setTopicId(Uuid.randomUuid()).setPartitions(partitions))));
    }

    /** Every outbound message of {@code channel} in order, file regions transferred through a byte channel. */
    private static byte[] drain(EmbeddedChannel channel, List<Object> kinds) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(bytes);
        Object message;
        while ((message = channel.readOutbound()) != null) {
            kinds.add(message);
            if (message instanceof FileRegion region) {
                long done = 0;
                while (done < region.count()) {
                    done += region.transferTo(sink, done);
                }
                region.release();
            } else {
                ByteBuf buf = (ByteBuf) message;
                byte[] b = new byte[buf.readableBytes()];
                buf.readBytes(b);
                bytes.write(b);
                buf.release();
            }
        }
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(shorts = {4, 11, 12, 13, 16, 18})
    void recordsInASegmentFileGoOutAsFileRegionsAndTheFrameIsExact(short version) throws IOException {
        byte[] content = new byte[8192];
        new Random(version).nextBytes(content);
        try (FileChannel file = segment(content)) {
            FetchResponse response = fetchResponse(new FileRecordsBuf(file, 100, 3000), new FileRecordsBuf(file, 5000, 10));
            EmbeddedChannel channel = new EmbeddedChannel(new ResponseEncoder());

            channel.writeOutbound(new Response(ApiKey.FETCH.id(), version, 42, response));
            List<Object> kinds = new ArrayList<>();
            byte[] sent = drain(channel, kinds);

            assertEquals(2, kinds.stream().filter(k -> k instanceof FileRegion).count(), "file regions: " + kinds);
            assertTrue(kinds.stream().noneMatch(k -> k instanceof FileRecordsBuf));
            assertTrue(file.isOpen(), "releasing the region leaves the segment's channel open");
            ByteBuffer frame = ByteBuffer.wrap(sent);
            assertEquals(sent.length - 4, frame.getInt());
            ProtocolReader reader = new ProtocolReader(Unpooled.wrappedBuffer(frame.slice()));
            ResponseHeader header = ResponseHeader.read(reader, ResponseHeader.headerVersion(ApiKey.FETCH.id(), version));
            assertEquals(42, header.correlationId());
            FetchResponse read = new FetchResponse(reader, version);
            List<PartitionData> partitions = read.responses().get(0).partitions();
            assertArrayEquals(Arrays.copyOfRange(content, 100, 3100), bytes(partitions.get(0).records()));
            assertArrayEquals(Arrays.copyOfRange(content, 5000, 5010), bytes(partitions.get(1).records()));
            assertEquals(20, partitions.get(1).highWatermark());
            assertEquals(expected(response, version, 42), ByteBuffer.wrap(sent), "same bytes as a copying writer");
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void buffersInMemoryAreNotFileRegions() throws IOException {
        byte[] big = new byte[4096];
        FetchResponse response = fetchResponse(Unpooled.wrappedBuffer(big), Unpooled.wrappedBuffer(new byte[] {1, 2}));
        EmbeddedChannel channel = new EmbeddedChannel(new ResponseEncoder());

        channel.writeOutbound(new Response(ApiKey.FETCH.id(), (short) 12, 1, response));
        List<Object> kinds = new ArrayList<>();
        byte[] sent = drain(channel, kinds);

        assertTrue(kinds.stream().noneMatch(k -> k instanceof FileRegion));
        assertEquals(expected(response, (short) 12, 1), ByteBuffer.wrap(sent));
    }

    private static ByteBuffer expected(FetchResponse response, short version, int correlationId) {
        short headerVersion = ResponseHeader.headerVersion(ApiKey.FETCH.id(), version);
        ResponseHeader header = new ResponseHeader(correlationId);
        ByteBuf out = Unpooled.buffer();
        ProtocolWriter writer = new ProtocolWriter(out);
        writer.writeInt32(header.size(headerVersion) + response.size(version));
        header.write(writer, headerVersion);
        response.write(writer, version);
        byte[] b = new byte[out.readableBytes()];
        out.readBytes(b);
        return ByteBuffer.wrap(b);
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        return b;
    }
}
