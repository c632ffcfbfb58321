package io.fjord.protocol.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Our codecs against kafka-clients' in both directions, plus the frame variants other writers produce. */
class CompressionTypeTest {
    private static final byte MAGIC_V2 = 2;

    static Stream<Arguments> everyCodecAndPayload() {
        int[] sizes = {0, 1, 1000, 65_535, 65_536, 65_537, 300_000};
        return Arrays.stream(CompressionType.values()).flatMap(codec -> Arrays.stream(sizes)
                .boxed().flatMap(size -> Stream.of(Arguments.of(codec, size, true), Arguments.of(codec, size, false))));
    }

    @ParameterizedTest(name = "{0} {1} bytes, random={2}")
    @MethodSource("everyCodecAndPayload")
    void kafkaDecompressesWhatWeCompress(CompressionType codec, int size, boolean random) throws IOException {
        byte[] payload = payload(size, random);
        ByteBuf compressed = Unpooled.buffer();

        codec.compress(Unpooled.wrappedBuffer(payload), compressed);

        try (InputStream in = KafkaOracle.compression(codec).wrapForInput(compressed.nioBuffer(), MAGIC_V2, BufferSupplier.NO_CACHING)) {
            assertArrayEquals(payload, in.readAllBytes());
        }
    }

    @ParameterizedTest(name = "{0} {1} bytes, random={2}")
    @MethodSource("everyCodecAndPayload")
    void weDecompressWhatKafkaCompresses(CompressionType codec, int size, boolean random) throws IOException {
        byte[] payload = payload(size, random);
        ByteBufferOutputStream kafkaOut = new ByteBufferOutputStream(64);
        try (OutputStream out = KafkaOracle.compression(codec).wrapForOutput(kafkaOut, MAGIC_V2)) {
            out.write(payload);
        }

        ByteBuf decompressed = codec.decompress(Unpooled.wrappedBuffer(kafkaOut.buffer().flip()), payload.length);

        assertArrayEquals(payload, ByteBufUtil.getBytes(decompressed));
    }

    @Test
    void lz4FramesWithChecksumsContentSizeAndLargerBlocksDecompress() throws IOException {
        byte[] payload = payload(700_000, false);
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        try (OutputStream out = new LZ4FrameOutputStream(framed, LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB, payload.length,
                LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
                LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
            out.write(payload);
        }

        ByteBuf decompressed = CompressionType.LZ4.decompress(Unpooled.wrappedBuffer(framed.toByteArray()), payload.length);

        assertArrayEquals(payload, ByteBufUtil.getBytes(decompressed));
    }

    @Test
    void lz4ContentChecksumMismatchIsCorrupt() throws IOException {
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        try (OutputStream out = new LZ4FrameOutputStream(framed, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
            out.write(payload(1000, true));
        }
        byte[] bytes = framed.toByteArray();
        bytes[bytes.length - 1] ^= 1;

        assertThrows(CorruptRecordException.class, () -> CompressionType.LZ4.decompress(Unpooled.wrappedBuffer(bytes), 1 << 20));
    }

    @Test
    void aRawSnappyBlockWithoutTheXerialHeaderDecompresses() throws IOException {
        byte[] payload = payload(50_000, false);

        ByteBuf decompressed = CompressionType.SNAPPY.decompress(Unpooled.wrappedBuffer(Snappy.compress(payload)), payload.length);

        assertArrayEquals(payload, ByteBufUtil.getBytes(decompressed));
    }

    @Test
    void aSnappyBlockClaimingMoreThanSnappyCanExpandToIsCorrupt() {
        byte[] header = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
        byte[] chunk = {0, 0, 0, 6, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0};
        ByteBuf stream = Unpooled.wrappedBuffer(header, chunk);

        assertThrows(CorruptRecordException.class, () -> CompressionType.SNAPPY.decompress(stream, Integer.MAX_VALUE));
    }

    @Test
    void aSnappyChunkLengthBeyondSnappyJavasLimitIsCorrupt() {
        byte[] header = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
        byte[] chunk = {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3};

        assertThrows(CorruptRecordException.class, () -> CompressionType.SNAPPY.decompress(Unpooled.wrappedBuffer(header, chunk), 1 << 20));
    }

    @Test
    void compressionIdsMatchKafkas() {
        for (CompressionType codec : CompressionType.values()) {
            assertEquals(org.apache.kafka.common.record.CompressionType.forId(codec.id()).name(), codec.name());
        }
        assertThrows(CorruptRecordException.class, () -> CompressionType.forId(5));
    }

    private static byte[] payload(int size, boolean random) {
        byte[] bytes = new byte[size];
        Random source = new Random(size);
        if (random) {
            source.nextBytes(bytes);
        } else {
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) "abcabcabd record value ".charAt((i + source.nextInt(2)) % 23);
            }
        }
        return bytes;
    }
}
