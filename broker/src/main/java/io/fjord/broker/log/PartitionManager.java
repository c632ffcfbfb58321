package io.fjord.broker.log;

import io.fjord.broker.config.ConfigDescriber;
import io.fjord.broker.metadata.BrokerMetadata;
import io.fjord.log.KafkaStorageException;
import io.fjord.log.LogConfig;
import io.fjord.log.LogDirOfflineListener;
import io.fjord.log.LogEnvironment;
import io.fjord.log.LogManager;
import io.fjord.log.LogManagerConfig;
import io.fjord.log.PartitionLog;
import io.fjord.log.ThreadScheduler;
import io.fjord.log.Time;
import io.fjord.log.TopicPartition;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionImage;
import io.fjord.metadata.TopicImage;
import io.fjord.metrics.BrokerTopicMetrics;
import io.fjord.replication.DelayedOperationPurgatory;
import io.fjord.replication.Timer;
import io.fjord.protocol.records.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fjord.protocol.Uuid;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The partitions this node hosts (a "ReplicaManager-lite"): owns the {@link LogManager} over log.dirs and
 * keeps it in step with the {@link MetadataImage}. On every new image it creates the log of each partition
 * this node leads and deletes the logs of topics that are gone; {@link #leaderLog} also creates a log on
 * demand, so a request that races the image listener still finds it. Each log's {@link LogConfig} is the
 * topic's configs in the image over the broker's log.* defaults (static, then dynamic broker configs, see
 * {@link ConfigDescriber}); when an image changes them, live logs get the new config
 * ({@link LogManager#updateConfig}). Partitions created after this node started following the image are new:
 * their logs go to an online directory even while another is offline (Kafka's isNew); others are not created
 * while a directory that may hold them is offline.
 *
 * <p>Each log's dir holds a {@link PartitionMetadataFile} with its topic id, written when the log is first used
 * for a topic. A log whose file names another id than the image's topic of that name is stale (the topic was
 * deleted and re-created, possibly while this node was down) and is deleted, as Kafka does; logs without the
 * file get the current id.
 *
 * <p>Appends and other disk work run on {@link #ioExecutor(Object)}: num.io.threads (default 8) single
 * threads, one chosen per key (a client connection), so the requests of one connection are appended in the
 * order they arrived (idempotent producers pipeline batches with consecutive sequences), never on network
 * threads.
 *
 * <p>It owns the purgatory of delayed fetches ({@link #fetchPurgatory()}, keyed by partition): an append to a
 * log (or a change of its start or end by DeleteRecords or truncation) wakes the fetches waiting on that
 * partition. The log's listener only notes the partition (it runs under the log's lock); one wake-up thread
 * checks the waiting fetches, so bursts of appends coalesce into one check.
 *
 * <p>It keeps, per topic name, the topic it serves under that name ({@link ServedTopic}: the topic id and the
 * topic's kafka.server BrokerTopicMetrics from the {@link BrokerTopicMetrics.Topics} registry it was given), so
 * {@link #leader} hands a request the topic's meters with the log, found with the topic id check it makes anyway:
 * handlers never look a topic's meters up per request. A topic's meters are created the first time {@link #leader}
 * serves one of its logs ({@link #leaderLog}, for callers that count nothing, creates none); its series are removed when it leaves the image or is re-created under the same name (a new id),
 * so a re-created topic counts from zero.
 *
 * <p>Image listeners ({@link #addImageListener}, e.g. the group coordinator following the leadership of
 * {@code __consumer_offsets}) hear of each image after the logs were brought in step with it.
 *
 * <p>Lifecycle: {@link #open()} (while or after the metadata quorum starts), {@link #followImage()} once both
 * are done, {@link #close()} after the listeners closed and before the quorum stops. Thread-safety: thread-safe.
 */
public final class PartitionManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionManager.class);

    private final BrokerMetadata metadata;
    private final Map<String, String> brokerProps;
    private final ConfigDescriber configs;
    private ThreadScheduler scheduler;
    private volatile LogManager logManager;
    private ExecutorService[] ioExecutors;
    /** Brings the logs in step with each new image, off the threads that serve clients. */
    private ExecutorService imageFollower;
    private volatile boolean closed;
    private final BrokerTopicMetrics.Topics topicMetrics;
    /** The topic each name stood for when its logs were last checked: a new id means a re-created topic. */
    private final Map<String, ServedTopic> servedTopics = new ConcurrentHashMap<>();
    /** The topic id each log's partition.metadata is known to hold (checked or written since open). */
    private final Map<TopicPartition, Uuid> idsOnDisk = new ConcurrentHashMap<>();
    private final Set<TopicPartition> pendingWakeUps = ConcurrentHashMap.newKeySet();
    private volatile DelayedOperationPurgatory<TopicPartition> fetchPurgatory;
    private ExecutorService wakeUps;
    /** The last image the logs were brought in step with (guarded by this); null before the first. */
    private MetadataImage reconciled;
    private final List<Consumer<MetadataImage>> imageListeners = new CopyOnWriteArrayList<>();

    /** A manager that serves each topic's meters from {@code topicMetrics} and drops those of deleted topics. */
    public PartitionManager(BrokerMetadata metadata, BrokerTopicMetrics.Topics topicMetrics) {
        this.metadata = metadata;
        this.topicMetrics = topicMetrics;
        this.brokerProps = metadata.config().originals();
        this.configs = new ConfigDescriber(brokerProps, metadata.nodeId());
    }

    /**
     * The registry of every topic's meters: {@link #leader} serves them with the log; look a topic up here only
     * for a partition that never reaches a log (an unknown partition, one this node does not lead).
     */
    public BrokerTopicMetrics.Topics topicMetrics() {
        return topicMetrics;
    }

    /** The layered topic and broker configs (static, dynamic, topic) this node's logs follow. */
    public ConfigDescriber configDescriber() {
        return configs;
    }

    /**
     * Loads every log in log.dirs; may run while the metadata quorum starts (on another thread): each log found
     * gets its config from the caught-up image, so its load waits for {@link BrokerMetadata#awaitImage}. Then
     * {@link #followImage()}.
     */
    public synchronized void open() {
        if (logManager != null) {
            throw new IllegalStateException("already open");
        }
        scheduler = new ThreadScheduler(1, "fjord-log-scheduler");
        LogManagerConfig config = LogManagerConfig.fromBrokerProperties(withLogDirs(brokerProps));
        LogDirOfflineListener offline = (dir, partitions) ->
                LOG.error("Log directory {} is offline; partitions {} are unavailable", dir, partitions);
        fetchPurgatory = new DelayedOperationPurgatory<>("fetch", Timer.system("fjord-fetch-expiry"));
        wakeUps = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fjord-fetch-wakeup");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        logManager = LogManager.open(config, new LogEnvironment(Time.SYSTEM, scheduler),
                topic -> configs.logConfig(metadata.awaitImage(), topic), (tp, dir) -> new WakeUpListener(tp), offline);
        LOG.info("Loaded {} logs in {} ms", logManager.allLogs().size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        imageFollower = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fjord-log-image-follower");
            t.setDaemon(true);
            return t;
        });
        int threads = Integer.parseInt(brokerProps.getOrDefault("num.io.threads", "8"));
        AtomicInteger n = new AtomicInteger();
        ioExecutors = new ExecutorService[Math.max(1, threads)];
        for (int i = 0; i < ioExecutors.length; i++) {
            ioExecutors[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "fjord-io-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /**
     * Calls {@code listener} with each image once the logs were brought in step with it (the logs of the partitions
     * it says this node leads exist), on the image follower thread, in image order; register before
     * {@link #followImage()}. The listener must not block.
     */
    public void addImageListener(Consumer<MetadataImage> listener) {
        imageListeners.add(listener);
    }

    /** Once {@link #open()} returned and the metadata quorum started: keeps the logs in step with the image. */
    public void followImage() {
        metadata.controller().stateMachine().addListener(this::onImage);
        onImage(metadata.image());
    }

    /** log.dirs as the broker config resolved it (it may default them). */
    private Map<String, String> withLogDirs(Map<String, String> props) {
        Map<String, String> copy = new java.util.HashMap<>(props);
        copy.put("log.dirs", String.join(",",
                metadata.config().logDirs().stream().map(Object::toString).toList()));
        copy.remove("log.dir");
        return copy;
    }

    /** The purgatory where fetches wait for data (min.bytes) until max.wait.ms, keyed by partition. */
    public DelayedOperationPurgatory<TopicPartition> fetchPurgatory() {
        DelayedOperationPurgatory<TopicPartition> p = fetchPurgatory;
        if (p == null) {
            throw new IllegalStateException("the partition manager is not open");
        }
        return p;
    }

    /** Tells the fetch purgatory that a log changed; runs under that log's lock, so it only queues a check. */
    private final class WakeUpListener implements PartitionLog.Listener {
        private final TopicPartition partition;

        WakeUpListener(TopicPartition partition) {
            this.partition = partition;
        }

        @Override
        public void onAppend(RecordBatch batch) {
            wakeUp(partition);
        }

        @Override
        public void onTruncate(long logEndOffset) {
            wakeUp(partition);
        }

        @Override
        public void onLogStartOffset(long logStartOffset) {
            wakeUp(partition);
        }
    }

    private void wakeUp(TopicPartition partition) {
        DelayedOperationPurgatory<TopicPartition> purgatory = fetchPurgatory;
        if (purgatory == null || purgatory.watched(partition) == 0 || !pendingWakeUps.add(partition)) {
            return;
        }
        try {
            wakeUps.execute(() -> {
                pendingWakeUps.remove(partition);
                purgatory.checkAndComplete(partition);
            });
        } catch (RejectedExecutionException e) {
            pendingWakeUps.remove(partition);
        }
    }

    /** The single-threaded executor for work keyed by {@code key}: equal keys run in submission order. */
    public ExecutorService ioExecutor(Object key) {
        return ioExecutors[Math.floorMod(key == null ? 0 : key.hashCode(), ioExecutors.length)];
    }

    /**
     * One more than the highest producer id in any log, so that producer ids handed out after a restart do not
     * collide with the state of earlier producers (0 for empty logs).
     */
    public long nextProducerIdFloor() {
        long max = -1;
        for (PartitionLog log : logManager().allLogs().values()) {
            for (Long id : log.activeProducers().keySet()) {
                max = Math.max(max, id);
            }
        }
        return max + 1;
    }

    public LogManager logManager() {
        LogManager m = logManager;
        if (m == null) {
            throw new IllegalStateException("the log manager is not open");
        }
        return m;
    }

    /**
     * The topic's log config: its configs in the image over the broker's log.* defaults (server.properties under
     * the dynamic broker configs in the image).
     */
    public LogConfig logConfig(String topic) {
        return configs.logConfig(metadata.image(), topic);
    }

    /** The log of a partition this node leads and the meters of its topic, to count what is done with the log. */
    public record LeaderLog(PartitionLog log, BrokerTopicMetrics meters) {
    }

    /**
     * The log of a partition this node leads in the current image (created if missing) with its topic's meters, or
     * empty when the node does not lead it. The meters come with the topic id check, without a lookup of their own.
     */
    public Optional<LeaderLog> leader(String topic, int partition) {
        return Optional.ofNullable(find(topic, partition, true));
    }

    /** {@link #leader}'s log alone, for callers that count nothing in BrokerTopicMetrics (creates no meters). */
    public Optional<PartitionLog> leaderLog(String topic, int partition) {
        LeaderLog found = find(topic, partition, false);
        return found == null ? Optional.empty() : Optional.of(found.log());
    }

    /** {@link #leader}, or null; the meters only {@code withMeters} (else null: a topic's meters are made when served). */
    private LeaderLog find(String topic, int partition, boolean withMeters) {
        TopicImage t = metadata.image().topic(topic);
        PartitionImage p = t == null ? null : t.partition(partition);
        if (p == null || p.leader() != metadata.nodeId()) {
            return null;
        }
        ServedTopic served = servedTopics.get(topic);
        if (served == null || !t.id().equals(served.id())) {
            served = adoptTopicId(logManager(), t);
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        PartitionLog log = t.id().equals(idsOnDisk.get(tp)) ? logManager().getLog(tp).orElse(null) : null;
        if (log == null) {
            log = logFor(logManager(), tp, t.id(), logConfig(topic), false);
        }
        return new LeaderLog(log, withMeters ? served.meters() : null);
    }

    /**
     * The log of {@code tp} for the topic with id {@code topicId}: an existing log whose partition.metadata names
     * another id is deleted first (left behind by a deleted topic of the same name); a missing log is created;
     * the log's partition.metadata is written if it lacks one.
     */
    private synchronized PartitionLog logFor(LogManager m, TopicPartition tp, Uuid topicId, LogConfig config,
                                             boolean isNew) {
        deleteIfStale(m, tp, topicId);
        PartitionLog log = m.getOrCreateLog(tp, config, isNew);
        if (!topicId.equals(idsOnDisk.get(tp))) {
            try {
                PartitionMetadataFile.write(log.dir(), topicId);
                idsOnDisk.put(tp, topicId);
            } catch (UncheckedIOException e) {
                LOG.warn("Cannot record the topic id of {} (tried again on its next use): {}", tp, e.getMessage());
            }
        }
        return log;
    }

    /**
     * Deletes the log of {@code tp} if its partition.metadata names a topic id other than {@code topicId}, as Kafka
     * deletes such stale logs; a log without the file (or with a malformed one) is kept and gets {@code topicId}
     * from {@link #logFor}. Returns whether the log was deleted.
     */
    private synchronized boolean deleteIfStale(LogManager m, TopicPartition tp, Uuid topicId) {
        if (topicId.equals(idsOnDisk.get(tp))) {
            return false;
        }
        Optional<PartitionLog> log = m.getLog(tp);
        if (log.isEmpty()) {
            return false;
        }
        Optional<Uuid> stored;
        try {
            stored = PartitionMetadataFile.read(log.get().dir());
        } catch (IllegalStateException e) {
            LOG.warn("Keeping the log of {} and rewriting its {}: {}", tp, PartitionMetadataFile.FILE_NAME, e.getMessage());
            return false;
        }
        if (stored.isEmpty() || stored.get().equals(topicId)) {
            stored.ifPresent(id -> idsOnDisk.put(tp, id));
            return false;
        }
        LOG.info("Deleting the log of {}: it belongs to topic id {}, the topic {} now has id {}", tp, stored.get(),
                tp.topic(), topicId);
        idsOnDisk.remove(tp);
        m.deleteLog(tp);
        return true;
    }

    /** Runs {@code task} on the image follower after the images queued before it; lets tests hold the follower back. */
    void runOnImageFollower(Runnable task) {
        imageFollower.execute(task);
    }

    /** Creates logs for led partitions and deletes logs of topics no longer in the image; called on the apply thread, done on the image follower. */
    private void onImage(MetadataImage image) {
        LogManager m = logManager;
        if (m == null || closed) {
            return;
        }
        try {
            imageFollower.execute(() -> reconcile(m, image));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Shutting down: not applying metadata offset {} to the logs", image.offset());
        }
    }

    /**
     * Brings the logs in step with {@code image} or, when the live image has moved past it, with the live image: a
     * request thread may already have created the log of a partition that only the newer image has (see
     * {@link #leaderLog}), and reconciling an older image would delete that log, acknowledged records included.
     */
    private synchronized void reconcile(LogManager m, MetadataImage queued) {
        MetadataImage live = metadata.image();
        MetadataImage image = live != null && live.offset() > queued.offset() ? live : queued;
        if (closed || (reconciled != null && image.offset() <= reconciled.offset())) {
            return;
        }
        MetadataImage previous = reconciled;
        reconciled = image;
        try {
            for (TopicImage topic : image.topicsByName().values()) {
                adoptTopicId(m, topic);
                LogConfig config = configs.logConfig(image, topic.name());
                TopicImage before = previous == null ? null : previous.topic(topic.id());
                for (PartitionImage p : topic.partitions().values()) {
                    if (p.leader() == metadata.nodeId()) {
                        boolean isNew = previous != null && (before == null || before.partition(p.partition()) == null);
                        leadPartition(m, new TopicPartition(topic.name(), p.partition()), topic.id(), p, config, isNew);
                    }
                }
            }
            for (TopicPartition tp : m.allLogs().keySet()) {
                TopicImage topic = image.topic(tp.topic());
                if (topic == null) {
                    servedTopics.remove(tp.topic());
                }
                if (topic == null || topic.partition(tp.partition()) == null) {
                    LOG.info("Deleting the log of {}: its topic was deleted", tp);
                    idsOnDisk.remove(tp);
                    m.deleteLog(tp);
                } else {
                    deleteIfStale(m, tp, topic.id());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not bring the logs in step with metadata offset {}", image.offset(), e);
        }
        topicMetrics.retainOnly(image.topicsByName()::containsKey);
        for (Consumer<MetadataImage> listener : imageListeners) {
            try {
                listener.accept(image);
            } catch (RuntimeException e) {
                LOG.warn("An image listener failed on metadata offset {}", image.offset(), e);
            }
        }
    }

    /**
     * Makes sure this node's log of a partition it leads exists with {@code config} and knows the leader epoch. A
     * partition {@code isNew} (created after this node started following the image) gets its log in an online
     * directory even while another directory is offline, as Kafka places new partitions; a failure affects only
     * this partition.
     */
    private void leadPartition(LogManager m, TopicPartition tp, Uuid topicId, PartitionImage p, LogConfig config,
                               boolean isNew) {
        try {
            PartitionLog log = logFor(m, tp, topicId, config, isNew);
            if (!log.config().equals(config)) {
                LOG.info("The config of {} changed: {}", tp, config);
                m.updateConfig(tp, config);
            }
            if (log.latestEpoch().orElse(-1) < p.leaderEpoch()) {
                log.assignEpochStartOffset(p.leaderEpoch()); // as Kafka's makeLeader
            }
        } catch (KafkaStorageException e) {
            LOG.warn("The log of {} is unavailable: {}", tp, e.getMessage());
        }
    }

    /**
     * Records {@code topic}'s id and returns what this node serves of it; if the name had another id, the topic was
     * deleted and re-created between two images, so the logs and the series of the old topic are deleted first.
     */
    private synchronized ServedTopic adoptTopicId(LogManager m, TopicImage topic) {
        ServedTopic previous = servedTopics.get(topic.name());
        if (previous != null && previous.id().equals(topic.id())) {
            return previous;
        }
        ServedTopic adopted = new ServedTopic(topic.name(), topic.id());
        servedTopics.put(topic.name(), adopted);
        if (previous != null) {
            topicMetrics.remove(topic.name());
            for (TopicPartition tp : m.allLogs().keySet()) {
                if (tp.topic().equals(topic.name())) {
                    LOG.info("Deleting the log of {}: its topic was re-created with id {}", tp, topic.id());
                    idsOnDisk.remove(tp);
                    m.deleteLog(tp);
                }
            }
        }
        return adopted;
    }

    /**
     * The topic a name stands for on this node: its id and, from the first time one of its logs is served, its
     * meters (one registry lookup per topic id, not per request). Immutable but for that one-time creation; two
     * threads that race on it get the same instance from the registry. Thread-safe.
     */
    private final class ServedTopic {
        private final String name;
        private final Uuid id;
        private volatile BrokerTopicMetrics meters;

        ServedTopic(String name, Uuid id) {
            this.name = name;
            this.id = id;
        }

        Uuid id() {
            return id;
        }

        BrokerTopicMetrics meters() {
            BrokerTopicMetrics m = meters;
            if (m == null) {
                m = topicMetrics.topic(name);
                meters = m;
            }
            return m;
        }
    }

    @Override
    public void close() {
        LogManager m;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            m = logManager;
        }
        if (fetchPurgatory != null) {
            fetchPurgatory.close();
            wakeUps.shutdownNow();
        }
        if (ioExecutors != null) {
            List<ExecutorService> executors = new ArrayList<>(List.of(ioExecutors));
            executors.add(imageFollower);
            for (ExecutorService e : executors) {
                e.shutdown();
            }
            try {
                for (ExecutorService e : executors) {
                    e.awaitTermination(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (m != null) {
            m.shutdown(-1);
            LOG.info("Log manager stopped");
        }
        if (scheduler != null) {
            scheduler.close();
        }
    }
}
