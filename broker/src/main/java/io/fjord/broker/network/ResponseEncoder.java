package io.fjord.broker.network;

import io.fjord.protocol.ProtocolWriter;
import io.fjord.protocol.ResponseHeader;
import io.fjord.protocol.records.FileRecordsBuf;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Writes a {@link Response} as one frame: 4-byte size, response header (version from
 * {@link ResponseHeader#headerVersion}, so always v0 for ApiVersions), body. Large records fields are
 * referenced, not copied ({@link ProtocolWriter#gathering}); records that live in a log segment
 * ({@link FileRecordsBuf}) go out as a {@link SharedFileRegion} between the buffers around them, so the
 * kernel copies them from the page cache to the socket (sendfile). Every listener is plain TCP today; a TLS
 * listener will have to send those bytes as buffers instead. Stateless; sharable.
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
        List<ByteBuf> parts = writer.finishParts();
        long written = 0;
        for (ByteBuf part : parts) {
            written += part.readableBytes();
        }
        if (written != 4 + size) {
            parts.forEach(ByteBuf::release);
            throw new EncoderException("Response of API " + response.apiKey() + " v" + response.version()
                    + " wrote " + written + " bytes, expected " + (4 + size));
        }
        for (ByteBuf part : parts) {
            if (part instanceof FileRecordsBuf file) {
                out.add(new SharedFileRegion(file.channel(), file.filePosition(), file.readableBytes()));
                file.release();
            } else {
                out.add(part);
            }
        }
    }
}
