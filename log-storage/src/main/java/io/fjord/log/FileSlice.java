package io.fjord.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Bytes of a segment's .log file that a fetch returns, for the network layer to send unchanged (zero-copy,
 * e.g. Netty's {@code DefaultFileRegion(channel, position, length)}). They start at a batch boundary; the
 * last batch may be cut short by the size limit, which clients ignore, as with Kafka. The channel stays
 * open at least file.delete.delay.ms after its segment is deleted. Immutable.
 *
 * @param firstOffset the base offset of the first batch (at or before the fetch offset), or the fetch
 *                    offset when the slice is empty
 */
public record FileSlice(FileChannel channel, long position, int length, long firstOffset) {

    public boolean isEmpty() {
        return length == 0;
    }

    /** A copy of the bytes in a new heap buffer, for readers inside the broker and for tests. */
    public ByteBuf readBytes() throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        if (!LogSegment.readFully(channel, bytes, position)) {
            throw new IOException("file ends before the slice at " + position + " of " + length + " bytes");
        }
        return Unpooled.wrappedBuffer(bytes.flip());
    }
}
