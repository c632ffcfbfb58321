package io.fjord.broker.api;

import io.fjord.broker.config.ConfigDescriber;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.metadata.QuorumController;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsRequest.CreatableTopic;
import io.fjord.protocol.message.CreateTopicsRequest.CreatableTopicConfig;
import io.fjord.protocol.message.CreateTopicsResponse;
import io.fjord.protocol.message.CreateTopicsResponse.CreatableTopicConfigs;
import io.fjord.protocol.message.CreateTopicsResponse.CreatableTopicResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers CreateTopics (API 19, v2-7) through the {@link QuorumController}: each topic succeeds or fails
 * on its own with Kafka's error code and message (bad name INVALID_TOPIC_EXCEPTION, existing
 * TOPIC_ALREADY_EXISTS, bad counts INVALID_PARTITIONS / INVALID_REPLICATION_FACTOR, unknown or bad configs
 * INVALID_CONFIG, a topic named twice INVALID_REQUEST); validateOnly checks without writing. Checks the
 * controller does not know are made here: a null config value (INVALID_CONFIG), and replica assignments
 * given together with a partition count or replication factor (INVALID_REQUEST). Assignments alone are
 * taken as their partition count and replication factor (placement is the controller's).
 *
 * <p>v5+ answers carry the partition count, replication factor and every config of the topic with its
 * effective value and source (DYNAMIC_TOPIC_CONFIG for those the request set, else the broker's static or
 * dynamic setting or the default; {@link ConfigDescriber}, as DescribeConfigs), sorted by name; v7+ the topic id.
 *
 * <p>Thread-safe; the future completes on the controller's thread once the topics are applied.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {
    private final BrokerMetadata metadata;
    private final ConfigDescriber describer;

    public CreateTopicsHandler(BrokerMetadata metadata, ConfigDescriber describer) {
        this.metadata = metadata;
        this.describer = describer;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_TOPICS;
    }

    @Override
    public CompletableFuture<CreateTopicsResponse> handle(RequestContext context, CreateTopicsRequest request) {
        Map<String, ApiException> early = new HashMap<>();
        List<QuorumController.NewTopic> toCreate = new ArrayList<>();
        for (CreatableTopic t : request.topics()) {
            try {
                toCreate.add(newTopic(t));
            } catch (ApiException e) {
                early.put(t.name(), e);
            }
        }
        return metadata.controller().createTopics(toCreate, request.validateOnly()).thenApply(outcomes -> {
            List<CreatableTopicResult> results = new ArrayList<>();
            for (CreatableTopic t : request.topics()) {
                ApiException error = early.get(t.name());
                QuorumController.CreateTopicOutcome outcome = outcomes.get(t.name());
                if (error == null && outcome != null && outcome.error() != null) {
                    error = outcome.error();
                }
                CreatableTopicResult result = new CreatableTopicResult().setName(t.name());
                if (error != null || outcome == null) {
                    ErrorCode code = error == null ? ErrorCode.UNKNOWN_SERVER_ERROR : error.errorCode();
                    result.setErrorCode(code.code()).setErrorMessage(error == null ? null : error.getMessage())
                            .setTopicId(Uuid.ZERO).setNumPartitions(-1).setReplicationFactor((short) -1);
                } else {
                    QuorumController.CreateTopicResult r = outcome.result();
                    List<CreatableTopicConfigs> configs = new ArrayList<>();
                    for (ConfigDescriber.Entry e : describer.topicEntries(metadata.image(), r.configs(), false)) {
                        configs.add(new CreatableTopicConfigs().setName(e.name()).setValue(e.value())
                                .setReadOnly(e.readOnly()).setConfigSource(e.source()).setIsSensitive(e.sensitive()));
                    }
                    result.setErrorCode(ErrorCode.NONE.code()).setErrorMessage(null).setTopicId(r.topicId())
                            .setNumPartitions(r.numPartitions()).setReplicationFactor(r.replicationFactor())
                            .setConfigs(configs);
                }
                results.add(result);
            }
            return new CreateTopicsResponse().setTopics(results);
        });
    }

    private static QuorumController.NewTopic newTopic(CreatableTopic t) {
        Map<String, String> configs = new LinkedHashMap<>();
        for (CreatableTopicConfig c : t.configs()) {
            if (c.value() == null) {
                throw new ApiException(ErrorCode.INVALID_CONFIG,
                        "Null value not supported for topic configs: " + c.name());
            }
            configs.put(c.name(), c.value());
        }
        int partitions = t.numPartitions();
        short replicationFactor = t.replicationFactor();
        if (!t.assignments().isEmpty()) {
            if (partitions != -1 || replicationFactor != -1) {
                throw new ApiException(ErrorCode.INVALID_REQUEST, "Both numPartitions or replicationFactor and "
                        + "replicasAssignments were set. Both cannot be used at the same time.");
            }
            partitions = t.assignments().size();
            replicationFactor = (short) t.assignments().get(0).brokerIds().size();
        }
        return new QuorumController.NewTopic(t.name(), partitions, replicationFactor, configs);
    }

    @Override
    public CreateTopicsResponse errorResponse(CreateTopicsRequest request, ErrorCode error) {
        List<CreatableTopicResult> results = new ArrayList<>();
        for (CreatableTopic t : request.topics()) {
            results.add(new CreatableTopicResult().setName(t.name()).setErrorCode(error.code()));
        }
        return new CreateTopicsResponse().setTopics(results);
    }
}
