package io.fjord.broker.api;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.AlterConfigsRequest;
import io.fjord.protocol.message.AlterConfigsRequest.AlterConfigsResource;
import io.fjord.protocol.message.AlterConfigsRequest.AlterableConfig;
import io.fjord.protocol.message.AlterConfigsResponse;
import io.fjord.protocol.message.AlterConfigsResponse.AlterConfigsResourceResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Answers the legacy AlterConfigs (API 33, v0-2): each resource's dynamic configs are replaced by exactly
 * those in the request (keys not named are deleted), through the metadata quorum, with the resource checks
 * of {@link ConfigChanges}. A resource named twice INVALID_REQUEST for both, a key twice INVALID_REQUEST, a
 * null value INVALID_CONFIG, BROKER_LOGGER INVALID_REQUEST (Kafka's AlterConfigs does not take it);
 * validateOnly writes nothing. Thread-safe; the future completes on the controller's thread.
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest> {
    private final ConfigChanges changes;

    public AlterConfigsHandler(ConfigChanges changes) {
        this.changes = changes;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<AlterConfigsResponse> handle(RequestContext context, AlterConfigsRequest request) {
        return changes.alterEach(request.resources(), AlterConfigsResource::resourceType,
                AlterConfigsResource::resourceName, AlterConfigsHandler::check, AlterConfigsHandler::replaceAll,
                request.validateOnly(), AlterConfigsHandler::result)
                .thenApply(results -> new AlterConfigsResponse().setResponses(results));
    }

    private static AlterConfigsResourceResponse result(byte type, String name, ApiException e) {
        return new AlterConfigsResourceResponse().setResourceType(type).setResourceName(name)
                .setErrorCode(e == null ? ErrorCode.NONE.code() : e.errorCode().code())
                .setErrorMessage(e == null ? null : e.getMessage());
    }

    private static void check(AlterConfigsResource r) {
        if (r.resourceType() == ConfigChanges.BROKER_LOGGER) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "AlterConfigs does not support the resource type BROKER_LOGGER");
        }
        ConfigChanges.checkNoDuplicateKeys(r.configs().stream().map(AlterableConfig::name).toList());
        for (AlterableConfig c : r.configs()) {
            if (c.value() == null) {
                throw new ApiException(ErrorCode.INVALID_CONFIG, "Null value not supported for configs: " + c.name());
            }
        }
    }

    /** The change that makes the resource's dynamic configs exactly those of {@code r}: the rest are deleted. */
    private static Function<Map<String, String>, Map<String, String>> replaceAll(AlterConfigsResource r) {
        Map<String, String> wanted = new HashMap<>();
        r.configs().forEach(c -> wanted.put(c.name(), c.value()));
        return current -> {
            Map<String, String> change = new HashMap<>(wanted);
            current.keySet().forEach(k -> {
                if (!wanted.containsKey(k)) {
                    change.put(k, null);
                }
            });
            return change;
        };
    }

    @Override
    public AlterConfigsResponse errorResponse(AlterConfigsRequest request, ErrorCode error) {
        List<AlterConfigsResourceResponse> out = new ArrayList<>();
        for (AlterConfigsResource r : request.resources()) {
            out.add(new AlterConfigsResourceResponse().setResourceType(r.resourceType())
                    .setResourceName(r.resourceName()).setErrorCode(error.code()));
        }
        return new AlterConfigsResponse().setResponses(out);
    }
}
