package io.fjord.broker.api;

import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ApiVersionsResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Answers ApiVersions (API 18, v0-4): the error code, one entry per handler in the
 * {@link ApiHandlerRegistry} with the range that handler declares, and for v3+ the feature section from
 * {@link BrokerFeatures}. Nothing is listed by hand.
 *
 * <p>KIP-511: a request at a version above 4 is not parsed; it is answered at v0 with
 * UNSUPPORTED_VERSION and the ApiVersions range only, so the client can retry at a version both sides know.
 * v3+ requests with a client software name or version outside Kafka's pattern get INVALID_REQUEST.
 *
 * <p>Thread-safe: stateless apart from the registry, which is read-only once the server runs.
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    private static final Pattern SOFTWARE_NAME_OR_VERSION = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");

    private final ApiHandlerRegistry registry;
    private final BrokerFeatures features;

    public ApiVersionsHandler(ApiHandlerRegistry registry, BrokerFeatures features) {
        this.registry = registry;
        this.features = features;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.API_VERSIONS;
    }

    /** Unsupported versions are answered at v0, the one version every client can read. */
    @Override
    public short responseVersion(short requestVersion) {
        return supportsVersion(requestVersion) ? requestVersion : 0;
    }

    @Override
    public CompletableFuture<ApiVersionsResponse> handle(RequestContext context, ApiVersionsRequest request) {
        short version = context.apiVersion();
        if (!supportsVersion(version)) {
            return CompletableFuture.completedFuture(errorResponse(request, ErrorCode.UNSUPPORTED_VERSION));
        }
        if (version >= 3 && !(valid(request.clientSoftwareName()) && valid(request.clientSoftwareVersion()))) {
            return CompletableFuture.completedFuture(errorResponse(request, ErrorCode.INVALID_REQUEST));
        }
        return CompletableFuture.completedFuture(response());
    }

    private static boolean valid(String value) {
        return value != null && SOFTWARE_NAME_OR_VERSION.matcher(value).matches();
    }

    /** The full answer: every registered API and the features. */
    ApiVersionsResponse response() {
        List<ApiVersionsResponse.ApiVersion> apis = new ArrayList<>();
        for (ApiHandler<?> handler : registry.handlers()) {
            apis.add(range(handler));
        }
        List<ApiVersionsResponse.SupportedFeatureKey> supported = new ArrayList<>();
        for (BrokerFeatures.SupportedFeature f : features.supported()) {
            supported.add(new ApiVersionsResponse.SupportedFeatureKey()
                    .setName(f.name()).setMinVersion(f.minVersion()).setMaxVersion(f.maxVersion()));
        }
        List<ApiVersionsResponse.FinalizedFeatureKey> finalized = new ArrayList<>();
        for (BrokerFeatures.FinalizedFeature f : features.finalized()) {
            finalized.add(new ApiVersionsResponse.FinalizedFeatureKey()
                    .setName(f.name()).setMinVersionLevel(f.minVersionLevel()).setMaxVersionLevel(f.maxVersionLevel()));
        }
        return new ApiVersionsResponse()
                .setErrorCode(ErrorCode.NONE.code())
                .setApiKeys(apis)
                .setSupportedFeatures(supported)
                .setFinalizedFeaturesEpoch(features.finalizedEpoch())
                .setFinalizedFeatures(finalized)
                .setZkMigrationReady(false);
    }

    /** As Kafka: the error code, plus the ApiVersions range when the error is UNSUPPORTED_VERSION. */
    @Override
    public ApiVersionsResponse errorResponse(ApiVersionsRequest request, ErrorCode error) {
        ApiVersionsResponse response = new ApiVersionsResponse().setErrorCode(error.code());
        if (error == ErrorCode.UNSUPPORTED_VERSION) {
            response.setApiKeys(List.of(range(this)));
        }
        return response;
    }

    private static ApiVersionsResponse.ApiVersion range(ApiHandler<?> handler) {
        return new ApiVersionsResponse.ApiVersion()
                .setApiKey(handler.apiKey().id())
                .setMinVersion(handler.minVersion())
                .setMaxVersion(handler.maxVersion());
    }
}
