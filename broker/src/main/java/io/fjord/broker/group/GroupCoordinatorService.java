package io.fjord.broker.group;

import io.fjord.broker.config.BrokerConfig;
import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.log.FileSlice;
import io.fjord.log.PartitionLog;
import io.fjord.log.Scheduler;
import io.fjord.log.ThreadScheduler;
import io.fjord.log.Time;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;
import io.fjord.protocol.Uuid;
import io.fjord.protocol.records.Record;
import io.fjord.protocol.records.RecordBatch;
import io.fjord.protocol.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs this node's {@link GroupCoordinator}: its timers (a {@link Scheduler}, by default a {@link ThreadScheduler}
 * on system {@link Time}), its log ({@link OffsetsTopicLog}), the creation of {@code __consumer_offsets} on first use,
 * and the load and unload of the topic's partitions as this node gains and loses their leadership.
 *
 * <p>Leadership follows the metadata image through {@link PartitionManager#addImageListener} (after the logs were
 * brought in step with an image, on the image follower thread). A partition newly led (or led again after the
 * topic was re-created) is marked loading ({@link GroupCoordinator#beginLoad}), then read from its log start to its
 * log end on this service's single loader thread, as Kafka has one, so loads never hold up the shared I/O executors
 * that produce uses: the load is handed to the loader from the partition's I/O executor (the key its appends use),
 * so it starts after every append queued before it and no append is missed or replayed twice. Reads take at most
 * offsets.load.buffer.size bytes (Kafka's key and default, 5242880) at a time; every record of every non-control
 * batch goes to {@link GroupCoordinator#replay} in offset order, then {@link GroupCoordinator#completeLoad}. A
 * partition no longer led, or of a deleted topic, is unloaded. A start on existing logs loads every led partition
 * the same way, since the first image is news to this object.
 *
 * <p>Groups are placed, as with Kafka, by the partition count of the existing topic, falling back to
 * offsets.topic.num.partitions: the count is set on the coordinator whenever no partition is loaded here (the topic's
 * first appearance, or after it was deleted and re-created), with a WARN when it differs from the setting. A led
 * partition the coordinator cannot map (added later) is never loaded.
 *
 * <p>{@link #close()} unloads every partition before it stops the scheduler and the loader, so appends that complete
 * while the logs close answer NOT_COORDINATOR instead of arming timers on a stopped scheduler.
 *
 * <p>Thread-safety: the led partitions are guarded by this object; the coordinator is itself a monitor.
 */
public final class GroupCoordinatorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinatorService.class);

    private final BrokerConfig config;
    private final BrokerMetadata metadata;
    private final PartitionManager partitions;
    private final Scheduler scheduler;
    private final GroupCoordinator coordinator;
    private final ExecutorService loader;
    private final int loadBufferBytes;
    private final AtomicBoolean creatingTopic = new AtomicBoolean();
    /** The last reason the topic could not be created: clients retry FindCoordinator, so each reason is a WARN once. */
    private final AtomicReference<String> lastCreateError = new AtomicReference<>();
    /** The partitions loaded or loading here, with the topic id they were loaded for (guarded by this). */
    private final Map<Integer, Load> led = new HashMap<>();
    private boolean closed;

    /**
     * One load of one partition, with the coordinator's load epoch that its replays carry; a later leadership change
     * makes it stale. Compared by identity.
     */
    private record Load(Uuid topicId, int partition, long epoch) {
    }

    /**
     * A service whose appends to {@code __consumer_offsets} count in the BrokerTopicMetrics {@code partitions} serve
     * with the logs, as Kafka counts them.
     */
    public GroupCoordinatorService(BrokerConfig config, BrokerMetadata metadata, PartitionManager partitions) {
        this(config, metadata, partitions, Time.SYSTEM, new ThreadScheduler(1, "fjord-group-coordinator"));
    }

    /** As the public constructor with the coordinator's clock and timers injected; closing this closes {@code scheduler}. */
    GroupCoordinatorService(BrokerConfig config, BrokerMetadata metadata, PartitionManager partitions, Time time,
                            Scheduler scheduler) {
        this.config = config;
        this.metadata = metadata;
        this.partitions = partitions;
        this.scheduler = scheduler;
        this.loadBufferBytes = config.offsetsLoadBufferSize();
        this.loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fjord-group-coordinator-loader");
            t.setDaemon(true);
            return t;
        });
        this.coordinator = new GroupCoordinator(config.groupCoordinatorConfig(), time, scheduler,
                new OffsetsTopicLog(metadata, partitions, time));
        coordinator.start();
        partitions.addImageListener(this::onImage);
    }

    public GroupCoordinator coordinator() {
        return coordinator;
    }

    /**
     * True if {@code __consumer_offsets} exists; otherwise asks the controller to create it (once at a time) with
     * offsets.topic.num.partitions, offsets.topic.replication.factor and {@link OffsetsTopic#configs}, and returns
     * false: the caller answers COORDINATOR_NOT_AVAILABLE and the client retries, as with Kafka.
     */
    public boolean offsetsTopicExists() {
        if (metadata.image().topic(OffsetsTopic.NAME) != null) {
            return true;
        }
        if (creatingTopic.compareAndSet(false, true)) {
            int count = config.groupCoordinatorConfig().offsetsTopicNumPartitions();
            short rf = config.offsetsTopicReplicationFactor();
            LOG.info("Creating {} with {} partitions and replication factor {}", OffsetsTopic.NAME, count, rf);
            metadata.controller().createTopic(OffsetsTopic.NAME, count, rf, OffsetsTopic.configs(config), false)
                    .whenComplete((result, error) -> {
                        creatingTopic.set(false);
                        Throwable cause = error != null && error.getCause() != null ? error.getCause() : error;
                        if (cause != null && !(cause instanceof ApiException api
                                && api.errorCode() == ErrorCode.TOPIC_ALREADY_EXISTS)) {
                            String message = String.valueOf(cause.getMessage());
                            if (!message.equals(lastCreateError.getAndSet(message))) {
                                LOG.warn("Cannot create {}: {}", OffsetsTopic.NAME, message);
                            } else {
                                LOG.debug("Cannot create {}: {}", OffsetsTopic.NAME, message);
                            }
                        }
                    });
        }
        return false;
    }

    /** The partition leader serving {@code groupId}, or null when the topic or its leader is missing. */
    public PartitionImage partitionOf(MetadataImage image, String groupId) {
        TopicImage topic = image.topic(OffsetsTopic.NAME);
        return topic == null ? null : topic.partition(coordinator.partitionFor(groupId));
    }

    void onImage(MetadataImage image) {
        TopicImage topic = image.topic(OffsetsTopic.NAME);
        Set<Integer> ledNow = new TreeSet<>();
        if (topic != null) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.leader() == metadata.nodeId()) {
                    ledNow.add(p.partition());
                }
            }
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            for (Map.Entry<Integer, Load> e : Map.copyOf(led).entrySet()) {
                int p = e.getKey();
                if (!ledNow.contains(p) || !e.getValue().topicId().equals(topic.id())) {
                    led.remove(p);
                    LOG.info("Unloading the groups of {}-{}", OffsetsTopic.NAME, p);
                    coordinator.unload(p);
                }
            }
            if (topic != null && led.isEmpty()) {
                placeGroupsBy(topic.partitionCount());
            }
            for (int p : ledNow) {
                if (!led.containsKey(p)) {
                    if (p >= coordinator.partitionCount()) {
                        LOG.debug("Not loading {}-{}: groups are placed on {} partitions", OffsetsTopic.NAME, p,
                                coordinator.partitionCount());
                        continue;
                    }
                    Load load = new Load(topic.id(), p, coordinator.beginLoad(p));
                    led.put(p, load);
                    try {
                        partitions.ioExecutor(OffsetsTopicLog.ioKey(p)).execute(() -> startLoad(load));
                    } catch (RuntimeException e) {
                        LOG.debug("Not loading {}-{}: {}", OffsetsTopic.NAME, p, e.toString());
                    }
                }
            }
        }
    }

    /** Sets the coordinator's partition count to the topic's; called while no partition is loaded here. */
    private void placeGroupsBy(int topicPartitions) {
        if (topicPartitions < 1 || topicPartitions == coordinator.partitionCount()) {
            return;
        }
        int configured = config.groupCoordinatorConfig().offsetsTopicNumPartitions();
        if (topicPartitions != configured) {
            LOG.warn("{} has {} partitions but offsets.topic.num.partitions is {}: groups are placed by the topic's "
                    + "count, as with Kafka", OffsetsTopic.NAME, topicPartitions, configured);
        }
        coordinator.setPartitionCount(topicPartitions);
    }

    /** On the partition's I/O executor, after the appends queued before the load: hands it to the loader. */
    private void startLoad(Load load) {
        try {
            loader.execute(() -> load(load));
        } catch (RuntimeException e) {
            LOG.debug("Not loading {}-{}: {}", OffsetsTopic.NAME, load.partition(), e.toString());
        }
    }

    private synchronized boolean isCurrent(Load load) {
        return !closed && led.get(load.partition()) == load;
    }

    /** Replays partition {@code load.partition()} from its log start to its end; runs on the loader thread. */
    private void load(Load load) {
        int p = load.partition();
        long start = System.nanoTime();
        int records = 0;
        try {
            PartitionLog log = partitions.leaderLog(OffsetsTopic.NAME, p).orElse(null);
            if (log == null || !isCurrent(load)) {
                return;
            }
            long offset = log.logStartOffset();
            long end = log.logEndOffset();
            while (offset < end && isCurrent(load)) {
                FileSlice slice = log.read(offset, loadBufferBytes, end, true);
                if (slice.isEmpty()) {
                    break;
                }
                ByteBuf bytes = slice.readBytes();
                long before = offset;
                try {
                    for (RecordBatch batch : new RecordBatches(bytes)) {
                        if (batch.nextOffset() <= offset) {
                            continue;
                        }
                        if (!batch.isControl()) {
                            for (Record r : batch) {
                                if (r.offset() >= offset && r.key() != null) {
                                    byte[] value = r.value() == null ? null : ByteBufUtil.getBytes(r.value());
                                    coordinator.replay(p, load.epoch(),
                                            new CoordinatorRecord(ByteBufUtil.getBytes(r.key()), value));
                                    records++;
                                }
                            }
                        }
                        offset = batch.nextOffset();
                    }
                } finally {
                    bytes.release();
                }
                if (offset == before) {
                    throw new IOException("no complete batch at offset " + offset + " of " + log);
                }
            }
            synchronized (this) {
                if (isCurrent(load)) {
                    coordinator.completeLoad(p, load.epoch());
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (records > 0) {
                        LOG.info("Loaded the groups of {}-{}: {} records in {} ms", OffsetsTopic.NAME, p, records, ms);
                    } else {
                        LOG.debug("Loaded the groups of {}-{}: no records", OffsetsTopic.NAME, p);
                    }
                }
            }
        } catch (Exception e) {
            LOG.error("Cannot load the groups of {}-{}", OffsetsTopic.NAME, p, e);
            synchronized (this) {
                if (isCurrent(load)) {
                    led.remove(p);
                    coordinator.unload(p);
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (int p : new TreeSet<>(led.keySet())) {
                coordinator.unload(p);
            }
            led.clear();
        }
        loader.shutdownNow();
        try {
            loader.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.close();
    }
}
