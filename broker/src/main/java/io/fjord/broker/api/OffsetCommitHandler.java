package io.fjord.broker.api;

import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.coordinator.CommitRequest;
import io.fjord.coordinator.CommitResult;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.TopicPartitionRef;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers OffsetCommit (API 8, v2-9). Partitions of topics (or partition numbers) the metadata image does not know
 * get UNKNOWN_TOPIC_OR_PARTITION here, as Kafka's broker decides before its coordinator sees them; the others go to
 * the {@link GroupCoordinator}, which checks the member and generation (a commit with generation -1 and no member
 * comes from outside the group), the metadata size (OFFSET_METADATA_TOO_LARGE), and answers once the offsets are
 * written to {@code __consumer_offsets}; from v9 a commit with a generation to an unknown group is GROUP_ID_NOT_FOUND
 * (ILLEGAL_GENERATION before), as Kafka. v2-4's retention time is honoured as Kafka 4.1 does: other than -1 it gives
 * the offsets an explicit expire timestamp (commit time plus it) that wins over offsets.retention.minutes; v6+ carry
 * the committed leader epoch, v7+ group.instance.id; v9's member epoch is the classic generation.
 * The answer lists every partition asked for, in request order. Thread-safe.
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest> {
    private final BrokerMetadata metadata;
    private final GroupCoordinator coordinator;

    public OffsetCommitHandler(BrokerMetadata metadata, GroupCoordinator coordinator) {
        this.metadata = metadata;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<OffsetCommitResponse> handle(RequestContext context, OffsetCommitRequest request) {
        short version = context.apiVersion();
        MetadataImage image = metadata.image();
        Map<TopicPartitionRef, ErrorCode> early = new HashMap<>();
        List<CommitRequest.Offset> offsets = new ArrayList<>();
        for (OffsetCommitRequest.Topic t : request.topics()) {
            TopicImage topic = image.topic(t.name());
            for (OffsetCommitRequest.Partition p : t.partitions()) {
                TopicPartitionRef ref = new TopicPartitionRef(t.name(), p.partitionIndex());
                if (topic == null || topic.partition(p.partitionIndex()) == null) {
                    early.put(ref, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    offsets.add(new CommitRequest.Offset(ref, p.committedOffset(),
                            version >= 6 ? p.committedLeaderEpoch() : -1, p.committedMetadata()));
                }
            }
        }
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(response(request, early, Map.of()));
        }
        CommitRequest commit = new CommitRequest(request.groupId(), request.memberId(),
                version >= 7 ? request.groupInstanceId() : null, request.generationIdOrMemberEpoch(), offsets,
                version <= 4 ? request.retentionTimeMs() : -1);
        return coordinator.commitOffsets(commit, version).thenApply(result -> response(request, early, result.errors()));
    }

    private static OffsetCommitResponse response(OffsetCommitRequest request, Map<TopicPartitionRef, ErrorCode> early,
                                                 Map<TopicPartitionRef, ErrorCode> committed) {
        List<OffsetCommitResponse.Topic> topics = new ArrayList<>();
        for (OffsetCommitRequest.Topic t : request.topics()) {
            List<OffsetCommitResponse.Partition> partitions = new ArrayList<>();
            for (OffsetCommitRequest.Partition p : t.partitions()) {
                TopicPartitionRef ref = new TopicPartitionRef(t.name(), p.partitionIndex());
                ErrorCode error = early.getOrDefault(ref, committed.getOrDefault(ref, ErrorCode.UNKNOWN_SERVER_ERROR));
                partitions.add(new OffsetCommitResponse.Partition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
            topics.add(new OffsetCommitResponse.Topic().setName(t.name()).setPartitions(partitions));
        }
        return new OffsetCommitResponse().setTopics(topics);
    }

    @Override
    public OffsetCommitResponse errorResponse(OffsetCommitRequest request, ErrorCode error) {
        List<OffsetCommitResponse.Topic> topics = new ArrayList<>();
        for (OffsetCommitRequest.Topic t : request.topics()) {
            List<OffsetCommitResponse.Partition> partitions = new ArrayList<>();
            for (OffsetCommitRequest.Partition p : t.partitions()) {
                partitions.add(new OffsetCommitResponse.Partition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
            topics.add(new OffsetCommitResponse.Topic().setName(t.name()).setPartitions(partitions));
        }
        return new OffsetCommitResponse().setTopics(topics);
    }
}
