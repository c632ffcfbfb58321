package io.fjord.broker.api;

import io.fjord.broker.fetch.DelayedFetch;
import io.fjord.broker.fetch.FetchContext;
import io.fjord.broker.fetch.FetchPartition;
import io.fjord.broker.fetch.FetchReader;
import io.fjord.broker.fetch.FetchSessionCache;
import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.TopicPartition;
import io.fjord.metrics.BrokerTopicMetrics;
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
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Answers Fetch (API 1, v4-18): consumers and followers read record batches. Topics are named up to v12 and
 * identified by topic id from v13 (an unknown id: UNKNOWN_TOPIC_ID). Incremental fetch sessions (v7+,
 * KIP-227) are the {@link FetchSessionCache}'s; per-partition checks, limits, high watermark and last stable
 * offset the {@link FetchReader}'s. Preferred read replica is always -1; aborted transactions are an empty list
 * for read_committed (there are no transactions yet) and null otherwise.
 *
 * <p>Long poll: a fetch that finds fewer than min.bytes (and no partition error) waits as a {@link DelayedFetch}
 * in the {@link PartitionManager#fetchPurgatory()} until appends to its partitions make min.bytes readable or
 * max.wait.ms passes; then it is read again and answered. max.wait.ms <= 0, min.bytes <= 0 or no partitions
 * answer at once.
 *
 * <p>Counts kafka.server BrokerTopicMetrics per partition read (see {@link #count}) into the meters each read
 * found with its log ({@link FetchReader.Result#meters()}), so the hot path looks nothing up for them; only a
 * partition refused before it reached a log (another leader, a fenced epoch) looks its topic's meters up in
 * {@link PartitionManager#topicMetrics()}. A long poll marks the end of its local work before it waits, so its wait
 * is the request's RemoteTimeMs.
 *
 * <p>Reads run on the {@link PartitionManager}'s I/O executor of the client connection, never on the network
 * thread; records are references into segment files, sent zero-copy by the response encoder. Thread-safe.
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {
    private static final byte READ_COMMITTED = 1;

    /** Read errors Kafka does not count as FailedFetchRequestsPerSec (expected, not the broker's fault). */
    private static final Set<ErrorCode> NOT_COUNTED_AS_FAILED = EnumSet.of(ErrorCode.NONE,
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_ID, ErrorCode.NOT_LEADER_OR_FOLLOWER,
            ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.REPLICA_NOT_AVAILABLE,
            ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.INCONSISTENT_TOPIC_ID, ErrorCode.OFFSET_OUT_OF_RANGE);

    private final BrokerMetadata metadata;
    private final PartitionManager partitions;
    private final FetchReader reader;
    private final FetchSessionCache sessions;

    public FetchHandler(BrokerMetadata metadata, PartitionManager partitions) {
        this.metadata = metadata;
        this.partitions = partitions;
        this.reader = new FetchReader(metadata, partitions);
        this.sessions = FetchSessionCache.fromBrokerProperties(metadata.config().originals());
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH;
    }

    @Override
    public CompletableFuture<FetchResponse> handle(RequestContext context, FetchRequest request) {
        short version = context.apiVersion();
        ExecutorService executor = partitions.ioExecutor(context.clientAddress());
        CompletableFuture<FetchResponse> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                fetch(context, request, version, executor, result);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void fetch(RequestContext requestContext, FetchRequest request, short version, ExecutorService executor,
                       CompletableFuture<FetchResponse> result) {
        FetchContext context = sessions.newContext(request, version, metadata.image());
        if (context.error() != ErrorCode.NONE) {
            result.complete(context.response(List.of(), false));
            return;
        }
        FetchReader.Reader who = new FetchReader.Reader(replicaId(request), request.isolationLevel() == READ_COMMITTED);
        List<FetchPartition> fetches = context.partitions();
        List<FetchReader.Result> results = reader.read(fetches, request.maxBytes(), who);
        boolean answerNow = request.maxWaitMs() <= 0 || fetches.isEmpty()
                || FetchReader.satisfied(results, request.minBytes());
        count(results, who, answerNow);
        if (answerNow) {
            result.complete(context.response(results, who.readCommitted()));
            return;
        }
        requestContext.times().localWorkDone();
        Runnable respond = () -> {
            try {
                List<FetchReader.Result> last = reader.read(fetches, request.maxBytes(), who);
                count(last, who, true);
                result.complete(context.response(last, who.readCommitted()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        };
        DelayedFetch delayed = new DelayedFetch(request.maxWaitMs(), fetches, request.minBytes(), reader, who,
                executor, respond);
        partitions.fetchPurgatory().tryCompleteElseWatch(delayed, keys(fetches));
    }

    /**
     * Counts one read of the partitions as Kafka's ReplicaManager does: each partition of a known topic read is a
     * fetch request (again when a delayed fetch reads it again), an unexpected error a failed one; the bytes of
     * the records answered to a consumer ({@code answered}, not a follower) are BytesOutPerSec. The meters are the
     * ones the read found with the log; a result without them looks its topic's up, once per run of its partitions.
     */
    private void count(List<FetchReader.Result> results, FetchReader.Reader who, boolean answered) {
        String lookedUpTopic = null;
        BrokerTopicMetrics lookedUp = null;
        for (FetchReader.Result r : results) {
            String name = r.partition().topic();
            if (name == null || r.error() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || r.error() == ErrorCode.UNKNOWN_TOPIC_ID) {
                continue;
            }
            BrokerTopicMetrics counts = r.meters();
            if (counts == null) {
                if (!name.equals(lookedUpTopic)) {
                    lookedUpTopic = name;
                    lookedUp = partitions.topicMetrics().topic(name);
                }
                counts = lookedUp;
            }
            counts.markFetchRequest();
            if (!NOT_COUNTED_AS_FAILED.contains(r.error())) {
                counts.markFailedFetch();
            }
            if (answered && !who.isFollower() && r.bytes() > 0) {
                counts.markBytesOut(r.bytes());
            }
        }
    }

    private static List<TopicPartition> keys(List<FetchPartition> fetches) {
        Set<TopicPartition> keys = new LinkedHashSet<>();
        for (FetchPartition p : fetches) {
            if (p.topic() != null) {
                keys.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        return new ArrayList<>(keys);
    }

    private static int replicaId(FetchRequest request) {
        return request.replicaState() != null && request.replicaState().replicaId() >= 0
                ? request.replicaState().replicaId() : request.replicaId();
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
