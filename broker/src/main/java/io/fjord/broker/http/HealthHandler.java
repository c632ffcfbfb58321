package io.fjord.broker.http;

import io.fjord.metrics.BrokerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Answers the HTTP listener's requests (http.listener), one aggregated request at a time:
 *
 * <ul>
 *   <li>{@code /health} and {@code /health/ready}: 200 while the broker serves clients, 503 while it is
 *       starting or stopping;</li>
 *   <li>{@code /health/live}: 200 from the moment the listener is bound until shutdown begins, then 503;</li>
 *   <li>{@code /metrics}: 200 with the Prometheus text (format 0.0.4, Content-Type
 *       {@link BrokerMetrics#PROMETHEUS_CONTENT_TYPE}) of {@link BrokerMetrics#scrape()}, in every state; an
 *       empty body when metrics.enabled=false;</li>
 *   <li>any other path 404; a method other than GET or HEAD on a known path 405.</li>
 * </ul>
 *
 * <p>Health bodies are one-line JSON, {@code {"status":"ready","node":1}}; the status is {@code starting},
 * {@code ready} or {@code stopping}. The query string is ignored. Keep-alive is honoured. Stateless and
 * shared by every HTTP connection; the state comes from a supplier that is read on each request. The scrape
 * runs on the HTTP connection's event loop (it reads counters and gauges only, a few milliseconds at most).
 */
@ChannelHandler.Sharable
public final class HealthHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HealthHandler.class);

    /** What the broker is doing, as /health reports it. */
    public enum Status {
        STARTING, READY, STOPPING;

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Supplier<Status> status;
    private final int nodeId;
    private final BrokerMetrics metrics;

    /** Health only: /metrics answers an empty body. */
    public HealthHandler(Supplier<Status> status, int nodeId) {
        this(status, nodeId, BrokerMetrics.noop());
    }

    public HealthHandler(Supplier<Status> status, int nodeId, BrokerMetrics metrics) {
        this.status = status;
        this.nodeId = nodeId;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"bad request\"}", false);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean ready = path.equals("/health") || path.equals("/health/ready");
        boolean live = path.equals("/health/live");
        boolean scrape = path.equals("/metrics");
        if (!ready && !live && !scrape) {
            respond(ctx, request, HttpResponseStatus.NOT_FOUND, "{\"error\":\"not found\"}", true);
            return;
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "{\"error\":\"method not allowed\"}", true);
            return;
        }
        if (scrape) {
            respond(ctx, request, HttpResponseStatus.OK, BrokerMetrics.PROMETHEUS_CONTENT_TYPE,
                    metrics.scrape().getBytes(StandardCharsets.UTF_8), true);
            return;
        }
        Status now = status.get();
        boolean ok = now == Status.READY || (live && now == Status.STARTING);
        respond(ctx, request, ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                "{\"status\":\"" + now.json() + "\",\"node\":" + nodeId + "}", true);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus code,
                                String json, boolean keepAliveAllowed) {
        respond(ctx, request, code, HttpHeaderValues.APPLICATION_JSON, (json + "\n").getBytes(StandardCharsets.UTF_8),
                keepAliveAllowed);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus code,
                                CharSequence contentType, byte[] bytes, boolean keepAliveAllowed) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        ByteBuf body = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), code, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (code == HttpResponseStatus.METHOD_NOT_ALLOWED) {
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        boolean keepAlive = keepAliveAllowed && HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Closing HTTP connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
