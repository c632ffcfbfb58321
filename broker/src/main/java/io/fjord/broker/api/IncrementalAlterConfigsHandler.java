package io.fjord.broker.api;

import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.IncrementalAlterConfigsRequest;
import io.fjord.protocol.message.IncrementalAlterConfigsRequest.AlterConfigsResource;
import io.fjord.protocol.message.IncrementalAlterConfigsRequest.AlterableConfig;
import io.fjord.protocol.message.IncrementalAlterConfigsResponse;
import io.fjord.protocol.message.IncrementalAlterConfigsResponse.AlterConfigsResourceResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers IncrementalAlterConfigs (API 44, v0-1): per resource, SET (0), DELETE (1), APPEND (2) and
 * SUBTRACT (3) of single keys, written through the metadata quorum (see {@link ConfigChanges} for the
 * resource checks), so the partition logs follow the change. APPEND/SUBTRACT work on list configs only
 * (else INVALID_CONFIG), starting from the current value or the config's default; APPEND skips values already
 * present. A resource named twice INVALID_REQUEST for both, a key twice INVALID_REQUEST, a null value for
 * anything but DELETE INVALID_REQUEST, an unknown operation INVALID_REQUEST; validateOnly writes nothing.
 * Resources succeed or fail on their own. Thread-safe; the future completes on the controller's thread.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {
    static final byte SET = 0;
    static final byte DELETE = 1;
    static final byte APPEND = 2;
    static final byte SUBTRACT = 3;
    private static final String[] OP_NAMES = {"SET", "DELETE", "APPEND", "SUBTRACT"};

    private final ConfigChanges changes;

    public IncrementalAlterConfigsHandler(ConfigChanges changes) {
        this.changes = changes;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponse> handle(RequestContext context,
                                                                     IncrementalAlterConfigsRequest request) {
        return changes.alterEach(request.resources(), AlterConfigsResource::resourceType,
                AlterConfigsResource::resourceName, IncrementalAlterConfigsHandler::check, r -> {
                    List<AlterableConfig> ops = List.copyOf(r.configs());
                    return current -> apply(r.resourceType(), ops, current);
                }, request.validateOnly(), IncrementalAlterConfigsHandler::result)
                .thenApply(results -> new IncrementalAlterConfigsResponse().setResponses(results));
    }

    private static AlterConfigsResourceResponse result(byte type, String name, ApiException e) {
        return new AlterConfigsResourceResponse().setResourceType(type).setResourceName(name)
                .setErrorCode(e == null ? ErrorCode.NONE.code() : e.errorCode().code())
                .setErrorMessage(e == null ? null : e.getMessage());
    }

    private static void check(AlterConfigsResource r) {
        ConfigChanges.checkNoDuplicateKeys(r.configs().stream().map(AlterableConfig::name).toList());
        List<String> nulls = new ArrayList<>();
        for (AlterableConfig c : r.configs()) {
            if (c.configOperation() < SET || c.configOperation() > SUBTRACT) {
                throw new ApiException(ErrorCode.INVALID_REQUEST,
                        "Unknown alter config operation " + c.configOperation() + " for " + c.name());
            }
            if (c.configOperation() != DELETE && c.value() == null) {
                nulls.add(c.name());
            }
        }
        if (!nulls.isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "Null value not supported for : " + String.join(", ", nulls));
        }
    }

    /** The key -> new value (null = delete) changes of {@code ops} on {@code current}. */
    private static Map<String, String> apply(byte type, List<AlterableConfig> ops, Map<String, String> current) {
        Map<String, String> out = new HashMap<>();
        for (AlterableConfig c : ops) {
            String key = c.name();
            switch (c.configOperation()) {
                case SET -> out.put(key, c.value());
                case DELETE -> out.put(key, null);
                default -> {
                    if (!ConfigChanges.isList(type, key)) {
                        throw new ApiException(ErrorCode.INVALID_CONFIG, "Can't " + OP_NAMES[c.configOperation()]
                                + " to key " + key + " because its type is not LIST.");
                    }
                    List<String> values = ConfigChanges.listValue(type, key, current);
                    for (String v : c.value().split(",")) {
                        String part = v.trim();
                        if (c.configOperation() == APPEND && !values.contains(part)) {
                            values.add(part);
                        } else if (c.configOperation() == SUBTRACT) {
                            values.remove(part);
                        }
                    }
                    out.put(key, String.join(",", values));
                }
            }
        }
        return out;
    }

    @Override
    public IncrementalAlterConfigsResponse errorResponse(IncrementalAlterConfigsRequest request, ErrorCode error) {
        List<AlterConfigsResourceResponse> out = new ArrayList<>();
        for (AlterConfigsResource r : request.resources()) {
            out.add(new AlterConfigsResourceResponse().setResourceType(r.resourceType())
                    .setResourceName(r.resourceName()).setErrorCode(error.code()));
        }
        return new IncrementalAlterConfigsResponse().setResponses(out);
    }
}
