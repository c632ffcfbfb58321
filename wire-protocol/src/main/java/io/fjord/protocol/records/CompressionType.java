package io.fjord.protocol.records;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import org.xerial.snappy.SnappyError;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The codec of a batch's records section (attribute bits 0-2), byte-compatible with Kafka clients:
 * gzip (RFC 1952), snappy in snappy-java's framed ("xerial") format (read also as one bare snappy block,
 * as some non-Java clients send it), LZ4 in the LZ4 frame format ({@link Lz4FrameOutputStream}), and
 * zstd frames.
 *
 * <p>Decompression never trusts the input: a corrupt stream is a {@link CorruptRecordException}, and
 * output beyond the caller's limit is refused while decompressing, so a small batch cannot expand into a
 * large allocation. Within a stream, allocation stays proportional to the input: snappy-java (1.1.10.x)
 * grows its chunk buffer as bytes arrive and refuses a block claiming more than snappy can expand to;
 * LZ4 blocks are capped by the frame's 4 MiB maximum; gzip and zstd keep bounded windows (zstd's libzstd
 * default: at most 128 MiB of native memory). Stateless and thread-safe.
 */
public enum CompressionType {
    NONE(0) {
        @Override
        OutputStream compressing(OutputStream out) {
            return out;
        }

        @Override
        InputStream decompressing(InputStream in) {
            return in;
        }
    },
    GZIP(1) {
        @Override
        OutputStream compressing(OutputStream out) throws IOException {
            return new GZIPOutputStream(out, STREAM_BUFFER_SIZE);
        }

        @Override
        InputStream decompressing(InputStream in) throws IOException {
            return new GZIPInputStream(in, STREAM_BUFFER_SIZE);
        }
    },
    SNAPPY(2) {
        @Override
        OutputStream compressing(OutputStream out) {
            return new SnappyOutputStream(out);
        }

        @Override
        InputStream decompressing(InputStream in) throws IOException {
            return new SnappyInputStream(in);
        }
    },
    LZ4(3) {
        @Override
        OutputStream compressing(OutputStream out) throws IOException {
            return new Lz4FrameOutputStream(out);
        }

        @Override
        InputStream decompressing(InputStream in) throws IOException {
            return new Lz4FrameInputStream(in);
        }
    },
    ZSTD(4) {
        @Override
        OutputStream compressing(OutputStream out) throws IOException {
            return new ZstdOutputStreamNoFinalizer(out, ZSTD_LEVEL);
        }

        @Override
        InputStream decompressing(InputStream in) throws IOException {
            return new ZstdInputStreamNoFinalizer(in);
        }
    };

    private static final int STREAM_BUFFER_SIZE = 8192;
    private static final int ZSTD_LEVEL = 3;
    private static final int READ_CHUNK = 16 * 1024;
    private static final CompressionType[] BY_ID = values();

    private final int id;

    CompressionType(int id) {
        this.id = id;
    }

    /** The value of attribute bits 0-2. */
    public int id() {
        return id;
    }

    public static CompressionType forId(int id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new CorruptRecordException("unknown compression type " + id);
        }
        return BY_ID[id];
    }

    abstract OutputStream compressing(OutputStream out) throws IOException;

    abstract InputStream decompressing(InputStream in) throws IOException;

    /** Appends the compressed form of {@code source}'s readable bytes to {@code target}; source's indexes do not move. */
    public void compress(ByteBuf source, ByteBuf target) {
        try (OutputStream out = compressing(new ByteBufOutputStream(target))) {
            source.getBytes(source.readerIndex(), out, source.readableBytes());
        } catch (IOException e) {
            throw new IllegalStateException(this + " compression failed", e);
        }
    }

    /**
     * Decompresses {@code source}'s readable bytes (its indexes do not move) into a new heap buffer of at
     * most {@code maxBytes}, which the caller owns.
     */
    public ByteBuf decompress(ByteBuf source, int maxBytes) {
        ByteBuf out = Unpooled.buffer((int) Math.min(4L * source.readableBytes() + 64, maxBytes), maxBytes);
        try (InputStream in = decompressing(new ByteBufInputStream(source.duplicate()))) {
            while (true) {
                int room = maxBytes - out.writerIndex();
                if (room == 0) {
                    if (in.read() >= 0) {
                        throw new CorruptRecordException(this + " records decompress to more than " + maxBytes + " bytes");
                    }
                    return out;
                }
                if (out.writeBytes(in, Math.min(READ_CHUNK, room)) < 0) {
                    return out;
                }
            }
        } catch (IOException | RuntimeException | SnappyError e) {
            out.release();
            throw e instanceof CorruptRecordException corrupt ? corrupt
                    : new CorruptRecordException("corrupt " + this + " data: " + Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()), e);
        }
    }
}
