package io.fjord.broker.network;

import io.fjord.broker.api.ApiHandler;
import io.fjord.broker.api.CloseConnectionException;
import io.fjord.broker.api.RequestDispatcher;
import io.fjord.protocol.ApiMessage;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Keeps one request per connection in flight and answers strictly in request order, as Kafka does:
 * requests that arrive while one is being handled wait in a queue; the next is dispatched only after the
 * previous one's response was written (or, for a request that gets no response, after its handler
 * finished). When more than {@value #MAX_QUEUED} requests wait, the connection stops reading until the
 * queue drains.
 *
 * <p>A dispatch that fails ({@link CloseConnectionException}: a request without response failed) closes the
 * connection, as Kafka does for Produce with acks=0; requests queued behind it are dropped unhandled, since
 * a connection the broker closes itself stops there.
 *
 * <p>Requests read before the client closed the connection are still handled, in order, and their responses dropped,
 * as Kafka handles every complete request it received: an acks=0 producer that closes right after sending
 * loses no records.
 *
 * <p>Each request's frame is released once its handler's future completes. Handler futures may complete
 * on any thread; the sequencer moves back to the connection's event loop before touching its state.
 *
 * <p>Each request's phases go to the {@link RequestStats} (kafka.network RequestMetrics): dispatched when its
 * handler starts, answered when the handler's future completes, the send from the write call to its
 * completion (zero for a request without response or one that closes the connection); a request whose
 * connection closed before the answer is not recorded. One instance per connection; state confined to the
 * event loop.
 */
public final class ConnectionSequencer extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSequencer.class);
    static final int MAX_QUEUED = 16;

    private final RequestDispatcher dispatcher;
    private final RequestStats stats;
    private final ArrayDeque<Request> queued = new ArrayDeque<>();
    private boolean inFlight;
    private boolean closed;

    public ConnectionSequencer(RequestDispatcher dispatcher) {
        this(dispatcher, RequestStats.disabled());
    }

    public ConnectionSequencer(RequestDispatcher dispatcher, RequestStats stats) {
        this.dispatcher = dispatcher;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Request request = (Request) msg;
        if (closed) {
            request.release();
            return;
        }
        queued.add(request);
        if (queued.size() > MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
        dispatchNext(ctx);
    }

    private void dispatchNext(ChannelHandlerContext ctx) {
        if (inFlight || queued.isEmpty()) {
            return;
        }
        Request request = queued.poll();
        if (!ctx.channel().config().isAutoRead() && queued.size() <= MAX_QUEUED / 2) {
            ctx.channel().config().setAutoRead(true);
        }
        inFlight = true;
        request.context().times().dispatched(System.nanoTime());
        CompletableFuture<ApiMessage> answer;
        try {
            answer = dispatcher.dispatch(request.context(), request.body());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, failure) -> {
            request.context().times().answered(System.nanoTime());
            if (ctx.executor().inEventLoop()) {
                complete(ctx, request, response, failure);
            } else {
                ctx.executor().execute(() -> complete(ctx, request, response, failure));
            }
        });
    }

    private void complete(ChannelHandlerContext ctx, Request request, ApiMessage response, Throwable failure) {
        request.release();
        if (closed) {
            inFlight = false;
            dispatchNext(ctx);
            return;
        }
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof CloseConnectionException) {
                LOG.info("Closing connection after {}: {}", request.context(), cause.getMessage());
            } else {
                LOG.error("Closing connection: no response could be built for {}", request.context(), failure);
            }
            long now = System.nanoTime();
            stats.record(request, null, now, now);
            inFlight = false;
            dropQueued();
            ctx.close();
            return;
        }
        if (response == null) {
            long now = System.nanoTime();
            stats.record(request, null, now, now);
            inFlight = false;
            dispatchNext(ctx);
            return;
        }
        ApiHandler<?> handler = dispatcher.registry().handler(request.context().header().apiKey());
        short version = handler.responseVersion(request.context().apiVersion());
        Response out = new Response(request.context().header().apiKey(), version,
                request.context().header().correlationId(), response);
        long sendStart = System.nanoTime();
        ctx.writeAndFlush(out).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess()) {
                LOG.debug("Closing connection: writing the response to {} failed", request.context(), written.cause());
                inFlight = false;
                ctx.close();
                return;
            }
            stats.record(request, response, sendStart, System.nanoTime());
            inFlight = false;
            dispatchNext(ctx);
        });
    }

    private void dropQueued() {
        Request request;
        while ((request = queued.poll()) != null) {
            request.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        dispatchNext(ctx);
        super.channelInactive(ctx);
    }
}
