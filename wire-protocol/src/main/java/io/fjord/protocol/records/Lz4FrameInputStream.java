package io.fjord.protocol.records;

import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

import java.io.IOException;
import java.io.InputStream;

import static io.fjord.protocol.records.Lz4FrameOutputStream.FLG_BLOCK_CHECKSUM;
import static io.fjord.protocol.records.Lz4FrameOutputStream.FLG_CONTENT_CHECKSUM;
import static io.fjord.protocol.records.Lz4FrameOutputStream.FLG_CONTENT_SIZE;
import static io.fjord.protocol.records.Lz4FrameOutputStream.FLG_INDEPENDENT_BLOCKS;
import static io.fjord.protocol.records.Lz4FrameOutputStream.FLG_VERSION_1;
import static io.fjord.protocol.records.Lz4FrameOutputStream.XXHASH;

/**
 * Reads one LZ4 frame (layout in {@link Lz4FrameOutputStream}) from any writer that uses independent
 * blocks: a content size is skipped, block and content checksums are verified when present. Linked blocks
 * and dictionary ids, which Kafka clients never write, are refused. A block's size is checked against the
 * frame's declared maximum (at most 4 MiB) before it is read, and blocks are decoded with lz4-java's
 * bounds-checked pure-Java decompressor, so hostile input costs at most two maximum-size block buffers.
 * Malformed input is an {@link IOException}. Not thread-safe.
 */
final class Lz4FrameInputStream extends InputStream {
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();
    private static final int FLG_RESERVED = 0x03;
    private static final int BD_RESERVED = 0x8f;

    private final InputStream in;
    private final boolean blockChecksums;
    private final StreamingXXHash32 contentHash;
    private final int maxBlockSize;
    private final byte[] stored;
    private final byte[] block;
    private int position;
    private int limit;
    private boolean ended;

    Lz4FrameInputStream(InputStream in) throws IOException {
        this.in = in;
        if (readIntLE() != Lz4FrameOutputStream.MAGIC) {
            throw new IOException("not an LZ4 frame");
        }
        byte[] descriptor = new byte[10];
        readFully(descriptor, 0, 2);
        int flg = descriptor[0] & 0xff;
        int bd = descriptor[1] & 0xff;
        if ((flg & 0xc0) != FLG_VERSION_1 || (flg & FLG_RESERVED) != 0 || (bd & BD_RESERVED) != 0) {
            throw new IOException("unsupported LZ4 frame descriptor " + Integer.toHexString(flg) + " " + Integer.toHexString(bd));
        }
        if ((flg & FLG_INDEPENDENT_BLOCKS) == 0) {
            throw new IOException("LZ4 frames with linked blocks are not supported");
        }
        int blockSizeCode = bd >>> 4;
        if (blockSizeCode < 4) {
            throw new IOException("invalid LZ4 block maximum size code " + blockSizeCode);
        }
        int descriptorLength = (flg & FLG_CONTENT_SIZE) != 0 ? 10 : 2;
        readFully(descriptor, 2, descriptorLength - 2);
        if (in.read() != Lz4FrameOutputStream.headerChecksum(descriptor, descriptorLength)) {
            throw new IOException("LZ4 frame header checksum mismatch");
        }
        blockChecksums = (flg & FLG_BLOCK_CHECKSUM) != 0;
        contentHash = (flg & FLG_CONTENT_CHECKSUM) != 0 ? XXHashFactory.fastestJavaInstance().newStreamingHash32(0) : null;
        maxBlockSize = 1 << (8 + 2 * blockSizeCode);
        stored = new byte[maxBlockSize];
        block = new byte[maxBlockSize];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == limit) {
            if (!nextBlock()) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(block, position, bytes, offset, n);
        position += n;
        return n;
    }

    private boolean nextBlock() throws IOException {
        if (ended) {
            return false;
        }
        int size = readIntLE();
        if (size == 0) {
            ended = true;
            if (contentHash != null && readIntLE() != contentHash.getValue()) {
                throw new IOException("LZ4 content checksum mismatch");
            }
            return false;
        }
        int storedSize = size & ~Lz4FrameOutputStream.UNCOMPRESSED_BLOCK;
        if (storedSize > maxBlockSize) {
            throw new IOException("LZ4 block of " + storedSize + " bytes exceeds the frame's maximum " + maxBlockSize);
        }
        readFully(stored, 0, storedSize);
        if (blockChecksums && readIntLE() != XXHASH.hash(stored, 0, storedSize, 0)) {
            throw new IOException("LZ4 block checksum mismatch");
        }
        if ((size & Lz4FrameOutputStream.UNCOMPRESSED_BLOCK) != 0) {
            System.arraycopy(stored, 0, block, 0, storedSize);
            limit = storedSize;
        } else {
            try {
                limit = DECOMPRESSOR.decompress(stored, 0, storedSize, block, 0, maxBlockSize);
            } catch (LZ4Exception e) {
                throw new IOException("corrupt LZ4 block", e);
            }
        }
        position = 0;
        if (contentHash != null) {
            contentHash.update(block, 0, limit);
        }
        return true;
    }

    private void readFully(byte[] target, int offset, int length) throws IOException {
        if (in.readNBytes(target, offset, length) < length) {
            throw new IOException("truncated LZ4 frame");
        }
    }

    private int readIntLE() throws IOException {
        byte[] bytes = new byte[4];
        readFully(bytes, 0, 4);
        return (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 24;
    }
}
