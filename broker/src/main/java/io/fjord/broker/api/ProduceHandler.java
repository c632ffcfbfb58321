package io.fjord.broker.api;

import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.AppendOrigin;
import io.fjord.log.AppendResult;
import io.fjord.log.PartitionLog;
import io.fjord.log.RecordValidationException;
import io.fjord.metadata.MetadataImage;
import io.fjord.metrics.BrokerTopicMetrics;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceRequest.PartitionProduceData;
import io.fjord.protocol.message.ProduceRequest.TopicProduceData;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.message.ProduceResponse.BatchIndexAndErrorMessage;
import io.fjord.protocol.message.ProduceResponse.PartitionProduceResponse;
import io.fjord.protocol.message.ProduceResponse.TopicProduceResponse;
import io.fjord.protocol.records.RecordBatch;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Answers Produce (API 0). Versions 0-13 are advertised as Kafka 4 does, but v0-2 are answered with
 * UNSUPPORTED_VERSION for every partition (KAFKA-18659). acks other than 0, 1 and -1 get
 * INVALID_REQUIRED_ACKS.
 *
 * <p>Per partition: a topic unknown by name UNKNOWN_TOPIC_OR_PARTITION (by id, v13: UNKNOWN_TOPIC_ID), an
 * unknown partition UNKNOWN_TOPIC_OR_PARTITION, a partition of an internal topic (__consumer_offsets,
 * __transaction_state: only coordinators append there) INVALID_TOPIC_EXCEPTION, a partition led by another node
 * NOT_LEADER_OR_FOLLOWER;
 * otherwise the records are appended with {@link PartitionLog#append(io.netty.buffer.ByteBuf, int, AppendOrigin)} as
 * {@link AppendOrigin#CLIENT} at the leader epoch of the image (Kafka's leader validation: one magic-2 batch,
 * offsets, keys on compacted topics, timestamps), and the log's typed failures become Kafka's codes
 * (CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_RECORD, INVALID_TIMESTAMP, INVALID_TXN_STATE,
 * OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, KAFKA_STORAGE_ERROR) with the exception's message as
 * error_message and, for rejected records, their record_errors (v8+). A request with a transactional batch
 * but no transactional id gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED for every partition. A success carries the base
 * offset, the log append time (-1 unless message.timestamp.type=LogAppendTime) and the log start offset.
 *
 * <p>acks=0: the records are appended and no response is sent; if any partition (or the whole request)
 * fails, the connection is closed instead ({@link CloseConnectionException}), as Kafka does, so the client
 * learns of the error and refreshes its metadata; {@link #errorResponse} is null for acks=0. acks=1 and acks=-1 are both answered after
 * the local append: on a single node the ISR is this node alone, so acks=all waits on nothing else yet
 * (no replication, no min.insync.replicas check).
 *
 * <p>Counts kafka.server BrokerTopicMetrics per partition of a known topic (see {@link #appendPartition}). An
 * append counts into the meters that come with the partition's log ({@link PartitionManager#leader}), so the hot
 * path looks nothing up for them; only a partition refused before it reaches a log (unknown partition, internal
 * topic, another leader) looks its topic's meters up in {@link PartitionManager#topicMetrics()}.
 *
 * <p>Appends run on the {@link PartitionManager}'s executor of the client connection (requests of one
 * connection are appended in order), never on the network thread. Thread-safe.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);
    private static final short FIRST_SUPPORTED_VERSION = 3;
    private static final short FIRST_TOPIC_ID_VERSION = 13;

    /** Append failures Kafka does not count as FailedProduceRequestsPerSec (expected, not the broker's fault). */
    private static final Set<ErrorCode> NOT_COUNTED_AS_FAILED = EnumSet.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.RECORD_LIST_TOO_LARGE,
            ErrorCode.CORRUPT_MESSAGE, ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.INVALID_TOPIC_EXCEPTION);

    private final BrokerMetadata metadata;
    private final PartitionManager partitions;

    public ProduceHandler(BrokerMetadata metadata, PartitionManager partitions) {
        this.metadata = metadata;
        this.partitions = partitions;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PRODUCE;
    }

    @Override
    public CompletableFuture<ProduceResponse> handle(RequestContext context, ProduceRequest request) {
        short version = context.apiVersion();
        if (version < FIRST_SUPPORTED_VERSION) {
            return answer(allFailed(request, ErrorCode.UNSUPPORTED_VERSION), request.acks() == 0);
        }
        short acks = request.acks();
        if (acks != 0 && acks != 1 && acks != -1) {
            return CompletableFuture.completedFuture(errorResponse(request, ErrorCode.INVALID_REQUIRED_ACKS));
        }
        if (request.transactionalId() == null && hasTransactionalBatch(request)) {
            return answer(allFailed(request, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED), acks == 0);
        }
        boolean byId = version >= FIRST_TOPIC_ID_VERSION;
        CompletableFuture<ProduceResponse> result = new CompletableFuture<>();
        try {
            partitions.ioExecutor(context.clientAddress()).execute(() -> {
                try {
                    ProduceResponse response = append(request, byId);
                    if (acks != 0) {
                        result.complete(response);
                    } else if (hasError(response)) {
                        result.completeExceptionally(new CloseConnectionException("acks=0 produce failed: "
                                + errors(response)));
                    } else {
                        result.complete(null);
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private static CompletableFuture<ProduceResponse> answer(ProduceResponse response, boolean acksZero) {
        if (acksZero) {
            return CompletableFuture.failedFuture(new CloseConnectionException("acks=0 produce failed: "
                    + errors(response)));
        }
        return CompletableFuture.completedFuture(response);
    }

    private static boolean hasError(ProduceResponse response) {
        return response.responses().stream().flatMap(t -> t.partitionResponses().stream())
                .anyMatch(p -> p.errorCode() != ErrorCode.NONE.code());
    }

    /** "topic-partition: ERROR" for every failed partition, for the log line of the closed connection. */
    private static String errors(ProduceResponse response) {
        StringBuilder out = new StringBuilder();
        for (TopicProduceResponse t : response.responses()) {
            for (PartitionProduceResponse p : t.partitionResponses()) {
                if (p.errorCode() != ErrorCode.NONE.code()) {
                    if (out.length() > 0) {
                        out.append(", ");
                    }
                    out.append(t.name().isEmpty() ? t.topicId() : t.name()).append('-').append(p.index()).append(": ")
                            .append(ErrorCode.forCode(p.errorCode()));
                }
            }
        }
        return out.toString();
    }

    private ProduceResponse append(ProduceRequest request, boolean byId) {
        MetadataImage image = metadata.image();
        List<TopicProduceResponse> topics = new ArrayList<>();
        for (TopicProduceData t : request.topicData()) {
            TopicImage topic = byId ? image.topic(t.topicId()) : image.topic(t.name());
            ErrorCode topicError = topic != null ? null
                    : byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
            List<PartitionProduceResponse> results = new ArrayList<>();
            for (PartitionProduceData p : t.partitionData()) {
                results.add(topicError != null ? error(p.index(), topicError, null) : appendPartition(topic, p));
            }
            topics.add(topicResponse(t).setPartitionResponses(results));
        }
        return new ProduceResponse().setResponses(topics);
    }

    /**
     * Appends one partition's records, counting as Kafka's ReplicaManager does: every partition of a known topic is a
     * produce request, a success adds its records (offsets appended, from the batch header) and bytes, a failure
     * other than {@link #NOT_COUNTED_AS_FAILED} is a failed produce request. The meters are the ones that come with
     * the log ({@link PartitionManager.LeaderLog#meters()}); a partition refused before it has a log looks them up.
     */
    private PartitionProduceResponse appendPartition(TopicImage topic, PartitionProduceData p) {
        PartitionImage partition = topic.partition(p.index());
        if (partition == null) {
            return refused(topic, p.index(), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
        }
        if (MetadataHandler.INTERNAL_TOPICS.contains(topic.name())) {
            return refused(topic, p.index(), ErrorCode.INVALID_TOPIC_EXCEPTION,
                    "Cannot append to internal topic " + topic.name());
        }
        if (partition.leader() != metadata.nodeId()) {
            return refused(topic, p.index(), ErrorCode.NOT_LEADER_OR_FOLLOWER, null);
        }
        BrokerTopicMetrics counts = null;
        try {
            Optional<PartitionManager.LeaderLog> leader = partitions.leader(topic.name(), p.index());
            if (leader.isEmpty()) {
                return refused(topic, p.index(), ErrorCode.NOT_LEADER_OR_FOLLOWER, null);
            }
            counts = leader.get().meters();
            counts.markProduceRequest();
            if (p.records() == null) {
                return error(p.index(), ErrorCode.CORRUPT_MESSAGE, "No records");
            }
            int bytes = p.records().readableBytes();
            AppendResult r = leader.get().log().append(p.records().duplicate(), partition.leaderEpoch(),
                    AppendOrigin.CLIENT);
            counts.markAppended(r.lastOffset() - r.firstOffset() + 1, bytes);
            return new PartitionProduceResponse().setIndex(p.index()).setErrorCode(ErrorCode.NONE.code())
                    .setBaseOffset(r.firstOffset()).setLogAppendTimeMs(r.logAppendTime())
                    .setLogStartOffset(r.logStartOffset());
        } catch (RuntimeException e) {
            if (counts == null) {
                counts = partitions.topicMetrics().topic(topic.name());
                counts.markProduceRequest();
            }
            ErrorCode code = ErrorCode.forException(e);
            if (!NOT_COUNTED_AS_FAILED.contains(code)) {
                counts.markFailedProduce();
            }
            if (code == ErrorCode.UNKNOWN_SERVER_ERROR) {
                LOG.error("Append to {}-{} failed", topic.name(), p.index(), e);
            } else {
                LOG.debug("Append to {}-{} failed: {}", topic.name(), p.index(), e.toString());
            }
            PartitionProduceResponse response = error(p.index(), code, e.getMessage());
            if (e instanceof RecordValidationException invalid) {
                response.setRecordErrors(invalid.recordErrors().stream().map(r -> new BatchIndexAndErrorMessage()
                        .setBatchIndex(r.batchIndex()).setBatchIndexErrorMessage(r.message())).toList());
            }
            return response;
        }
    }

    /** A partition of a known topic refused before it reached a log: still a produce request of the topic. */
    private PartitionProduceResponse refused(TopicImage topic, int index, ErrorCode code, String message) {
        partitions.topicMetrics().topic(topic.name()).markProduceRequest();
        return error(index, code, message);
    }

    /** Whether a partition's first batch is transactional (Kafka then requires a transactional id). */
    private static boolean hasTransactionalBatch(ProduceRequest request) {
        for (TopicProduceData t : request.topicData()) {
            for (PartitionProduceData p : t.partitionData()) {
                ByteBuf records = p.records();
                if (records != null && records.readableBytes() >= RecordBatch.HEADER_SIZE
                        && records.getByte(records.readerIndex() + RecordBatch.MAGIC_OFFSET) == RecordBatch.MAGIC
                        && (records.getShort(records.readerIndex() + RecordBatch.ATTRIBUTES_OFFSET) & RecordBatch.TRANSACTIONAL_FLAG) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static TopicProduceResponse topicResponse(TopicProduceData t) {
        return new TopicProduceResponse().setName(t.name() == null ? "" : t.name())
                .setTopicId(t.topicId() == null ? Uuid.ZERO : t.topicId());
    }

    private static PartitionProduceResponse error(int index, ErrorCode code, String message) {
        return new PartitionProduceResponse().setIndex(index).setErrorCode(code.code()).setBaseOffset(-1)
                .setLogAppendTimeMs(-1).setLogStartOffset(-1).setErrorMessage(message);
    }

    @Override
    public ProduceResponse errorResponse(ProduceRequest request, ErrorCode error) {
        return request.acks() == 0 ? null : allFailed(request, error);
    }

    private static ProduceResponse allFailed(ProduceRequest request, ErrorCode error) {
        List<TopicProduceResponse> topics = new ArrayList<>();
        for (TopicProduceData t : request.topicData()) {
            List<PartitionProduceResponse> results = new ArrayList<>();
            for (PartitionProduceData p : t.partitionData()) {
                results.add(error(p.index(), error, null));
            }
            topics.add(topicResponse(t).setPartitionResponses(results));
        }
        return new ProduceResponse().setResponses(topics);
    }
}
