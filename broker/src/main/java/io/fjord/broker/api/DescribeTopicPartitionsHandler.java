package io.fjord.broker.api;

import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.metadata.TopicNames;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.DescribeTopicPartitionsRequest;
import io.fjord.protocol.message.DescribeTopicPartitionsRequest.TopicRequest;
import io.fjord.protocol.message.DescribeTopicPartitionsResponse;
import io.fjord.protocol.message.DescribeTopicPartitionsResponse.Cursor;
import io.fjord.protocol.message.DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition;
import io.fjord.protocol.message.DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Answers DescribeTopicPartitions (API 75, v0), the paged topic description kafka-topics and AdminClient
 * describeTopics use in Kafka 4: topics in name order (the requested ones, or all when none are named),
 * starting at the cursor (topic, partition), at most responsePartitionLimit partitions (clamped to 1..2000,
 * max.request.partition.size.limit) per response; when partitions remain, nextCursor names the first one
 * left out. Per partition: leader (LEADER_NOT_AVAILABLE and leader -1 if it is not a registered broker),
 * leader epoch, replicas, ISR, eligible leader replicas and last known ELR (empty: no ELR yet), offline
 * replicas. A named topic that does not exist answers UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for
 * an invalid name) with a zero id; when listing all, nothing is invented. A cursor topic not among the named
 * topics, or a negative cursor partition, fails the request with INVALID_REQUEST. Authorized operations:
 * every topic operation (no authorizer). Reads only the image, on the calling thread. Thread-safe.
 */
public final class DescribeTopicPartitionsHandler implements ApiHandler<DescribeTopicPartitionsRequest> {
    static final int MAX_PARTITION_LIMIT = 2000;

    private final BrokerMetadata metadata;

    public DescribeTopicPartitionsHandler(BrokerMetadata metadata) {
        this.metadata = metadata;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_TOPIC_PARTITIONS;
    }

    @Override
    public CompletableFuture<DescribeTopicPartitionsResponse> handle(RequestContext context,
                                                                     DescribeTopicPartitionsRequest request) {
        TreeSet<String> names = new TreeSet<>();
        for (TopicRequest t : request.topics()) {
            names.add(t.name());
        }
        boolean all = names.isEmpty();
        DescribeTopicPartitionsRequest.Cursor cursor = request.cursor();
        if (!all && cursor != null && !names.contains(cursor.topicName())) {
            throw new ApiException(ErrorCode.INVALID_REQUEST,
                    "DescribeTopicPartitionsRequest topic list should contain the cursor topic: " + cursor.topicName());
        }
        if (cursor != null && cursor.partitionIndex() < 0) {
            throw new ApiException(ErrorCode.INVALID_REQUEST,
                    "DescribeTopicPartitionsRequest cursor partition must be valid: " + cursor);
        }
        MetadataImage image = metadata.image();
        if (all) {
            names.addAll(image.topicsByName().keySet());
        }
        Iterable<String> ordered = cursor == null ? names : names.tailSet(cursor.topicName(), true);
        int remaining = Math.max(Math.min(MAX_PARTITION_LIMIT, request.responsePartitionLimit()), 1);
        DescribeTopicPartitionsResponse response = new DescribeTopicPartitionsResponse();
        List<DescribeTopicPartitionsResponseTopic> topics = new ArrayList<>();
        for (String name : ordered) {
            if (remaining == 0) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                break;
            }
            TopicImage topic = image.topic(name);
            if (topic == null) {
                if (!all) {
                    topics.add(new DescribeTopicPartitionsResponseTopic().setErrorCode(unknownTopicError(name).code())
                            .setName(name).setTopicId(Uuid.ZERO).setIsInternal(isInternal(name))
                            .setPartitions(List.of()).setTopicAuthorizedOperations(MetadataHandler.TOPIC_OPERATIONS));
                }
                continue;
            }
            int start = cursor != null && cursor.topicName().equals(name) ? cursor.partitionIndex() : 0;
            List<DescribeTopicPartitionsResponsePartition> partitions = new ArrayList<>();
            int next = -1;
            for (PartitionImage p : topic.partitions().tailMap(start, true).values()) {
                if (partitions.size() == remaining) {
                    next = p.partition();
                    break;
                }
                partitions.add(partition(image, p));
            }
            topics.add(new DescribeTopicPartitionsResponseTopic().setErrorCode(ErrorCode.NONE.code()).setName(name)
                    .setTopicId(topic.id()).setIsInternal(isInternal(name)).setPartitions(partitions)
                    .setTopicAuthorizedOperations(MetadataHandler.TOPIC_OPERATIONS));
            if (next != -1) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(next));
                break;
            }
            remaining -= partitions.size();
        }
        return CompletableFuture.completedFuture(response.setTopics(topics));
    }

    private static ErrorCode unknownTopicError(String name) {
        try {
            TopicNames.validate(name);
            return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } catch (ApiException e) {
            return ErrorCode.INVALID_TOPIC_EXCEPTION;
        }
    }

    private static boolean isInternal(String name) {
        return MetadataHandler.INTERNAL_TOPICS.contains(name);
    }

    private static DescribeTopicPartitionsResponsePartition partition(MetadataImage image, PartitionImage p) {
        List<Integer> offline = new ArrayList<>();
        for (int r : p.replicas()) {
            if (!image.brokers().containsKey(r)) {
                offline.add(r);
            }
        }
        boolean leaderAlive = p.leader() >= 0 && image.brokers().containsKey(p.leader());
        return new DescribeTopicPartitionsResponsePartition()
                .setErrorCode(leaderAlive ? ErrorCode.NONE.code() : ErrorCode.LEADER_NOT_AVAILABLE.code())
                .setPartitionIndex(p.partition()).setLeaderId(leaderAlive ? p.leader() : -1)
                .setLeaderEpoch(p.leaderEpoch()).setReplicaNodes(p.replicas()).setIsrNodes(p.isr())
                .setEligibleLeaderReplicas(List.of()).setLastKnownElr(List.of()).setOfflineReplicas(offline);
    }

    @Override
    public DescribeTopicPartitionsResponse errorResponse(DescribeTopicPartitionsRequest request, ErrorCode error) {
        List<DescribeTopicPartitionsResponseTopic> topics = new ArrayList<>();
        for (TopicRequest t : request.topics()) {
            topics.add(new DescribeTopicPartitionsResponseTopic().setErrorCode(error.code()).setName(t.name())
                    .setTopicId(Uuid.ZERO).setPartitions(List.of()));
        }
        return new DescribeTopicPartitionsResponse().setTopics(topics);
    }
}
