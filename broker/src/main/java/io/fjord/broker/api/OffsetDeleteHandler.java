package io.fjord.broker.api;

import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.coordinator.DeleteOffsetsResult;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.TopicPartitionRef;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetDeleteResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers OffsetDelete (API 47, v0) through the {@link GroupCoordinator}: partitions of topics the metadata image
 * does not know get UNKNOWN_TOPIC_OR_PARTITION here (as Kafka's broker decides, by topic only); the others are
 * deleted from the group (tombstones), or answered GROUP_SUBSCRIBED_TO_TOPIC while the group's members consume the
 * topic. A group-level error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, coordinator errors) goes to the top-level error
 * code with the partitions left out, as Kafka answers. Thread-safe.
 */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequest> {
    private final BrokerMetadata metadata;
    private final GroupCoordinator coordinator;

    public OffsetDeleteHandler(BrokerMetadata metadata, GroupCoordinator coordinator) {
        this.metadata = metadata;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_DELETE;
    }

    @Override
    public CompletableFuture<OffsetDeleteResponse> handle(RequestContext context, OffsetDeleteRequest request) {
        MetadataImage image = metadata.image();
        Map<TopicPartitionRef, ErrorCode> early = new HashMap<>();
        List<TopicPartitionRef> known = new ArrayList<>();
        for (OffsetDeleteRequest.Topic t : request.topics()) {
            TopicImage topic = image.topic(t.name());
            for (OffsetDeleteRequest.Partition p : t.partitions()) {
                TopicPartitionRef ref = new TopicPartitionRef(t.name(), p.partitionIndex());
                if (topic == null) {
                    early.put(ref, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    known.add(ref);
                }
            }
        }
        return coordinator.deleteOffsets(request.groupId(), known).thenApply(result -> response(request, early, result));
    }

    private static OffsetDeleteResponse response(OffsetDeleteRequest request, Map<TopicPartitionRef, ErrorCode> early,
                                                 DeleteOffsetsResult result) {
        if (result.error() != ErrorCode.NONE) {
            return new OffsetDeleteResponse().setErrorCode(result.error().code()).setTopics(List.of());
        }
        List<OffsetDeleteResponse.Topic> topics = new ArrayList<>();
        for (OffsetDeleteRequest.Topic t : request.topics()) {
            List<OffsetDeleteResponse.Partition> partitions = new ArrayList<>();
            for (OffsetDeleteRequest.Partition p : t.partitions()) {
                TopicPartitionRef ref = new TopicPartitionRef(t.name(), p.partitionIndex());
                ErrorCode error = early.getOrDefault(ref, result.partitions().getOrDefault(ref, ErrorCode.NONE));
                partitions.add(new OffsetDeleteResponse.Partition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
            topics.add(new OffsetDeleteResponse.Topic().setName(t.name()).setPartitions(partitions));
        }
        return new OffsetDeleteResponse().setErrorCode(ErrorCode.NONE.code()).setTopics(topics);
    }

    @Override
    public OffsetDeleteResponse errorResponse(OffsetDeleteRequest request, ErrorCode error) {
        return new OffsetDeleteResponse().setErrorCode(error.code()).setTopics(List.of());
    }
}
