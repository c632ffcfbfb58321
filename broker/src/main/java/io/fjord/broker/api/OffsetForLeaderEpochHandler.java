package io.fjord.broker.api;

import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.EpochEndOffset;
import io.fjord.log.PartitionLog;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.OffsetForLeaderEpochRequest;
import io.fjord.protocol.message.OffsetForLeaderEpochRequest.OffsetForLeaderPartition;
import io.fjord.protocol.message.OffsetForLeaderEpochRequest.OffsetForLeaderTopic;
import io.fjord.protocol.message.OffsetForLeaderEpochResponse;
import io.fjord.protocol.message.OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private static final Logger LOG = LoggerFactory.getLogger(OffsetForLeaderEpochHandler.class);

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
        PartitionImage partition = topic == null ? null : topic.partition(index);
        if (partition == null) {
            return error(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (partition.leader() != metadata.nodeId()) {
            return error(index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
        if (p.currentLeaderEpoch() >= 0 && p.currentLeaderEpoch() < partition.leaderEpoch()) {
            return error(index, ErrorCode.FENCED_LEADER_EPOCH);
        }
        if (p.currentLeaderEpoch() > partition.leaderEpoch()) {
            return error(index, ErrorCode.UNKNOWN_LEADER_EPOCH);
        }
        try {
            Optional<PartitionLog> log = partitions.leaderLog(name, index);
            if (log.isEmpty()) {
                return error(index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
            }
            EpochEndOffset end = log.get().endOffsetForEpoch(p.leaderEpoch());
            return new OffsetForLeaderEpochResponse.EpochEndOffset().setPartition(index)
                    .setErrorCode(ErrorCode.NONE.code()).setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
        } catch (RuntimeException e) {
            ErrorCode code = ErrorCode.forException(e);
            if (code == ErrorCode.UNKNOWN_SERVER_ERROR) {
                LOG.error("OffsetForLeaderEpoch for {}-{} failed", name, index, e);
            }
            return error(index, code);
        }
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
