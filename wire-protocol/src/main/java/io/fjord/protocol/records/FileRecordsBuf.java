package io.fjord.protocol.records;

import io.netty.buffer.AbstractReferenceCountedByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * A read-only {@code records} value that lives in a file: {@code length} bytes of {@code channel} from
 * {@code position} (a slice of a log segment). A gathering {@link io.fjord.protocol.ProtocolWriter} keeps it
 * as a part of its own, so the network layer can send it with sendfile (a Netty {@code FileRegion}) and
 * never copy it; {@link #readableBytes()} is known without touching the file.
 *
 * <p>Anything that reads its bytes (a non-gathering writer, a test, {@code equals}) reads the file once,
 * lazily, into a heap buffer. The channel is not owned: releasing this buffer never closes it. It holds no
 * pooled memory, so like an unpooled heap buffer it needs no final release: the garbage collector reclaims
 * an unreleased one (and its heap copy). A gathering writer retains it as a part and the network layer
 * releases that part, as with any other part.
 * Thread-safety: as any ByteBuf, confined to one thread at a time.
 */
public final class FileRecordsBuf extends AbstractReferenceCountedByteBuf {
    private final FileChannel channel;
    private final long position;
    private final int length;
    private ByteBuf content;

    public FileRecordsBuf(FileChannel channel, long position, int length) {
        super(length);
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("bad file slice " + position + "+" + length);
        }
        this.channel = channel;
        this.position = position;
        this.length = length;
        setIndex(0, length);
    }

    public FileChannel channel() {
        return channel;
    }

    /** The file position of the first readable byte. */
    public long filePosition() {
        return position + readerIndex();
    }

    private ByteBuf content() {
        ensureAccessible();
        if (content == null) {
            ByteBuffer bytes = ByteBuffer.allocate(length);
            try {
                while (bytes.hasRemaining()) {
                    int n = channel.read(bytes, position + bytes.position());
                    if (n < 0) {
                        throw new IOException("file ends before " + length + " bytes at " + position);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            content = Unpooled.wrappedBuffer(bytes.flip()).asReadOnly();
        }
        return content;
    }

    @Override
    protected void deallocate() {
        content = null;
    }

    @Override
    protected byte _getByte(int index) {
        return content().getByte(index);
    }

    @Override
    protected short _getShort(int index) {
        return content().getShort(index);
    }

    @Override
    protected short _getShortLE(int index) {
        return content().getShortLE(index);
    }

    @Override
    protected int _getUnsignedMedium(int index) {
        return content().getUnsignedMedium(index);
    }

    @Override
    protected int _getUnsignedMediumLE(int index) {
        return content().getUnsignedMediumLE(index);
    }

    @Override
    protected int _getInt(int index) {
        return content().getInt(index);
    }

    @Override
    protected int _getIntLE(int index) {
        return content().getIntLE(index);
    }

    @Override
    protected long _getLong(int index) {
        return content().getLong(index);
    }

    @Override
    protected long _getLongLE(int index) {
        return content().getLongLE(index);
    }

    @Override
    protected void _setByte(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setShort(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setShortLE(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setMedium(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setMediumLE(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setInt(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setIntLE(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setLong(int index, long value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setLongLE(int index, long value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public int capacity() {
        return length;
    }

    @Override
    public ByteBuf capacity(int newCapacity) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public ByteBufAllocator alloc() {
        return Unpooled.EMPTY_BUFFER.alloc();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ByteOrder order() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public ByteBuf unwrap() {
        return null;
    }

    @Override
    public boolean isDirect() {
        return false;
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int length) {
        content().getBytes(index, dst, dstIndex, length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, byte[] dst, int dstIndex, int length) {
        content().getBytes(index, dst, dstIndex, length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuffer dst) {
        content().getBytes(index, dst);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, OutputStream out, int length) throws IOException {
        content().getBytes(index, out, length);
        return this;
    }

    @Override
    public int getBytes(int index, GatheringByteChannel out, int length) throws IOException {
        return content().getBytes(index, out, length);
    }

    @Override
    public int getBytes(int index, FileChannel out, long position, int length) throws IOException {
        return content().getBytes(index, out, position, length);
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public ByteBuf setBytes(int index, byte[] src, int srcIndex, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuffer src) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public int setBytes(int index, InputStream in, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public int setBytes(int index, ScatteringByteChannel in, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public int setBytes(int index, FileChannel in, long position, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public ByteBuf copy(int index, int length) {
        return content().copy(index, length);
    }

    @Override
    public int nioBufferCount() {
        return 1;
    }

    @Override
    public ByteBuffer nioBuffer(int index, int length) {
        return content().nioBuffer(index, length);
    }

    @Override
    public ByteBuffer internalNioBuffer(int index, int length) {
        return content().nioBuffer(index, length);
    }

    @Override
    public ByteBuffer[] nioBuffers(int index, int length) {
        return new ByteBuffer[] {nioBuffer(index, length)};
    }

    @Override
    public boolean hasArray() {
        return false;
    }

    @Override
    public byte[] array() {
        throw new UnsupportedOperationException("a file slice has no array");
    }

    @Override
    public int arrayOffset() {
        throw new UnsupportedOperationException("a file slice has no array");
    }

    @Override
    public boolean hasMemoryAddress() {
        return false;
    }

    @Override
    public long memoryAddress() {
        throw new UnsupportedOperationException("a file slice has no memory address");
    }
}
