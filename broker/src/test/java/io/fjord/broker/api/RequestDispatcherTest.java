package io.fjord.broker.api;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;
import io.fjord.protocol.message.DescribeClusterRequest;
import io.fjord.protocol.message.DescribeClusterResponse;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestDispatcherTest {

    private static RequestDispatcher dispatcherFailingWith(Supplier<CompletableFuture<ApiMessage>> behaviour) {
        return new RequestDispatcher(new ApiHandlerRegistry().register(new ScriptedApiVersionsHandler(behaviour)));
    }

    private static short errorCodeOf(RequestDispatcher dispatcher) {
        RequestContext context = new RequestContext(new RequestHeader((short) 18, (short) 3, 1, "c"), null, "PLAINTEXT");
        return ((ApiVersionsResponse) dispatcher.dispatch(context, new ApiVersionsRequest()).join()).errorCode();
    }

    @Test
    void thrownUnknownExceptionBecomesUnknownServerError() {
        RequestDispatcher dispatcher = dispatcherFailingWith(() -> {
            throw new IllegalStateException("bug");
        });
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR.code(), errorCodeOf(dispatcher));
    }

    @Test
    void failedFutureWithApiExceptionAnswersItsCode() {
        RequestDispatcher dispatcher = dispatcherFailingWith(() ->
                CompletableFuture.failedFuture(new ApiException(ErrorCode.NOT_CONTROLLER, "elsewhere")));
        assertEquals(ErrorCode.NOT_CONTROLLER.code(), errorCodeOf(dispatcher));
    }

    @Test
    void aFailureWithoutAnErrorResponseFailsTheDispatchSoTheConnectionCloses() {
        ApiHandler<ApiVersionsRequest> silent = new ApiHandler<>() {
            @Override
            public ApiKey apiKey() {
                return ApiKey.API_VERSIONS;
            }

            @Override
            public CompletableFuture<ApiMessage> handle(RequestContext context, ApiVersionsRequest request) {
                return CompletableFuture.failedFuture(new ApiException(ErrorCode.NOT_CONTROLLER, "elsewhere"));
            }

            @Override
            public ApiMessage errorResponse(ApiVersionsRequest request, ErrorCode error) {
                return null;
            }
        };
        RequestDispatcher dispatcher = new RequestDispatcher(new ApiHandlerRegistry().register(silent));
        RequestContext context = new RequestContext(new RequestHeader((short) 18, (short) 3, 1, "c"), null, "PLAINTEXT");
        CompletionException failure = assertThrows(CompletionException.class,
                () -> dispatcher.dispatch(context, new ApiVersionsRequest()).join());
        assertInstanceOf(CloseConnectionException.class, failure.getCause());
    }

    @Test
    void registeringAnApiTwiceIsRejected() {
        ApiHandlerRegistry registry = ApiHandlerRegistry.forBroker(BrokerFeatures.defaults());
        assertThrows(IllegalStateException.class,
                () -> registry.register(new ApiVersionsHandler(registry, BrokerFeatures.defaults())));
    }

    @Test
    void requestsOtherThanApiVersionsWaitUntilTheNodeIsReady() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        ApiHandlerRegistry registry = ApiHandlerRegistry.forBroker(BrokerFeatures.defaults());
        AtomicInteger handled = new AtomicInteger();
        registry.register(new ApiHandler<DescribeClusterRequest>() {
            @Override
            public ApiKey apiKey() {
                return ApiKey.DESCRIBE_CLUSTER;
            }

            @Override
            public CompletableFuture<ApiMessage> handle(RequestContext context,
                                                        DescribeClusterRequest request) {
                handled.incrementAndGet();
                return CompletableFuture.completedFuture(new DescribeClusterResponse());
            }

            @Override
            public ApiMessage errorResponse(DescribeClusterRequest request, ErrorCode error) {
                return new DescribeClusterResponse().setErrorCode(error.code());
            }
        });
        RequestDispatcher dispatcher = new RequestDispatcher(registry, ready);
        RequestContext versions = new RequestContext(new RequestHeader((short) 18, (short) 3, 1, "c"), null, "PLAINTEXT");
        RequestContext cluster = new RequestContext(new RequestHeader((short) 60, (short) 0, 2, "c"), null, "PLAINTEXT");

        CompletableFuture<ApiMessage> early = dispatcher.dispatch(versions,
                new ApiVersionsRequest().setClientSoftwareName("test").setClientSoftwareVersion("1"));
        CompletableFuture<ApiMessage> held = dispatcher.dispatch(cluster, new DescribeClusterRequest());

        assertEquals(ErrorCode.NONE.code(), ((ApiVersionsResponse) early.join()).errorCode());
        assertFalse(held.isDone());
        assertEquals(0, handled.get());
        ready.complete(null);
        assertEquals(ErrorCode.NONE.code(),
                ((DescribeClusterResponse) held.join()).errorCode());
        assertEquals(1, handled.get());
    }
}
