package io.fjord.broker.api;

import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.PartitionLog;
import io.fjord.log.TimestampAndOffset;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.ListOffsetsRequest;
import io.fjord.protocol.message.ListOffsetsRequest.ListOffsetsPartition;
import io.fjord.protocol.message.ListOffsetsRequest.ListOffsetsTopic;
import io.fjord.protocol.message.ListOffsetsResponse;
import io.fjord.protocol.message.ListOffsetsResponse.ListOffsetsPartitionResponse;
import io.fjord.protocol.message.ListOffsetsResponse.ListOffsetsTopicResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Answers ListOffsets (API 2, v1-10) from the partition logs this node leads. Special timestamps as Kafka:
 * EARLIEST (-2) and EARLIEST_LOCAL (-4) the log start offset with the leader epoch of its batch (-1 if none is
 * known); LATEST (-1) the high watermark, which on a
 * single node is the log end offset (also the last stable offset: there are no transactions yet);
 * MAX_TIMESTAMP (-3) the first record with the largest timestamp; LATEST_TIERED (-5) and
 * EARLIEST_PENDING_UPLOAD (-6) offset -1 (no tiered storage). Any other timestamp: the first record at or
 * after it ({@link PartitionLog#offsetForTimestamp}), offset -1 and timestamp -1 if there is none.
 *
 * <p>Per-partition errors: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH /
 * UNKNOWN_LEADER_EPOCH for a current leader epoch older / newer than the image's, INVALID_REQUEST for a
 * partition asked twice, KAFKA_STORAGE_ERROR. Lookups run on the {@link PartitionManager}'s executors.
 * Thread-safe.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ListOffsetsHandler.class);
    static final long LATEST = -1;
    static final long EARLIEST = -2;
    static final long MAX_TIMESTAMP = -3;
    static final long EARLIEST_LOCAL = -4;
    static final long LATEST_TIERED = -5;
    static final long EARLIEST_PENDING_UPLOAD = -6;

    private final BrokerMetadata metadata;
    private final PartitionManager partitions;

    public ListOffsetsHandler(BrokerMetadata metadata, PartitionManager partitions) {
        this.metadata = metadata;
        this.partitions = partitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_OFFSETS;
    }

    @Override
    public CompletableFuture<ListOffsetsResponse> handle(RequestContext context, ListOffsetsRequest request) {
        return CompletableFuture.supplyAsync(() -> answer(request), partitions.ioExecutor(context.clientAddress()));
    }

    private ListOffsetsResponse answer(ListOffsetsRequest request) {
        MetadataImage image = metadata.image();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (ListOffsetsTopic t : request.topics()) {
            for (ListOffsetsPartition p : t.partitions()) {
                String key = t.name() + "\u0000" + p.partitionIndex();
                if (!seen.add(key)) {
                    duplicates.add(key);
                }
            }
        }
        List<ListOffsetsTopicResponse> topics = new ArrayList<>();
        for (ListOffsetsTopic t : request.topics()) {
            TopicImage topic = image.topic(t.name());
            List<ListOffsetsPartitionResponse> results = new ArrayList<>();
            for (ListOffsetsPartition p : t.partitions()) {
                if (duplicates.contains(t.name() + "\u0000" + p.partitionIndex())) {
                    results.add(error(p.partitionIndex(), ErrorCode.INVALID_REQUEST));
                } else {
                    results.add(lookup(topic, t.name(), p));
                }
            }
            topics.add(new ListOffsetsTopicResponse().setName(t.name()).setPartitions(results));
        }
        return new ListOffsetsResponse().setTopics(topics);
    }

    private ListOffsetsPartitionResponse lookup(TopicImage topic, String name, ListOffsetsPartition p) {
        int index = p.partitionIndex();
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
            Optional<PartitionLog> found = partitions.leaderLog(name, index);
            if (found.isEmpty()) {
                return error(index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
            }
            PartitionLog log = found.get();
            long ts = p.timestamp();
            ListOffsetsPartitionResponse r = new ListOffsetsPartitionResponse().setPartitionIndex(index)
                    .setErrorCode(ErrorCode.NONE.code()).setTimestamp(-1).setOffset(-1).setLeaderEpoch(-1);
            if (ts == EARLIEST || ts == EARLIEST_LOCAL) {
                r.setOffset(log.logStartOffset()).setLeaderEpoch(log.logStartEpoch().orElse(-1));
            } else if (ts == LATEST) {
                r.setOffset(log.logEndOffset()).setLeaderEpoch(partition.leaderEpoch());
            } else if (ts == LATEST_TIERED || ts == EARLIEST_PENDING_UPLOAD) {
                r.setOffset(-1);
            } else {
                Optional<TimestampAndOffset> hit = ts == MAX_TIMESTAMP ? log.maxTimestampOffset()
                        : ts < 0 ? Optional.empty() : log.offsetForTimestamp(ts);
                if (ts < 0 && ts != MAX_TIMESTAMP) {
                    return error(index, ErrorCode.INVALID_REQUEST);
                }
                hit.ifPresent(h -> r.setTimestamp(h.timestamp()).setOffset(h.offset()).setLeaderEpoch(h.leaderEpoch()));
            }
            return r;
        } catch (RuntimeException e) {
            ErrorCode code = ErrorCode.forException(e);
            if (code == ErrorCode.UNKNOWN_SERVER_ERROR) {
                LOG.error("ListOffsets for {}-{} failed", name, index, e);
            }
            return error(index, code);
        }
    }

    private static ListOffsetsPartitionResponse error(int index, ErrorCode code) {
        return new ListOffsetsPartitionResponse().setPartitionIndex(index).setErrorCode(code.code())
                .setTimestamp(-1).setOffset(-1).setLeaderEpoch(-1);
    }

    @Override
    public ListOffsetsResponse errorResponse(ListOffsetsRequest request, ErrorCode error) {
        List<ListOffsetsTopicResponse> topics = new ArrayList<>();
        for (ListOffsetsTopic t : request.topics()) {
            List<ListOffsetsPartitionResponse> results = new ArrayList<>();
            for (ListOffsetsPartition p : t.partitions()) {
                results.add(error(p.partitionIndex(), error));
            }
            topics.add(new ListOffsetsTopicResponse().setName(t.name()).setPartitions(results));
        }
        return new ListOffsetsResponse().setTopics(topics);
    }
}
