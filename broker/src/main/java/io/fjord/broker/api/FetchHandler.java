package io.fjord.broker.api;

import io.fjord.broker.fetch.FetchPartition;
import io.fjord.broker.fetch.FetchReader;
import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKey;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchRequest.FetchTopic;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.FetchResponse.FetchableTopicResponse;
import io.fjord.protocol.message.FetchResponse.PartitionData;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers Fetch (API 1, v4-18): consumers and followers read record batches. Topics are named up to v12 and
 * identified by topic id from v13 (an unknown id: UNKNOWN_TOPIC_ID). Per-partition checks, limits, high
 * watermark and last stable offset are the {@link FetchReader}'s. Preferred read replica is always -1; aborted
 * transactions are an empty list for read_committed (there are no transactions yet) and null otherwise.
 *
 * <p>Reads run on the {@link PartitionManager}'s I/O executor of the client connection, never on the network
 * thread; records are references into segment files, sent zero-copy by the response encoder. Thread-safe.
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {
    static final short FIRST_TOPIC_ID_VERSION = 13;
    private static final byte READ_COMMITTED = 1;

    private final BrokerMetadata metadata;
    private final PartitionManager partitions;
    private final FetchReader reader;

    public FetchHandler(BrokerMetadata metadata, PartitionManager partitions) {
        this.metadata = metadata;
        this.partitions = partitions;
        this.reader = new FetchReader(metadata, partitions);
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH;
    }

    @Override
    public CompletableFuture<FetchResponse> handle(RequestContext context, FetchRequest request) {
        short version = context.apiVersion();
        return CompletableFuture.supplyAsync(() -> answer(request, version),
                partitions.ioExecutor(context.clientAddress()));
    }

    private FetchResponse answer(FetchRequest request, short version) {
        List<FetchPartition> fetches = partitionsOf(request, version >= FIRST_TOPIC_ID_VERSION);
        FetchReader.Reader who = new FetchReader.Reader(replicaId(request), request.isolationLevel() == READ_COMMITTED);
        List<FetchReader.Result> results = reader.read(fetches, request.maxBytes(), who);
        return response(results, who.readCommitted()).setSessionId(0);
    }

    static int replicaId(FetchRequest request) {
        return request.replicaState() != null && request.replicaState().replicaId() >= 0
                ? request.replicaState().replicaId() : request.replicaId();
    }

    private List<FetchPartition> partitionsOf(FetchRequest request, boolean byId) {
        MetadataImage image = metadata.image();
        List<FetchPartition> fetches = new ArrayList<>();
        for (FetchTopic t : request.topics()) {
            String name = byId ? nameOf(image, t.topicId()) : t.topic();
            Uuid id = byId ? t.topicId() : Uuid.ZERO;
            for (FetchRequest.FetchPartition p : t.partitions()) {
                fetches.add(new FetchPartition(name, id, p.partition(), p.fetchOffset(), p.partitionMaxBytes(),
                        p.currentLeaderEpoch(), p.lastFetchedEpoch()));
            }
        }
        return fetches;
    }

    private static String nameOf(MetadataImage image, Uuid id) {
        TopicImage topic = id == null ? null : image.topic(id);
        return topic == null ? null : topic.name();
    }

    /** The response for {@code results}, consecutive partitions of one topic grouped under it. */
    static FetchResponse response(List<FetchReader.Result> results, boolean readCommitted) {
        List<FetchableTopicResponse> topics = new ArrayList<>();
        FetchableTopicResponse current = null;
        for (FetchReader.Result r : results) {
            FetchPartition p = r.partition();
            if (current == null || !sameTopic(current, p)) {
                current = new FetchableTopicResponse().setTopic(p.topic() == null ? "" : p.topic())
                        .setTopicId(p.topicId()).setPartitions(new ArrayList<>());
                topics.add(current);
            }
            current.partitions().add(partitionData(r, readCommitted));
        }
        return new FetchResponse().setErrorCode(ErrorCode.NONE.code()).setResponses(topics);
    }

    private static boolean sameTopic(FetchableTopicResponse t, FetchPartition p) {
        return t.topicId().equals(p.topicId()) && t.topic().equals(p.topic() == null ? "" : p.topic());
    }

    private static PartitionData partitionData(FetchReader.Result r, boolean readCommitted) {
        PartitionData d = new PartitionData().setPartitionIndex(r.partition().partition())
                .setErrorCode(r.error().code()).setHighWatermark(r.highWatermark())
                .setLastStableOffset(r.lastStableOffset()).setLogStartOffset(r.logStartOffset())
                .setAbortedTransactions(readCommitted && r.error() == ErrorCode.NONE ? new ArrayList<>() : null)
                .setPreferredReadReplica(-1).setRecords(r.records());
        if (r.divergingEpoch() != null) {
            d.setDivergingEpoch(new FetchResponse.EpochEndOffset().setEpoch(r.divergingEpoch().epoch())
                    .setEndOffset(r.divergingEpoch().endOffset()));
        }
        if (r.leaderId() >= 0) {
            d.setCurrentLeader(new FetchResponse.LeaderIdAndEpoch().setLeaderId(r.leaderId())
                    .setLeaderEpoch(r.leaderEpoch()));
        }
        return d;
    }

    @Override
    public FetchResponse errorResponse(FetchRequest request, ErrorCode error) {
        List<FetchableTopicResponse> topics = new ArrayList<>();
        for (FetchTopic t : request.topics()) {
            List<PartitionData> results = new ArrayList<>();
            for (FetchRequest.FetchPartition p : t.partitions()) {
                results.add(new PartitionData().setPartitionIndex(p.partition()).setErrorCode(error.code())
                        .setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1)
                        .setPreferredReadReplica(-1).setRecords(Unpooled.EMPTY_BUFFER));
            }
            topics.add(new FetchableTopicResponse().setTopic(t.topic() == null ? "" : t.topic())
                    .setTopicId(t.topicId() == null ? Uuid.ZERO : t.topicId()).setPartitions(results));
        }
        return new FetchResponse().setErrorCode(error.code()).setSessionId(0).setResponses(topics);
    }
}
