package io.fjord.broker.api;

import io.fjord.broker.config.ConfigDescriber;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicNames;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.DescribeConfigsRequest;
import io.fjord.protocol.message.DescribeConfigsRequest.DescribeConfigsResource;
import io.fjord.protocol.message.DescribeConfigsResponse;
import io.fjord.protocol.message.DescribeConfigsResponse.DescribeConfigsResourceResult;
import io.fjord.protocol.message.DescribeConfigsResponse.DescribeConfigsResult;
import io.fjord.protocol.message.DescribeConfigsResponse.DescribeConfigsSynonym;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers DescribeConfigs (API 32, v1-4) from the metadata image and the broker's static properties through
 * {@link ConfigDescriber}. Per resource, as Kafka:
 * <ul>
 *   <li>TOPIC (2): every topic config with its effective value and source; an invalid name
 *       INVALID_TOPIC_EXCEPTION, an unknown topic UNKNOWN_TOPIC_OR_PARTITION.</li>
 *   <li>BROKER (4): name "" the cluster-wide dynamic defaults only; name = this node's id every broker config;
 *       another id or a non-number INVALID_REQUEST.</li>
 *   <li>BROKER_LOGGER (8): not supported by this broker: INVALID_REQUEST "Unsupported resource type" (after
 *       Kafka's checks of the name: empty or another node INVALID_REQUEST).</li>
 *   <li>any type Kafka does not know: the whole request fails with INVALID_REQUEST, as Kafka's authorization
 *       step rejects it.</li>
 * </ul>
 * configurationKeys null or empty asks for every config; unknown keys are left out. Synonyms only with
 * includeSynonyms; documentation only with includeDocumentation (v3+). Reads only the image: runs on the
 * calling network thread. Thread-safe.
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {
    private static final byte TOPIC = ConfigChanges.TOPIC;
    private static final byte BROKER = ConfigChanges.BROKER;
    private static final byte BROKER_LOGGER = ConfigChanges.BROKER_LOGGER;

    private final BrokerMetadata metadata;
    private final ConfigDescriber configs;

    public DescribeConfigsHandler(BrokerMetadata metadata, ConfigDescriber configs) {
        this.metadata = metadata;
        this.configs = configs;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_CONFIGS;
    }

    @Override
    public CompletableFuture<DescribeConfigsResponse> handle(RequestContext context, DescribeConfigsRequest request) {
        ConfigChanges.checkTypes(request.resources().stream().map(DescribeConfigsResource::resourceType).toList());
        MetadataImage image = metadata.image();
        boolean documentation = context.apiVersion() >= 3 && request.includeDocumentation();
        List<DescribeConfigsResult> results = new ArrayList<>();
        for (DescribeConfigsResource r : request.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(r.resourceType())
                    .setResourceName(r.resourceName());
            try {
                List<ConfigDescriber.Entry> entries = describe(image, r);
                List<DescribeConfigsResourceResult> out = new ArrayList<>();
                for (ConfigDescriber.Entry e : entries) {
                    if (r.configurationKeys() != null && !r.configurationKeys().isEmpty()
                            && !r.configurationKeys().contains(e.name())) {
                        continue;
                    }
                    out.add(toResult(e, request.includeSynonyms(), documentation));
                }
                result.setErrorCode(ErrorCode.NONE.code()).setErrorMessage(null).setConfigs(out);
            } catch (ApiException e) {
                result.setErrorCode(e.errorCode().code()).setErrorMessage(e.getMessage()).setConfigs(List.of());
            }
            results.add(result);
        }
        return CompletableFuture.completedFuture(new DescribeConfigsResponse().setResults(results));
    }

    private List<ConfigDescriber.Entry> describe(MetadataImage image, DescribeConfigsResource r) {
        String name = r.resourceName();
        switch (r.resourceType()) {
            case TOPIC -> {
                TopicNames.validate(name);
                if (image.topic(name) == null) {
                    throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                            "Topic '" + name + "' does not exist.");
                }
                return configs.topicEntries(image,
                        image.configs(new ConfigResource(ConfigResource.Type.TOPIC, name)), true);
            }
            case BROKER -> {
                if (name == null || name.isEmpty()) {
                    return configs.clusterDefaultEntries(image);
                }
                if (brokerId(name) != metadata.nodeId()) {
                    throw new ApiException(ErrorCode.INVALID_REQUEST, "Unexpected broker id, expected "
                            + metadata.nodeId() + " or empty string, but received " + name);
                }
                return configs.brokerEntries(image);
            }
            case BROKER_LOGGER -> {
                if (name == null || name.isEmpty()) {
                    throw new ApiException(ErrorCode.INVALID_REQUEST, "Broker id must not be empty");
                }
                if (brokerId(name) != metadata.nodeId()) {
                    throw new ApiException(ErrorCode.INVALID_REQUEST, "Unexpected broker id, expected "
                            + metadata.nodeId() + " but received " + name);
                }
                throw new ApiException(ErrorCode.INVALID_REQUEST, "Unsupported resource type: BROKER_LOGGER");
            }
            default -> throw new ApiException(ErrorCode.INVALID_REQUEST,
                    "Unsupported resource type: " + r.resourceType());
        }
    }

    private static int brokerId(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "Broker id must be an integer, but it is: " + name);
        }
    }

    private static DescribeConfigsResourceResult toResult(ConfigDescriber.Entry e, boolean synonyms,
                                                          boolean documentation) {
        List<DescribeConfigsSynonym> out = new ArrayList<>();
        if (synonyms) {
            e.synonyms().forEach(s -> out.add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value())
                    .setSource(s.source())));
        }
        return new DescribeConfigsResourceResult().setName(e.name()).setValue(e.value()).setReadOnly(e.readOnly())
                .setConfigSource(e.source()).setIsSensitive(e.sensitive()).setSynonyms(out)
                .setConfigType(e.type()).setDocumentation(documentation ? e.documentation() : null);
    }

    @Override
    public DescribeConfigsResponse errorResponse(DescribeConfigsRequest request, ErrorCode error) {
        List<DescribeConfigsResult> results = new ArrayList<>();
        for (DescribeConfigsResource r : request.resources()) {
            results.add(new DescribeConfigsResult().setErrorCode(error.code()).setErrorMessage(null)
                    .setResourceType(r.resourceType()).setResourceName(r.resourceName()).setConfigs(List.of()));
        }
        return new DescribeConfigsResponse().setResults(results);
    }
}
