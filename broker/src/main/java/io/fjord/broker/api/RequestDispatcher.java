package io.fjord.broker.api;

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
 * <p>Invariant: the returned future never fails for a request whose API is registered; it completes with
 * the response, or with null when the handler sends none. Thread-safe.
 */
public final class RequestDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final ApiHandlerRegistry registry;

    public RequestDispatcher(ApiHandlerRegistry registry) {
        this.registry = registry;
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
        try {
            answer = handler.handle(context, request);
        } catch (Throwable failure) {
            answer = CompletableFuture.failedFuture(failure);
        }
        return answer.handle((response, failure) ->
                failure == null ? response : errorResponse(handler, context, request, unwrap(failure)));
    }

    private static ApiMessage errorResponse(ApiHandler<ApiMessage> handler, RequestContext context,
                                            ApiMessage request, Throwable failure) {
        ErrorCode error = ErrorCode.forException(failure);
        if (error == ErrorCode.UNKNOWN_SERVER_ERROR) {
            LOG.error("Unexpected failure handling {}", context, failure);
        } else {
            LOG.debug("Answering {} with {}: {}", context, error, failure.getMessage());
        }
        return handler.errorResponse(request, error);
    }

    private static Throwable unwrap(Throwable failure) {
        while ((failure instanceof CompletionException || failure instanceof ExecutionException)
                && failure.getCause() != null) {
            failure = failure.getCause();
        }
        return failure;
    }
}
