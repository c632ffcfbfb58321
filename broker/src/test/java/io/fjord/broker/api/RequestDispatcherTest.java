package io.fjord.broker.api;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.RequestHeader;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestDispatcherTest {

    private static RequestDispatcher dispatcherFailingWith(Supplier<CompletableFuture<ApiMessage>> behaviour) {
        ApiHandler<ApiVersionsRequest> handler = new ApiHandler<>() {
            @Override
            public ApiKey apiKey() {
                return ApiKey.API_VERSIONS;
            }

            @Override
            public short minVersion() {
                return 0;
            }

            @Override
            public short maxVersion() {
                return 4;
            }

            @Override
            public CompletableFuture<ApiMessage> handle(RequestContext context, ApiVersionsRequest request) {
                return behaviour.get();
            }

            @Override
            public ApiMessage errorResponse(ApiVersionsRequest request, ErrorCode error) {
                return new ApiVersionsResponse().setErrorCode(error.code());
            }
        };
        return new RequestDispatcher(new ApiHandlerRegistry().register(handler));
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
    void registeringAnApiTwiceIsRejected() {
        ApiHandlerRegistry registry = ApiHandlerRegistry.forBroker(BrokerFeatures.defaults());
        assertThrows(IllegalStateException.class,
                () -> registry.register(new ApiVersionsHandler(registry, BrokerFeatures.defaults())));
    }
}
