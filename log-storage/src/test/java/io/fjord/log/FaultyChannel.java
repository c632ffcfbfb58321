package io.fjord.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A FileChannel over a real one that counts the bytes read and mapped, and can fail writes like a full
 * disk: after {@link Faults#writableBytes} more bytes, a write stores what fits and throws. Truncations and
 * fsyncs fail on request; {@link Faults#beforeRead} runs before every positioned read.
 */
final class FaultyChannel extends FileChannel {

    /** Shared by every channel a factory opened: counters and the fault switch. */
    static final class Faults implements FileChannelFactory {
        final AtomicLong bytesRead = new AtomicLong();
        final AtomicLong bytesMapped = new AtomicLong();
        final AtomicLong writableBytes = new AtomicLong(Long.MAX_VALUE);
        volatile boolean failTruncate;
        volatile boolean failForce;
        volatile Runnable beforeRead = () -> { };

        @Override
        public FileChannel open(Path file) throws IOException {
            return new FaultyChannel(DEFAULT.open(file), this);
        }
    }

    private final FileChannel delegate;
    private final Faults faults;

    private FaultyChannel(FileChannel delegate, Faults faults) {
        this.delegate = delegate;
        this.faults = faults;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        faults.beforeRead.run();
        int n = delegate.read(dst, position);
        faults.bytesRead.addAndGet(Math.max(n, 0));
        return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        long room = faults.writableBytes.get();
        if (src.remaining() <= room) {
            faults.writableBytes.addAndGet(-src.remaining());
            return delegate.write(src, position);
        }
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + (int) room);
        delegate.write(part, position);
        faults.writableBytes.set(0);
        throw new IOException("No space left on device");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        faults.bytesMapped.addAndGet(size);
        return delegate.map(mode, position, size);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (faults.failTruncate) {
            throw new IOException("truncate failed");
        }
        delegate.truncate(size);
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        throw new UnsupportedOperationException("segments read at positions");
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException("segments read at positions");
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException("segments write at positions");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("segments write at positions");
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (faults.failForce) {
            throw new IOException("fsync failed");
        }
        delegate.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
