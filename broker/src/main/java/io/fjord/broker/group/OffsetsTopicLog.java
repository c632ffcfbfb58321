package io.fjord.broker.group;

import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.coordinator.CoordinatorLog;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.log.AppendOrigin;
import io.fjord.log.AppendResult;
import io.fjord.log.Time;
import io.fjord.log.TopicPartition;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.records.CompressionType;
import io.fjord.protocol.records.CorruptRecordException;
import io.fjord.protocol.records.RecordBatchBuilder;
import io.fjord.metrics.BrokerTopicMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The group coordinator's {@link CoordinatorLog} over this node's logs of {@code __consumer_offsets}: each append
 * is one uncompressed magic-2 batch without producer id (record timestamps = now), appended as leader with
 * {@link AppendOrigin#COORDINATOR} and the partition's leader epoch from the current image.
 *
 * <p>Ordering and threads: the append of partition p runs on {@link PartitionManager#ioExecutor(Object)} keyed by
 * the partition ({@link #ioKey}), so appends of one partition reach the log in call order and never run on a
 * Netty event loop; the partition's load ({@link GroupCoordinatorService}) starts from the same key, so it sees every append
 * made before it. The future completes on that I/O thread once the batch is committed: on a single node right
 * after the local append ({@link #committed}, where replication's high watermark will plug in).
 *
 * <p>Errors are {@link ApiException}s with Kafka's codes: NOT_COORDINATOR when this node does not lead the
 * partition (or is shutting down), KAFKA_STORAGE_ERROR, MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, CORRUPT_MESSAGE,
 * else UNKNOWN_SERVER_ERROR.
 *
 * <p>Each append counts in kafka.server BrokerTopicMetrics for {@code __consumer_offsets} (and broker-wide) as Kafka's
 * ReplicaManager counts every leader append: a produce request, and on success the records and bytes appended, else
 * a failed produce; the meters are the ones {@link PartitionManager#leader} serves with the log. Thread-safe.
 */
public final class OffsetsTopicLog implements CoordinatorLog {
    private final BrokerMetadata metadata;
    private final PartitionManager partitions;
    private final Time time;

    public OffsetsTopicLog(BrokerMetadata metadata, PartitionManager partitions, Time time) {
        this.metadata = metadata;
        this.partitions = partitions;
        this.time = time;
    }

    /** The key of partition {@code partition}'s I/O executor: appends and the load of one partition share it. */
    static TopicPartition ioKey(int partition) {
        return new TopicPartition(OffsetsTopic.NAME, partition);
    }

    @Override
    public CompletableFuture<Void> append(int partition, List<CoordinatorRecord> records) {
        List<CoordinatorRecord> batch = List.copyOf(records);
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            partitions.ioExecutor(ioKey(partition)).execute(() -> {
                try {
                    AppendResult result = appendNow(partition, batch);
                    committed(partition, result, done);
                } catch (Throwable e) {
                    done.completeExceptionally(mapped(partition, e));
                }
            });
        } catch (RejectedExecutionException | IllegalStateException e) {
            done.completeExceptionally(new ApiException(ErrorCode.NOT_COORDINATOR,
                    "The broker is shutting down: no append to " + ioKey(partition)));
        }
        return done;
    }

    private AppendResult appendNow(int partition, List<CoordinatorRecord> records) {
        if (records.isEmpty()) {
            return null;
        }
        TopicImage topic = metadata.image().topic(OffsetsTopic.NAME);
        PartitionImage p = topic == null ? null : topic.partition(partition);
        if (p == null || p.leader() != metadata.nodeId()) {
            throw notCoordinator(partition);
        }
        PartitionManager.LeaderLog leader = partitions.leader(OffsetsTopic.NAME, partition)
                .orElseThrow(() -> notCoordinator(partition));
        long now = time.milliseconds();
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (CoordinatorRecord r : records) {
            builder.append(now, Unpooled.wrappedBuffer(r.key()),
                    r.value() == null ? null : Unpooled.wrappedBuffer(r.value()), List.of());
        }
        ByteBuf bytes = builder.build();
        BrokerTopicMetrics counts = leader.meters();
        counts.markProduceRequest();
        try {
            int size = bytes.readableBytes();
            AppendResult result = leader.log().append(bytes, p.leaderEpoch(), AppendOrigin.COORDINATOR);
            counts.markAppended(records.size(), size);
            return result;
        } catch (RuntimeException e) {
            counts.markFailedProduce();
            throw e;
        } finally {
            bytes.release();
        }
    }

    /**
     * Completes {@code done} once the appended batch is committed. One node: the local append is the commit. With
     * replication this waits for the high watermark to pass {@code result.lastOffset()}.
     */
    private static void committed(int partition, AppendResult result, CompletableFuture<Void> done) {
        done.complete(null);
    }

    private static ApiException notCoordinator(int partition) {
        return new ApiException(ErrorCode.NOT_COORDINATOR, "This node does not lead " + ioKey(partition));
    }

    private static Throwable mapped(int partition, Throwable e) {
        if (e instanceof ApiException) {
            return e;
        }
        if (e instanceof CorruptRecordException) {
            return new ApiException(ErrorCode.CORRUPT_MESSAGE, e.getMessage(), e);
        }
        return new ApiException(ErrorCode.UNKNOWN_SERVER_ERROR,
                "Cannot append to " + ioKey(partition) + ": " + e, e);
    }
}
