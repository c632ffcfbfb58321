package io.fjord.broker.fetch;

import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.EpochEndOffset;
import io.fjord.log.FileSlice;
import io.fjord.log.PartitionLog;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.metrics.BrokerTopicMetrics;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.records.FileRecordsBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads the partitions of a fetch from the logs this node leads, with Kafka's checks and limits: per partition
 * UNKNOWN_TOPIC_ID (topic id not in the image), UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER,
 * FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH (a current leader epoch older / newer than the image's),
 * OFFSET_OUT_OF_RANGE (fetch offset outside [log start offset, log end offset]), KAFKA_STORAGE_ERROR; a last
 * fetched epoch whose end in this log is before the fetch offset gives a diverging epoch and no records.
 *
 * <p>A single node is the whole ISR, so the high watermark is the log end offset, and with no transactions
 * the last stable offset is the high watermark. Consumers read up to the high watermark (read_committed up
 * to the last stable offset), followers up to the log end offset.
 *
 * <p>Limits: each partition at most its partition max bytes and what is left of the response max bytes,
 * except that the first partition with data gets its first batch whole even if larger (as Kafka does).
 * Records are {@link FileRecordsBuf}s: references into segment files, read by nobody until the socket sends
 * them. A partition read from a log carries the meters that came with the log ({@link Result#meters()}), so whoever
 * counts the read needs no lookup of its own. Runs on I/O threads and the fetch wake-up thread (index lookups touch the disk), never on network
 * threads. Thread-safe; stateless.
 */
public final class FetchReader {
    private static final Logger LOG = LoggerFactory.getLogger(FetchReader.class);

    /** Finds the log of a partition this node leads (created if missing) with its topic's meters, or empty. */
    @FunctionalInterface
    public interface Logs {
        Optional<PartitionManager.LeaderLog> leader(String topic, int partition);
    }

    private final Supplier<MetadataImage> images;
    private final int nodeId;
    private final Logs logs;

    public FetchReader(BrokerMetadata metadata, PartitionManager partitions) {
        this(metadata::image, metadata.nodeId(), partitions::leader);
    }

    /** A reader of {@code logs} that checks requests against the current image of {@code images} as node {@code nodeId}. */
    public FetchReader(Supplier<MetadataImage> images, int nodeId, Logs logs) {
        this.images = images;
        this.nodeId = nodeId;
        this.logs = logs;
    }

    /**
     * The outcome of reading one partition; {@code records} is never null (empty when there is none). {@code meters}
     * are the topic's meters found with the log, null when the read stopped before a log was found.
     */
    public record Result(FetchPartition partition, ErrorCode error, long highWatermark, long lastStableOffset,
                         long logStartOffset, ByteBuf records, EpochEndOffset divergingEpoch,
                         int leaderId, int leaderEpoch, BrokerTopicMetrics meters) {
        public int bytes() {
            return records.readableBytes();
        }
    }

    /** Who reads: a consumer (replica id below 0) at an isolation level, or the follower with that id. */
    public record Reader(int replicaId, boolean readCommitted) {
        public boolean isFollower() {
            return replicaId >= 0;
        }
    }

    /** Reads {@code fetches} in order within {@code maxBytes} in total. */
    public List<Result> read(List<FetchPartition> fetches, int maxBytes, Reader reader) {
        MetadataImage image = images.get();
        List<Result> results = new ArrayList<>(fetches.size());
        int left = Math.max(0, maxBytes);
        boolean minOneBatch = true;
        for (FetchPartition p : fetches) {
            Result r = readPartition(image, p, Math.min(left, Math.max(0, p.maxBytes())), minOneBatch, reader);
            if (r.bytes() > 0) {
                minOneBatch = false;
                left = Math.max(0, left - r.bytes());
            }
            results.add(r);
        }
        return results;
    }

    /**
     * Whether a delayed fetch of {@code fetches} can be answered now: at least {@code minBytes} are readable in
     * total (each partition within its own limit), or some partition has an error or a diverging epoch.
     */
    public boolean satisfied(List<FetchPartition> fetches, int minBytes, Reader reader) {
        MetadataImage image = images.get();
        long bytes = 0;
        for (FetchPartition p : fetches) {
            Result r = readPartition(image, p, Math.max(0, p.maxBytes()), true, reader);
            if (r.error() != ErrorCode.NONE || r.divergingEpoch() != null) {
                return true;
            }
            bytes += r.bytes();
            if (bytes >= minBytes) {
                return true;
            }
        }
        return false;
    }

    /** Whether an immediate read already answers the fetch (see {@link #satisfied}). */
    public static boolean satisfied(List<Result> results, int minBytes) {
        long bytes = 0;
        for (Result r : results) {
            if (r.error() != ErrorCode.NONE || r.divergingEpoch() != null) {
                return true;
            }
            bytes += r.bytes();
        }
        return bytes >= minBytes;
    }

    private Result readPartition(MetadataImage image, FetchPartition p, int maxBytes, boolean minOneBatch,
                                 Reader reader) {
        TopicImage topic = p.topic() == null ? null : image.topic(p.topic());
        boolean byId = !p.topicId().equals(Uuid.ZERO);
        if (topic == null || byId && !topic.id().equals(p.topicId())) {
            return error(p, p.topic() == null || byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    -1, -1);
        }
        PartitionImage partition = topic.partition(p.partition());
        if (partition == null) {
            return error(p, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1);
        }
        if (partition.leader() != nodeId
                || reader.isFollower() && !partition.replicas().contains(reader.replicaId())) {
            return error(p, ErrorCode.NOT_LEADER_OR_FOLLOWER, partition.leader(), partition.leaderEpoch());
        }
        if (p.currentLeaderEpoch() >= 0 && p.currentLeaderEpoch() < partition.leaderEpoch()) {
            return error(p, ErrorCode.FENCED_LEADER_EPOCH, partition.leader(), partition.leaderEpoch());
        }
        if (p.currentLeaderEpoch() > partition.leaderEpoch()) {
            return error(p, ErrorCode.UNKNOWN_LEADER_EPOCH, partition.leader(), partition.leaderEpoch());
        }
        BrokerTopicMetrics meters = null;
        try {
            Optional<PartitionManager.LeaderLog> found = logs.leader(topic.name(), p.partition());
            if (found.isEmpty()) {
                return error(p, ErrorCode.NOT_LEADER_OR_FOLLOWER, partition.leader(), partition.leaderEpoch());
            }
            meters = found.get().meters();
            PartitionLog log = found.get().log();
            long logStart = log.logStartOffset();
            long highWatermark = log.logEndOffset();
            if (p.lastFetchedEpoch() >= 0) {
                EpochEndOffset end = log.endOffsetForEpoch(p.lastFetchedEpoch());
                if (end.epoch() != EpochEndOffset.UNDEFINED_EPOCH
                        && (end.epoch() < p.lastFetchedEpoch() || end.endOffset() < p.fetchOffset())) {
                    return new Result(p, ErrorCode.NONE, highWatermark, highWatermark, logStart,
                            Unpooled.EMPTY_BUFFER, end, -1, -1, meters);
                }
            }
            long upTo = reader.isFollower() ? Long.MAX_VALUE : highWatermark;
            FileSlice slice = log.read(p.fetchOffset(), maxBytes, upTo, minOneBatch);
            ByteBuf records = slice.isEmpty() ? Unpooled.EMPTY_BUFFER
                    : new FileRecordsBuf(slice.channel(), slice.position(), slice.length());
            return new Result(p, ErrorCode.NONE, highWatermark, highWatermark, logStart, records, null, -1, -1, meters);
        } catch (RuntimeException e) {
            ErrorCode code = ErrorCode.forException(e);
            if (code == ErrorCode.UNKNOWN_SERVER_ERROR) {
                LOG.error("Fetch from {} failed", p, e);
            } else {
                LOG.debug("Fetch from {} failed: {}", p, e.toString());
            }
            return new Result(p, code, -1, -1, -1, Unpooled.EMPTY_BUFFER, null, -1, -1, meters);
        }
    }

    private static Result error(FetchPartition p, ErrorCode code, int leaderId, int leaderEpoch) {
        return new Result(p, code, -1, -1, -1, Unpooled.EMPTY_BUFFER, null, leaderId, leaderEpoch, null);
    }
}
