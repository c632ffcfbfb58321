package io.fjord.broker.api;

import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Routes a decoded request to its {@link ApiHandler} and turns every failure into that handler's error
 * response: typed failures ({@link io.fjord.protocol.ApiException}) map to their own code through
 * {@link ErrorCode#forException}; anything else becomes UNKNOWN_SERVER_ERROR and is logged once, here,
 * with the request's context.
 *
 * <p>Until the node is ready (the future given to the constructor completes: metadata loaded, logs open)
 * only ApiVersions is handled at once; every other request waits for readiness, then runs on the thread
 * that completed it. So the client listeners may open while the node is still starting.
 *
 * <p>A handler that has no response to give for a failed request ({@link ApiHandler#errorResponse} returns
 * null, as Produce with acks=0 does) or that fails with {@link CloseConnectionException} gets its connection
 * closed: the returned future fails with a {@link CloseConnectionException}.
 *
 * <p>Invariant: the returned future fails only with {@link CloseConnectionException} for a request whose API
 * is registered; otherwise it completes with the response, or with null when the handler sends none.
 * Thread-safe.
 */
public final class RequestDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final ApiHandlerRegistry registry;
    private final CompletableFuture<Void> ready;

    /** A dispatcher that handles every request at once. */
    public RequestDispatcher(ApiHandlerRegistry registry) {
        this(registry, CompletableFuture.completedFuture(null));
    }

    /** A dispatcher that holds requests other than ApiVersions until {@code ready} completes. */
    public RequestDispatcher(ApiHandlerRegistry registry, CompletableFuture<Void> ready) {
        this.registry = registry;
        this.ready = ready;
    }

    public ApiHandlerRegistry registry() {
        return registry;
    }

    /** The handler's answer to {@code request}; the API must be registered. */
    @SuppressWarnings("unchecked")
    public CompletableFuture<ApiMessage> dispatch(RequestContext context, ApiMessage request) {
        ApiHandler<ApiMessage> handler = (ApiHandler<ApiMessage>) registry.handler(request.apiKey());
        if (handler == null) {
            throw new IllegalArgumentException("No handler for API key " + request.apiKey());
        }
        CompletableFuture<? extends ApiMessage> answer;
        if (ready.isDone() || request.apiKey() == ApiKey.API_VERSIONS.id()) {
            answer = handle(handler, context, request);
        } else {
            answer = ready.thenCompose(started -> handle(handler, context, request));
        }
        return answer.handle((response, failure) ->
                failure == null ? response : errorResponse(handler, context, request, unwrap(failure)));
    }

    private static CompletableFuture<? extends ApiMessage> handle(ApiHandler<ApiMessage> handler,
                                                                  RequestContext context, ApiMessage request) {
        try {
            return handler.handle(context, request);
        } catch (Throwable failure) {
            return CompletableFuture.failedFuture(failure);
        }
    }

    private static ApiMessage errorResponse(ApiHandler<ApiMessage> handler, RequestContext context,
                                            ApiMessage request, Throwable failure) {
        if (failure instanceof CloseConnectionException close) {
            throw close;
        }
        ErrorCode error = ErrorCode.forException(failure);
        if (error == ErrorCode.UNKNOWN_SERVER_ERROR) {
            LOG.error("Unexpected failure handling {}", context, failure);
        } else {
            LOG.debug("Answering {} with {}: {}", context, error, failure.getMessage());
        }
        ApiMessage response = handler.errorResponse(request, error, context.apiVersion());
        if (response == null) {
            throw new CloseConnectionException(error + " for a request that expects no response");
        }
        return response;
    }

    private static Throwable unwrap(Throwable failure) {
        while ((failure instanceof CompletionException || failure instanceof ExecutionException)
                && failure.getCause() != null) {
            failure = failure.getCause();
        }
        return failure;
    }
}
