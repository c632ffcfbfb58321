package io.fjord.broker.metrics;

import io.fjord.broker.group.GroupCoordinatorService;
import io.fjord.broker.log.PartitionManager;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.LogManager;
import io.fjord.log.PartitionLog;
import io.fjord.log.TopicPartition;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.KafkaMeter;
import io.fjord.metrics.KafkaMetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/**
 * The broker's gauges over state it already keeps, registered once per broker by {@link #register} and read when a
 * scrape or JMX read asks (nothing on the request path):
 * <ul>
 * <li>{@code kafka.server:type=ReplicaManager}: PartitionCount, LeaderCount, UnderReplicatedPartitions,
 *     UnderMinIsrPartitionCount, OfflineReplicaCount (gauges) and IsrShrinksPerSec, IsrExpandsPerSec (meters,
 *     {@link #isrShrinks()}/{@link #isrExpands()}: zero until replication changes an ISR);</li>
 * <li>{@code kafka.controller:type=KafkaController} (this node runs the controller): ActiveControllerCount (1 while
 *     this node leads the metadata quorum), OfflinePartitionsCount, GlobalPartitionCount, GlobalTopicCount;</li>
 * <li>per partition log {@code kafka.log:type=Log} ({@link LogGauges});</li>
 * <li>the group coordinator's counts ({@link GroupGauges}) and consumer lag ({@link ConsumerLagGauges}).</li>
 * </ul>
 * The image-derived counts ({@link ReplicaCounts}) are computed once per metadata image. The set of per-log and
 * per-(group, partition) series follows the logs and committed offsets: a refresh on the {@code fjord-metrics-gauges}
 * thread every {@code refreshIntervalMs} (default {@value #DEFAULT_REFRESH_MS} ms) and after every metadata image the
 * logs were brought in step with (so a deleted topic's series go within one image; images arriving while such a
 * refresh is queued share it).
 *
 * <p>Lifecycle: {@link #register} once the node's components exist (before or after they start: state not yet
 * available reads as NaN and the first refresh after the logs opened registers their series); {@link #close()}
 * stops the refreshes and removes every series registered here. Thread-safety: thread-safe.
 */
public final class BrokerGauges implements AutoCloseable {
    public static final long DEFAULT_REFRESH_MS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(BrokerGauges.class);

    private final BrokerMetrics metrics;
    private final BrokerMetadata metadata;
    private final PartitionManager partitions;
    private final List<KafkaMetricName> names = new ArrayList<>();
    private final KafkaMeter isrShrinks;
    private final KafkaMeter isrExpands;
    private final LogGauges logs;
    private final GroupGauges groups;
    private final ConsumerLagGauges lag;
    private final ScheduledExecutorService refresher;
    /** A refresh asked for by an image is queued and not started yet: further images need no other. */
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private volatile ReplicaCounts counts;
    private volatile boolean closed;

