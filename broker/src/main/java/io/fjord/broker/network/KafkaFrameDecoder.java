package io.fjord.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Splits the byte stream into request frames: a 4-byte big-endian size, then that many bytes. Each frame
 * goes on as a retained slice (the size prefix stripped).
 *
 * <p>A size above {@code socket.request.max.bytes}, or a negative one, is refused as soon as the 4 size
 * bytes arrive, before any of the frame is buffered: the connection is logged once and closed, and every
 * byte after it is dropped. Other connections are not affected. One instance per connection; runs on
 * the connection's event loop only.
 */
public final class KafkaFrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFrameDecoder.class);

    private final int maxFrameBytes;
    private boolean refused;

    public KafkaFrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        int size = in.getInt(in.readerIndex());
        if (size < 0 || size > maxFrameBytes) {
            refused = true;
            in.skipBytes(in.readableBytes());
            LOG.warn("Closing connection from {}: request size {} is outside 0..{} (socket.request.max.bytes)",
                    ctx.channel().remoteAddress(), size, maxFrameBytes);
            ctx.close();
            return;
        }
        if (in.readableBytes() < 4 + size) {
            return;
        }
        in.skipBytes(4);
        out.add(in.readRetainedSlice(size));
    }
}
