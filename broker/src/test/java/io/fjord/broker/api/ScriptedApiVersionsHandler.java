package io.fjord.broker.api;

import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A test handler for ApiVersions (v0-4) whose answer to each request is whatever {@code answers} supplies: a
 * completed, failed or pending future, or a thrown exception. Its error response carries the error code.
 */
public final class ScriptedApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    private final Supplier<CompletableFuture<ApiMessage>> answers;

    public ScriptedApiVersionsHandler(Supplier<CompletableFuture<ApiMessage>> answers) {
        this.answers = answers;
    }

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
        return answers.get();
    }

    @Override
    public ApiMessage errorResponse(ApiVersionsRequest request, ErrorCode error) {
        return new ApiVersionsResponse().setErrorCode(error.code());
    }
}