    private BrokerGauges(BrokerMetrics metrics, BrokerMetadata metadata, PartitionManager partitions,
                         GroupCoordinatorService coordinator, long refreshIntervalMs) {
        this.metrics = metrics;
        this.metadata = metadata;
        this.partitions = partitions;
        replicaGauge("PartitionCount", ReplicaCounts::partitions);
        replicaGauge("LeaderCount", ReplicaCounts::leaders);
        replicaGauge("UnderReplicatedPartitions", ReplicaCounts::underReplicated);
        replicaGauge("UnderMinIsrPartitionCount", ReplicaCounts::underMinIsr);
        gauge(KafkaMetricName.of("kafka.server", "ReplicaManager", "OfflineReplicaCount"), this::offlineReplicas);
        KafkaMetricName shrinks = KafkaMetricName.of("kafka.server", "ReplicaManager", "IsrShrinksPerSec");
        KafkaMetricName expands = KafkaMetricName.of("kafka.server", "ReplicaManager", "IsrExpandsPerSec");
        isrShrinks = metrics.meter(shrinks, "shrinks");
        isrExpands = metrics.meter(expands, "expands");
        names.add(shrinks);
        names.add(expands);
        if (metadata.config().processRoles().contains("controller")) {
            gauge(controller("ActiveControllerCount"), this::activeController);
            gauge(controller("OfflinePartitionsCount"), () -> read(ReplicaCounts::offlinePartitions));
            gauge(controller("GlobalPartitionCount"), () -> read(ReplicaCounts::globalPartitions));
            gauge(controller("GlobalTopicCount"), () -> read(ReplicaCounts::globalTopics));
        }
        this.logs = new LogGauges(metrics, tp -> logManager().flatMap(m -> m.getLog(tp)).orElse(null));
        this.groups = new GroupGauges(metrics, () -> coordinator.coordinator().groupCounts(), System::nanoTime);
        this.lag = new ConsumerLagGauges(metrics, () -> coordinator.coordinator().committedOffsets(),
                this::highWatermark);
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fjord-metrics-gauges");
            t.setDaemon(true);
            return t;
        });
        if (metrics.enabled()) {
            refresher.scheduleWithFixedDelay(this::refresh, refreshIntervalMs, refreshIntervalMs, TimeUnit.MILLISECONDS);
            partitions.addImageListener(image -> requestRefresh());
        }
    }

    /**
     * Registers the broker's gauges in {@code metrics} and starts their refresh (neither when metrics are disabled);
     * close the result when the broker closes.
     */
    public static BrokerGauges register(BrokerMetrics metrics, BrokerMetadata metadata, PartitionManager partitions,
                                        GroupCoordinatorService coordinator) {
        return register(metrics, metadata, partitions, coordinator, DEFAULT_REFRESH_MS);
    }

    /** As {@link #register(BrokerMetrics, BrokerMetadata, PartitionManager, GroupCoordinatorService)}, refreshing every {@code refreshIntervalMs}. */
    public static BrokerGauges register(BrokerMetrics metrics, BrokerMetadata metadata, PartitionManager partitions,
                                        GroupCoordinatorService coordinator, long refreshIntervalMs) {
        return new BrokerGauges(metrics, metadata, partitions, coordinator, refreshIntervalMs);
    }

    /** Kafka's ISR-shrink meter, for replication to mark. */
    public KafkaMeter isrShrinks() {
        return isrShrinks;
    }

    /** Kafka's ISR-expand meter, for replication to mark. */
    public KafkaMeter isrExpands() {
        return isrExpands;
    }

    private static KafkaMetricName controller(String name) {
        return KafkaMetricName.of("kafka.controller", "KafkaController", name);
    }

    private void replicaGauge(String name, ToDoubleFunction<ReplicaCounts> value) {
        gauge(KafkaMetricName.of("kafka.server", "ReplicaManager", name), () -> read(value));
    }

    private void gauge(KafkaMetricName name, java.util.function.DoubleSupplier value) {
        metrics.gauge(name, value);
        names.add(name);
    }

    private double read(ToDoubleFunction<ReplicaCounts> value) {
        ReplicaCounts c = replicaCounts();
        return c == null ? Double.NaN : value.applyAsDouble(c);
    }

    /** The counts of the current image, computed again only when the image changed. */
    private ReplicaCounts replicaCounts() {
        MetadataImage image;
        try {
            image = metadata.image();
        } catch (IllegalStateException e) {
            return null;
        }
        ReplicaCounts c = counts;
        if (c == null || c.image() != image) {
            Map<String, String> broker = partitions.configDescriber().effectiveBrokerProperties(image);
            c = ReplicaCounts.of(image, metadata.nodeId(), topic -> minIsr(image, broker, topic));
            counts = c;
        }
        return c;
    }

    private static int minIsr(MetadataImage image, Map<String, String> broker, String topic) {
        String value = image.configs(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get("min.insync.replicas");
        if (value == null) {
            value = broker.getOrDefault("min.insync.replicas", "1");
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private double activeController() {
        try {
            return metadata.controller().isLeaderReady() ? 1 : 0;
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    /** Partitions with a replica here whose log is in an offline log directory (0 while every directory is online). */
    private double offlineReplicas() {
        Optional<LogManager> m = logManager();
        if (m.isEmpty() || m.get().offlineLogDirs().isEmpty()) {
            return 0;
        }
        MetadataImage image = metadata.image();
        int offline = 0;
        for (TopicImage topic : image.topicsByName().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.replicas().contains(metadata.nodeId())) {
                    try {
                        m.get().getLog(new TopicPartition(topic.name(), p.partition()));
                    } catch (RuntimeException e) {
                        offline++;
                    }
                }
            }
        }
        return offline;
    }

    private Optional<LogManager> logManager() {
        try {
            return Optional.of(partitions.logManager());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** The high watermark of a partition whose log is here: its log end offset while there is no replication. */
    private OptionalLong highWatermark(TopicPartition tp) {
        Optional<PartitionLog> log = logManager().flatMap(m -> m.getLog(tp));
        return log.isEmpty() ? OptionalLong.empty() : OptionalLong.of(log.get().logEndOffset());
    }

    private void requestRefresh() {
        if (!refreshQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> {
                refreshQueued.set(false);
                refresh();
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Not refreshing the gauges: closed");
        }
    }

    /** Brings the per-log and consumer-lag series in step with the logs and committed offsets; on the refresher. */
    void refresh() {
        if (closed) {
            return;
        }
        try {
            Optional<LogManager> m = logManager();
            if (m.isPresent()) {
                logs.sync(m.get().allLogs().keySet());
            }
            lag.refresh();
        } catch (RuntimeException e) {
            LOG.warn("Refreshing the broker gauges failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        logs.close();
        lag.close();
        groups.close();
        names.forEach(metrics::remove);
    }
}
