package io.fjord.broker.api;

import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.ApiMessages;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one API: one implementing class per API key. The version range it serves defaults to what the
 * API's schema covers (the range an Apache Kafka 4.1 broker advertises); ApiVersions advertises exactly
 * these ranges. A handler can build an error response for any request it accepts.
 *
 * <p>Contract: {@link #handle} is called on a network thread and must not block it (no disk sync, no
 * waiting on futures or foreign locks); slow work completes the returned future later, on any thread.
 * A future completed with {@code null} means "send no response" (acks=0 produce). A failed future or a
 * thrown exception is answered with {@link #errorResponse} by the {@link RequestDispatcher}.
 * Implementations must be thread-safe: network threads call them concurrently.
 *
 * @param <Q> the request message type of this API
 */
public interface ApiHandler<Q extends ApiMessage> {

    ApiKey apiKey();

    default short minVersion() {
        return ApiMessages.lowestVersion(apiKey().id());
    }

    default short maxVersion() {
        return ApiMessages.highestVersion(apiKey().id());
    }

    default boolean supportsVersion(short version) {
        return version >= minVersion() && version <= maxVersion();
    }

    /** The response to {@code request}, or a future completed with null when no response is sent. */
    CompletableFuture<? extends ApiMessage> handle(RequestContext context, Q request);

    /** A response that carries {@code error} for everything {@code request} asked for. */
    ApiMessage errorResponse(Q request, ErrorCode error);

    /**
     * As {@link #errorResponse(ApiMessage, ErrorCode)} for a request of {@code version}, for APIs whose error response
     * differs by version; the dispatcher calls this one.
     */
    default ApiMessage errorResponse(Q request, ErrorCode error, short version) {
        return errorResponse(request, error);
    }

    /** The version the response to a request of {@code requestVersion} is written at. */
    default short responseVersion(short requestVersion) {
        return requestVersion;
    }
}
