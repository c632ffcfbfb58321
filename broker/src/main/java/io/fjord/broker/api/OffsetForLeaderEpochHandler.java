package io.fjord.broker.api;

import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.EpochEndOffset;
import io.fjord.log.PartitionLog;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.OffsetForLeaderEpochRequest;
import io.fjord.protocol.message.OffsetForLeaderEpochRequest.OffsetForLeaderPartition;
import io.fjord.protocol.message.OffsetForLeaderEpochRequest.OffsetForLeaderTopic;
import io.fjord.protocol.message.OffsetForLeaderEpochResponse;
import io.fjord.protocol.message.OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers OffsetForLeaderEpoch (API 23, v2-4): for each partition, the largest leader epoch at or below the
 * requested one and the offset where it ended ({@link PartitionLog#endOffsetForEpoch}; the log end offset for
 * the latest epoch; -1/-1, as Kafka, for an epoch above the latest or when no epoch at or below it is known). Consumers use it to validate their position
 * after a leader change (KIP-320), followers to find where to truncate.
 *
 * <p>Per-partition errors as Kafka: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER (this node does not lead
 * it), FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH for a current leader epoch older / newer than the image's,
 * KAFKA_STORAGE_ERROR. Only the leader answers (this node has no follower logs), whatever the replica id.
 * Lookups run on the {@link PartitionManager}'s I/O executor. Thread-safe.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetForLeaderEpochRequest> {
    private final BrokerMetadata metadata;
    private final PartitionManager partitions;

    public OffsetForLeaderEpochHandler(BrokerMetadata metadata, PartitionManager partitions) {
        this.metadata = metadata;
        this.partitions = partitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public CompletableFuture<OffsetForLeaderEpochResponse> handle(RequestContext context,
                                                                  OffsetForLeaderEpochRequest request) {
        return CompletableFuture.supplyAsync(() -> answer(request), partitions.ioExecutor(context.clientAddress()));
    }

    private OffsetForLeaderEpochResponse answer(OffsetForLeaderEpochRequest request) {
        MetadataImage image = metadata.image();
        List<OffsetForLeaderTopicResult> topics = new ArrayList<>();
        for (OffsetForLeaderTopic t : request.topics()) {
            TopicImage topic = image.topic(t.topic());
            List<OffsetForLeaderEpochResponse.EpochEndOffset> results = new ArrayList<>();
            for (OffsetForLeaderPartition p : t.partitions()) {
                results.add(lookup(topic, t.topic(), p));
            }
            topics.add(new OffsetForLeaderTopicResult().setTopic(t.topic()).setPartitions(results));
        }
        return new OffsetForLeaderEpochResponse().setTopics(topics);
    }

    private OffsetForLeaderEpochResponse.EpochEndOffset lookup(TopicImage topic, String name,
                                                               OffsetForLeaderPartition p) {
        int index = p.partition();
        return LeaderLogRead.read(metadata, partitions, "OffsetForLeaderEpoch", topic, name, index,
                p.currentLeaderEpoch(), code -> error(index, code), (partition, log) -> {
                    EpochEndOffset end = log.endOffsetForEpoch(p.leaderEpoch());
                    return new OffsetForLeaderEpochResponse.EpochEndOffset().setPartition(index)
                            .setErrorCode(ErrorCode.NONE.code()).setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
                });
    }

    private static OffsetForLeaderEpochResponse.EpochEndOffset error(int index, ErrorCode code) {
        return new OffsetForLeaderEpochResponse.EpochEndOffset().setPartition(index).setErrorCode(code.code())
                .setLeaderEpoch(-1).setEndOffset(-1);
    }

    @Override
    public OffsetForLeaderEpochResponse errorResponse(OffsetForLeaderEpochRequest request, ErrorCode error) {
        List<OffsetForLeaderTopicResult> topics = new ArrayList<>();
        for (OffsetForLeaderTopic t : request.topics()) {
            List<OffsetForLeaderEpochResponse.EpochEndOffset> results = new ArrayList<>();
            for (OffsetForLeaderPartition p : t.partitions()) {
                results.add(error(p.partition(), error));
            }
            topics.add(new OffsetForLeaderTopicResult().setTopic(t.topic()).setPartitions(results));
        }
        return new OffsetForLeaderEpochResponse().setTopics(topics);
    }
}
