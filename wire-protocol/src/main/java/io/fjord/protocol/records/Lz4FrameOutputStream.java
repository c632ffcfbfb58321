package io.fjord.protocol.records;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes one LZ4 frame the way Kafka clients do for LZ4 batches. Frame layout (all integers little-endian):
 * <pre>
 * magic 0x184D2204 (4) | FLG (1) | BD (1) | [content size (8), if FLG bit 3] | HC (1)
 * blocks: size (4, high bit set = stored uncompressed) | data | [XXH32 of data (4), if FLG bit 4]
 * end mark 0 (4) | [XXH32 of all content (4), if FLG bit 2]
 * </pre>
 * FLG bits 7-6 hold the version (01), bit 5 block independence; BD bits 6-4 the maximum block size
 * (4 = 64 KiB ... 7 = 4 MiB); HC is the second byte of XXH32 (seed 0) over FLG up to HC. This writer
 * emits FLG 0x60 and BD 0x40: independent 64 KiB blocks, no checksums, no content size. Not thread-safe.
 */
final class Lz4FrameOutputStream extends OutputStream {
    static final int MAGIC = 0x184D2204;
    static final int UNCOMPRESSED_BLOCK = 0x80000000;
    static final int FLG_VERSION_1 = 0x40;
    static final int FLG_INDEPENDENT_BLOCKS = 0x20;
    static final int FLG_BLOCK_CHECKSUM = 0x10;
    static final int FLG_CONTENT_SIZE = 0x08;
    static final int FLG_CONTENT_CHECKSUM = 0x04;
    static final XXHash32 XXHASH = XXHashFactory.fastestJavaInstance().hash32();
    private static final int BD_64_KIB = 4 << 4;
    private static final int BLOCK_SIZE = 64 * 1024;
    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();

    private final OutputStream out;
    private final byte[] block = new byte[BLOCK_SIZE];
    private final byte[] compressed = new byte[COMPRESSOR.maxCompressedLength(BLOCK_SIZE)];
    private int blockLength;
    private boolean closed;

    Lz4FrameOutputStream(OutputStream out) throws IOException {
        this.out = out;
        byte[] descriptor = {(byte) (FLG_VERSION_1 | FLG_INDEPENDENT_BLOCKS), (byte) BD_64_KIB};
        writeIntLE(MAGIC);
        out.write(descriptor);
        out.write(headerChecksum(descriptor, descriptor.length));
    }

    static int headerChecksum(byte[] descriptor, int length) {
        return (XXHASH.hash(descriptor, 0, length, 0) >>> 8) & 0xff;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, BLOCK_SIZE - blockLength);
            System.arraycopy(bytes, offset, block, blockLength, n);
            blockLength += n;
            offset += n;
            length -= n;
            if (blockLength == BLOCK_SIZE) {
                writeBlock();
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            writeBlock();
            writeIntLE(0);
            out.close();
        }
    }

    private void writeBlock() throws IOException {
        if (blockLength == 0) {
            return;
        }
        int size = COMPRESSOR.compress(block, 0, blockLength, compressed, 0);
        if (size < blockLength) {
            writeIntLE(size);
            out.write(compressed, 0, size);
        } else {
            writeIntLE(blockLength | UNCOMPRESSED_BLOCK);
            out.write(block, 0, blockLength);
        }
        blockLength = 0;
    }

    private void writeIntLE(int value) throws IOException {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }
}
