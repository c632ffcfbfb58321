package io.fjord.broker.network;

import io.fjord.protocol.ProtocolWriter;
import io.fjord.protocol.ResponseHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Writes a {@link Response} as one frame: 4-byte size, response header (version from
 * {@link ResponseHeader#headerVersion}, so always v0 for ApiVersions), body. Large records fields are
 * referenced, not copied ({@link ProtocolWriter#gathering}). Stateless; sharable.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class ResponseEncoder extends MessageToMessageEncoder<Response> {
    private static final int MAX_INITIAL_CHUNK = 16 * 1024;

    @Override
    protected void encode(ChannelHandlerContext ctx, Response response, List<Object> out) {
        short headerVersion = ResponseHeader.headerVersion(response.apiKey(), response.version());
        ResponseHeader header = new ResponseHeader(response.correlationId());
        int size = header.size(headerVersion) + response.body().size(response.version());
        ProtocolWriter writer = ProtocolWriter.gathering(ctx.alloc(), Math.min(4 + size, MAX_INITIAL_CHUNK));
        writer.writeInt32(size);
        header.write(writer, headerVersion);
        response.body().write(writer, response.version());
        ByteBuf frame = writer.finish();
        if (frame.readableBytes() != 4 + size) {
            int written = frame.readableBytes();
            frame.release();
            throw new EncoderException("Response of API " + response.apiKey() + " v" + response.version()
                    + " wrote " + written + " bytes, expected " + (4 + size));
        }
        out.add(frame);
    }
}
