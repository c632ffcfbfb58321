package io.fjord.broker.api;

import io.fjord.coordinator.CommittedOffset;
import io.fjord.coordinator.FetchOffsetsResult;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.TopicPartitionRef;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Answers OffsetFetch (API 9, v1-9) from the {@link GroupCoordinator}: v1-7 one group, v8+ several groups, each
 * answered on its own. Named partitions without a committed offset (and every partition of an unknown group) answer
 * offset -1, leader epoch -1, metadata "" and NONE; a null topic list (v2+) asks for every partition the group has
 * an offset for. A group-level error goes to the top-level error on v2-7, to each named partition on v1, and to the
 * group's entry on v8+. v7+ requireStable is passed on; v9's member id and epoch concern consumer-protocol groups
 * only. Thread-safe.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequest> {
    private final GroupCoordinator coordinator;

    public OffsetFetchHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_FETCH;
    }

    /** One group's question, independent of the version: {@code partitions} null means all. */
    private record Ask(String groupId, List<TopicPartitionRef> partitions) {
    }

    @Override
    public CompletableFuture<OffsetFetchResponse> handle(RequestContext context, OffsetFetchRequest request) {
        short version = context.apiVersion();
        boolean requireStable = version >= 7 && request.requireStable();
        if (version < 8) {
            List<TopicPartitionRef> partitions = null;
            if (request.topics() != null) {
                partitions = new ArrayList<>();
                for (OffsetFetchRequest.Topic t : request.topics()) {
                    for (int p : t.partitionIndexes()) {
                        partitions.add(new TopicPartitionRef(t.name(), p));
                    }
                }
            }
            Ask ask = new Ask(request.groupId(), partitions);
            return coordinator.fetchOffsets(ask.groupId(), ask.partitions(), requireStable)
                    .thenApply(result -> singleGroup(ask, result, version));
        }
        List<Ask> asks = new ArrayList<>();
        List<CompletableFuture<FetchOffsetsResult>> results = new ArrayList<>();
        for (OffsetFetchRequest.Group g : request.groups()) {
            List<TopicPartitionRef> partitions = null;
            if (g.topics() != null) {
                partitions = new ArrayList<>();
                for (OffsetFetchRequest.Topics t : g.topics()) {
                    for (int p : t.partitionIndexes()) {
                        partitions.add(new TopicPartitionRef(t.name(), p));
                    }
                }
            }
            Ask ask = new Ask(g.groupId(), partitions);
            asks.add(ask);
            results.add(coordinator.fetchOffsets(ask.groupId(), ask.partitions(), requireStable)
                    .exceptionally(e -> FetchOffsetsResult.error(ErrorCode.forException(
                            e instanceof CompletionException && e.getCause() != null
                                    ? e.getCause() : e))));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<OffsetFetchResponse.Group> groups = new ArrayList<>();
            for (int i = 0; i < asks.size(); i++) {
                groups.add(group(asks.get(i), results.get(i).join()));
            }
            return new OffsetFetchResponse().setGroups(groups);
        });
    }

    /** The partitions to answer, by topic in order: the named ones, or every one with an offset. */
    private static Map<String, List<Integer>> partitionsToAnswer(Ask ask, FetchOffsetsResult result) {
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        if (ask.partitions() != null) {
            for (TopicPartitionRef ref : ask.partitions()) {
                byTopic.computeIfAbsent(ref.topic(), t -> new ArrayList<>()).add(ref.partition());
            }
        } else {
            Map<String, List<Integer>> sorted = new TreeMap<>();
            for (TopicPartitionRef ref : result.offsets().keySet()) {
                sorted.computeIfAbsent(ref.topic(), t -> new ArrayList<>()).add(ref.partition());
            }
            sorted.values().forEach(l -> l.sort(null));
            byTopic.putAll(sorted);
        }
        return byTopic;
    }

    private static OffsetFetchResponse singleGroup(Ask ask, FetchOffsetsResult result, short version) {
        boolean groupError = result.error() != ErrorCode.NONE;
        if (groupError && version >= 2) {
            return new OffsetFetchResponse().setErrorCode(result.error().code()).setTopics(List.of());
        }
        List<OffsetFetchResponse.Topic> topics = new ArrayList<>();
        partitionsToAnswer(ask, result).forEach((topic, indexes) -> {
            List<OffsetFetchResponse.Partition> partitions = new ArrayList<>();
            for (int index : indexes) {
                CommittedOffset offset = groupError ? null : result.offsets().get(new TopicPartitionRef(topic, index));
                partitions.add(new OffsetFetchResponse.Partition().setPartitionIndex(index)
                        .setCommittedOffset(offset == null ? -1 : offset.offset())
                        .setCommittedLeaderEpoch(offset == null ? -1 : offset.leaderEpoch())
                        .setMetadata(offset == null || offset.metadata() == null ? "" : offset.metadata())
                        .setErrorCode(result.error().code()));
            }
            topics.add(new OffsetFetchResponse.Topic().setName(topic).setPartitions(partitions));
        });
        return new OffsetFetchResponse().setErrorCode(ErrorCode.NONE.code()).setTopics(topics);
    }

    private static OffsetFetchResponse.Group group(Ask ask, FetchOffsetsResult result) {
        OffsetFetchResponse.Group group = new OffsetFetchResponse.Group().setGroupId(ask.groupId())
                .setErrorCode(result.error().code());
        List<OffsetFetchResponse.Topics> topics = new ArrayList<>();
        if (result.error() == ErrorCode.NONE) {
            partitionsToAnswer(ask, result).forEach((topic, indexes) -> {
                List<OffsetFetchResponse.Partitions> partitions = new ArrayList<>();
                for (int index : indexes) {
                    CommittedOffset offset = result.offsets().get(new TopicPartitionRef(topic, index));
                    partitions.add(new OffsetFetchResponse.Partitions().setPartitionIndex(index)
                            .setCommittedOffset(offset == null ? -1 : offset.offset())
                            .setCommittedLeaderEpoch(offset == null ? -1 : offset.leaderEpoch())
                            .setMetadata(offset == null || offset.metadata() == null ? "" : offset.metadata())
                            .setErrorCode(ErrorCode.NONE.code()));
                }
                topics.add(new OffsetFetchResponse.Topics().setName(topic).setPartitions(partitions));
            });
        }
        return group.setTopics(topics);
    }

    @Override
    public OffsetFetchResponse errorResponse(OffsetFetchRequest request, ErrorCode error) {
        List<OffsetFetchResponse.Topic> topics = new ArrayList<>();
        if (request.topics() != null) {
            for (OffsetFetchRequest.Topic t : request.topics()) {
                List<OffsetFetchResponse.Partition> partitions = new ArrayList<>();
                for (int p : t.partitionIndexes()) {
                    partitions.add(new OffsetFetchResponse.Partition().setPartitionIndex(p).setCommittedOffset(-1)
                            .setCommittedLeaderEpoch(-1).setMetadata("").setErrorCode(error.code()));
                }
                topics.add(new OffsetFetchResponse.Topic().setName(t.name()).setPartitions(partitions));
            }
        }
        List<OffsetFetchResponse.Group> groups = new ArrayList<>();
        for (OffsetFetchRequest.Group g : request.groups()) {
            groups.add(new OffsetFetchResponse.Group().setGroupId(g.groupId()).setErrorCode(error.code())
                    .setTopics(List.of()));
        }
        return new OffsetFetchResponse().setErrorCode(error.code()).setTopics(topics).setGroups(groups);
    }
}
