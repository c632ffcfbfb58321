package io.fjord.broker.network;

import io.fjord.broker.api.RequestContext;
import io.fjord.protocol.ApiMessage;
import io.netty.buffer.ByteBuf;

/**
 * A decoded request on its way through the pipeline: context, body, and the frame the body was read from.
 * {@code records} fields of the body are slices of the frame, so the frame stays referenced until the
 * response is produced; {@link #release()} is called exactly once, by the {@link ConnectionSequencer}
 * (or by whoever drops the request). Not thread-safe.
 */
public final class Request {
    private final RequestContext context;
    private final ApiMessage body;
    private final ByteBuf frame;

    public Request(RequestContext context, ApiMessage body, ByteBuf frame) {
        this.context = context;
        this.body = body;
        this.frame = frame;
    }

    public RequestContext context() {
        return context;
    }

    public ApiMessage body() {
        return body;
    }

    public void release() {
        frame.release();
    }
}
