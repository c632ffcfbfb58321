package io.fjord.broker.api;

import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.PartitionLog;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.message.DeleteRecordsRequest;
import io.fjord.protocol.message.DeleteRecordsRequest.DeleteRecordsPartition;
import io.fjord.protocol.message.DeleteRecordsRequest.DeleteRecordsTopic;
import io.fjord.protocol.message.DeleteRecordsResponse;
import io.fjord.protocol.message.DeleteRecordsResponse.DeleteRecordsPartitionResult;
import io.fjord.protocol.message.DeleteRecordsResponse.DeleteRecordsTopicResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers DeleteRecords (API 21, v0-2): moves each partition's log start offset forward to the requested
 * offset ({@link PartitionLog#deleteRecordsBefore}, whole segments below it are deleted) and answers the new
 * low watermark (the log start offset). Offset -1 means the high watermark, which on a single node is the log
 * end offset. An offset at or below the current start changes nothing and answers the current start.
 *
 * <p>Per-partition errors as Kafka: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE
 * (beyond the high watermark, or negative other than -1), POLICY_VIOLATION (cleanup.policy without delete),
 * INVALID_TOPIC_EXCEPTION (internal topics), KAFKA_STORAGE_ERROR; the low watermark is then -1. There are no
 * followers to wait for, so timeoutMs is not used. The disk work runs on the {@link PartitionManager}'s I/O
 * executor of the connection. Thread-safe.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(DeleteRecordsHandler.class);
    static final long HIGH_WATERMARK = -1;
    static final long INVALID_LOW_WATERMARK = -1;

    private final BrokerMetadata metadata;
    private final PartitionManager partitions;

    public DeleteRecordsHandler(BrokerMetadata metadata, PartitionManager partitions) {
        this.metadata = metadata;
        this.partitions = partitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<DeleteRecordsResponse> handle(RequestContext context, DeleteRecordsRequest request) {
        return CompletableFuture.supplyAsync(() -> answer(request), partitions.ioExecutor(context.clientAddress()));
    }

    private DeleteRecordsResponse answer(DeleteRecordsRequest request) {
        MetadataImage image = metadata.image();
        List<DeleteRecordsTopicResult> topics = new ArrayList<>();
        for (DeleteRecordsTopic t : request.topics()) {
            List<DeleteRecordsPartitionResult> results = new ArrayList<>();
            for (DeleteRecordsPartition p : t.partitions()) {
                results.add(delete(image.topic(t.name()), t.name(), p));
            }
            topics.add(new DeleteRecordsTopicResult().setName(t.name()).setPartitions(results));
        }
        return new DeleteRecordsResponse().setTopics(topics);
    }

    private DeleteRecordsPartitionResult delete(TopicImage topic, String name, DeleteRecordsPartition p) {
        int index = p.partitionIndex();
        PartitionImage partition = topic == null ? null : topic.partition(index);
        if (partition == null) {
            return error(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (MetadataHandler.INTERNAL_TOPICS.contains(name)) {
            return error(index, ErrorCode.INVALID_TOPIC_EXCEPTION);
        }
        if (partition.leader() != metadata.nodeId()) {
            return error(index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
        try {
            Optional<PartitionLog> found = partitions.leaderLog(name, index);
            if (found.isEmpty()) {
                return error(index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
            }
            PartitionLog log = found.get();
            if (!log.config().delete()) {
                return error(index, ErrorCode.POLICY_VIOLATION);
            }
            long offset = p.offset() == HIGH_WATERMARK ? log.logEndOffset() : p.offset();
            if (offset < 0) {
                return error(index, ErrorCode.OFFSET_OUT_OF_RANGE);
            }
            log.deleteRecordsBefore(offset);
            return new DeleteRecordsPartitionResult().setPartitionIndex(index).setErrorCode(ErrorCode.NONE.code())
                    .setLowWatermark(log.logStartOffset());
        } catch (RuntimeException e) {
            ErrorCode code = ErrorCode.forException(e);
            if (code == ErrorCode.UNKNOWN_SERVER_ERROR) {
                LOG.error("DeleteRecords for {}-{} failed", name, index, e);
            }
            return error(index, code);
        }
    }

    private static DeleteRecordsPartitionResult error(int index, ErrorCode code) {
        return new DeleteRecordsPartitionResult().setPartitionIndex(index).setErrorCode(code.code())
                .setLowWatermark(INVALID_LOW_WATERMARK);
    }

    @Override
    public DeleteRecordsResponse errorResponse(DeleteRecordsRequest request, ErrorCode error) {
        List<DeleteRecordsTopicResult> topics = new ArrayList<>();
        for (DeleteRecordsTopic t : request.topics()) {
            List<DeleteRecordsPartitionResult> results = new ArrayList<>();
            for (DeleteRecordsPartition p : t.partitions()) {
                results.add(error(p.partitionIndex(), error));
            }
            topics.add(new DeleteRecordsTopicResult().setName(t.name()).setPartitions(results));
        }
        return new DeleteRecordsResponse().setTopics(topics);
    }
}
