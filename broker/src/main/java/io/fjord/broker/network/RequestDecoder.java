package io.fjord.broker.network;

import io.fjord.broker.api.ApiHandler;
import io.fjord.broker.api.ApiHandlerRegistry;
import io.fjord.broker.api.RequestContext;
import io.fjord.broker.api.RequestTimes;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ProtocolReader;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.message.ApiMessages;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a frame into a {@link Request}: the {@link RequestHeader}, then the body of the header's API and
 * version. What Kafka does with requests it cannot serve, this does too:
 * <ul>
 *   <li>ApiVersions at a version above the registry's range: not parsed; passed on with an empty body so
 *       the handler answers UNSUPPORTED_VERSION at v0 (KIP-511).</li>
 *   <li>an API key this broker does not serve, or a version outside its handler's range: the connection
 *       is closed.</li>
 *   <li>bytes that do not decode: logged with the client's address, connection closed.</li>
 * </ul>
 * The request's {@link RequestTimes} start when its frame arrives here (RequestQueueTimeMs and TotalTimeMs
 * count from then). The frame's ownership passes to the emitted request (records fields slice it). One instance per
 * connection; runs on the connection's event loop only.
 */
public final class RequestDecoder extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDecoder.class);

    private final ApiHandlerRegistry registry;
    private final String listenerName;

    public RequestDecoder(ApiHandlerRegistry registry, String listenerName) {
        this.registry = registry;
        this.listenerName = listenerName;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long received = System.nanoTime();
        ByteBuf frame = (ByteBuf) msg;
        Request request;
        try {
            request = decode(ctx, frame, received);
        } catch (RuntimeException e) {
            frame.release();
            LOG.warn("Closing connection from {}: malformed request ({})", ctx.channel().remoteAddress(), e.toString());
            ctx.close();
            return;
        }
        if (request == null) {
            frame.release();
            ctx.close();
            return;
        }
        ctx.fireChannelRead(request);
    }

    /** The request in {@code frame}, or null if the connection must be closed (logged here). */
    private Request decode(ChannelHandlerContext ctx, ByteBuf frame, long received) {
        ProtocolReader reader = new ProtocolReader(frame);
        RequestHeader header = RequestHeader.read(reader);
        RequestContext context = new RequestContext(header, ctx.channel().remoteAddress(), listenerName,
                new RequestTimes(received));
        ApiHandler<?> handler = registry.handler(header.apiKey());
        if (handler == null) {
            ApiKey known = ApiKey.forId(header.apiKey());
            LOG.info("Closing connection from {}: API key {}{} is not served", context.clientAddress(),
                    header.apiKey(), known == null ? "" : " (" + known.protocolName() + ")");
            return null;
        }
        if (!handler.supportsVersion(header.apiVersion())) {
            if (header.apiKey() == ApiKey.API_VERSIONS.id()) {
                return new Request(context, new ApiVersionsRequest(), frame);
            }
            LOG.info("Closing connection from {}: {} v{} is not served (versions {}-{})", context.clientAddress(),
                    handler.apiKey().protocolName(), header.apiVersion(), handler.minVersion(), handler.maxVersion());
            return null;
        }
        ApiMessage body = ApiMessages.newRequest(header.apiKey());
        body.read(reader, header.apiVersion());
        return new Request(context, body, frame);
    }
}
