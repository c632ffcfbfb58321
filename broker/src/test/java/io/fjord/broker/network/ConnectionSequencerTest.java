package io.fjord.broker.network;

import io.fjord.broker.api.ApiHandlerRegistry;
import io.fjord.broker.api.CloseConnectionException;
import io.fjord.broker.api.RequestContext;
import io.fjord.broker.api.RequestDispatcher;
import io.fjord.broker.api.ScriptedApiVersionsHandler;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ConnectionSequencerTest {

    /** Answers each request with a future the test completes by hand. */
    private static final class ManualHandler {
        final List<CompletableFuture<ApiMessage>> pending = new ArrayList<>();
        final ScriptedApiVersionsHandler handler = new ScriptedApiVersionsHandler(() -> {
            CompletableFuture<ApiMessage> future = new CompletableFuture<>();
            pending.add(future);
            return future;
        });
    }

    private static Request request(int correlationId, List<ByteBuf> frames) {
        ByteBuf frame = Unpooled.buffer(1);
        frames.add(frame);
        RequestContext context = new RequestContext(new RequestHeader((short) 18, (short) 3, correlationId, "c"), null, "PLAINTEXT");
        return new Request(context, new ApiVersionsRequest(), frame);
    }

    @Test
    void oneRequestInFlightAndResponsesInRequestOrder() {
        ManualHandler handler = new ManualHandler();
        EmbeddedChannel channel = new EmbeddedChannel(
                new ConnectionSequencer(new RequestDispatcher(new ApiHandlerRegistry().register(handler.handler))));
        List<ByteBuf> frames = new ArrayList<>();

        channel.writeInbound(request(1, frames), request(2, frames), request(3, frames));
        assertEquals(1, handler.pending.size(), "only the first request is dispatched");

        handler.pending.get(0).complete(new ApiVersionsResponse());
        channel.runPendingTasks();
        Response first = channel.readOutbound();
        assertEquals(1, first.correlationId());
        assertEquals(0, frames.get(0).refCnt(), "frame released once answered");
        assertEquals(2, handler.pending.size());

        handler.pending.get(1).complete(null);
        channel.runPendingTasks();
        assertNull(channel.readOutbound(), "a request without response writes nothing");
        assertEquals(3, handler.pending.size(), "and the next request goes ahead");

        handler.pending.get(2).completeExceptionally(new IllegalStateException("boom"));
        channel.runPendingTasks();
        Response third = channel.readOutbound();
        assertEquals(3, third.correlationId());
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR.code(), ((ApiVersionsResponse) third.body()).errorCode());
        channel.finishAndReleaseAll();
        frames.forEach(f -> assertEquals(0, f.refCnt()));
    }

    @Test
    void requestsReadBeforeTheClientClosedAreStillHandledWithoutResponses() {
        ManualHandler handler = new ManualHandler();
        EmbeddedChannel channel = new EmbeddedChannel(
                new ConnectionSequencer(new RequestDispatcher(new ApiHandlerRegistry().register(handler.handler))));
        List<ByteBuf> frames = new ArrayList<>();

        channel.writeInbound(request(1, frames), request(2, frames));
        channel.close();
        handler.pending.get(0).complete(new ApiVersionsResponse());
        channel.runPendingTasks();
        assertEquals(2, handler.pending.size(), "the queued request is handled after the close");
        handler.pending.get(1).complete(new ApiVersionsResponse());
        channel.runPendingTasks();

        assertNull(channel.readOutbound(), "no response is written to a closed connection");
        frames.forEach(f -> assertEquals(0, f.refCnt()));
    }

    @Test
    void aRequestThatClosesTheConnectionDropsTheRequestsQueuedBehindIt() {
        ManualHandler handler = new ManualHandler();
        EmbeddedChannel channel = new EmbeddedChannel(
                new ConnectionSequencer(new RequestDispatcher(new ApiHandlerRegistry().register(handler.handler))));
        List<ByteBuf> frames = new ArrayList<>();

        channel.writeInbound(request(1, frames), request(2, frames));
        handler.pending.get(0).completeExceptionally(new CloseConnectionException("acks=0 produce failed"));
        channel.runPendingTasks();

        assertEquals(1, handler.pending.size(), "the queued request is not handled");
        assertEquals(false, channel.isOpen());
        assertNull(channel.readOutbound());
        frames.forEach(f -> assertEquals(0, f.refCnt()));
    }
}
