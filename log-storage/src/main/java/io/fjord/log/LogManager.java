package io.fjord.log;

import io.fjord.log.compaction.CleanableLog;
import io.fjord.log.compaction.LogCleaner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Owns every partition log of the broker, spread over its log.dirs, as Kafka's LogManager does. The layout of
 * each directory is described by {@link LogDirectory}; a partition's log lives in {@code <log dir>/<topic>-<partition>}.
 *
 * <p>{@link #open} locks every directory, takes its clean-shutdown marker (removing it before anything else
 * happens, so a crash from then on counts as unclean), reads its recovery-point and log-start-offset
 * checkpoints and opens every partition directory with that {@link LoadState}, on a pool of
 * num.recovery.threads.per.data.dir threads per directory. Directories marked {@code -delete} are removed after
 * log.segment.delete.delay.ms; {@code -stray} and {@code -future} ones are left alone and not served. Then the
 * {@link LogCleaner} starts, and retention, due flushes, both checkpoints and producer id expiration run periodically
 * on the scheduler. {@link #shutdown} stops the cleaner, then closes (flushes) every log, writes both checkpoints and,
 * only once all that succeeded, the clean-shutdown marker of each online directory, then releases the locks.
 *
 * <p>Compaction: every log whose cleanup.policy includes compact, loaded or created, is registered with the cleaner
 * ({@link CleanableLog#ofProducerState}), and unregistered before it is deleted or its directory goes offline. As in
 * Kafka, the retention task skips compacted logs: the cleaner applies their retention after each round (see
 * {@link LogCleaner}). Truncations go through {@link #truncateTo} and {@link #truncateFullyAndStartAt}, which move
 * the cleaner checkpoint back to the active segment's base offset; a caller truncating a {@link PartitionLog} directly
 * must call {@link LogCleaner#truncateCheckpoint} likewise.
 *
 * <p>New logs go to the online directory holding the fewest partitions (the first in log.dirs order on a tie).
 *
 * <p>Failures: a directory that cannot be created, read or locked at startup is offline from the start (one
 * locked by another broker fails the startup instead, as in Kafka). The first I/O error reported from a
 * directory by its logs or checkpoints takes it offline: from then on {@link #getLog} for its partitions throws
 * {@link KafkaStorageException} and no log is created there; next, on the scheduler, its logs are closed
 * without writing and dropped, its lock is released and the {@link LogDirOfflineListener} is told which
 * partitions went offline. Those partitions stay offline until the broker restarts. Other directories keep serving.
 *
 * <p>Thread-safety: thread-safe. Creating, deleting and taking logs offline are serialized by one lock; lookups
 * take none. Periodic tasks never run concurrently with or after {@link #shutdown}.
 */
public final class LogManager implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(LogManager.class);
    /** Kafka's KRaft metadata log may live in a log dir; it is not a partition log of this manager. */
    private static final String METADATA_TOPIC = "__cluster_metadata";
    /** Fjord's metadata quorum keeps its Raft log in "raft" (and meta.properties) in the first log dir by default. */
    private static final String METADATA_RAFT_DIR = "raft";

    /** Makes the hooks for one partition's log (producer state, leader-epoch cache) just before it is opened. */
    @FunctionalInterface
    public interface ListenerFactory {
        ListenerFactory NONE = (partition, dir) -> PartitionLog.Listener.NONE;

        PartitionLog.Listener create(TopicPartition partition, Path partitionDir);
    }

    private final LogManagerConfig config;
    private final Scheduler scheduler;
    private final LogEnvironment logEnvironment;
    private final LogCleaner cleaner;
    private final Function<String, LogConfig> topicConfigs;
    private final ListenerFactory listeners;
    private final LogDirOfflineListener offlineListener;
    private final Map<Path, LogDirectory> lockedDirs = new ConcurrentHashMap<>();
    private final Set<Path> offlineDirs = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Path> offlinePartitions = new ConcurrentHashMap<>();
    private final Object creationLock = new Object();
    private final ReadWriteLock taskLock = new ReentrantReadWriteLock();
    private volatile boolean started;
    private volatile boolean closed;

    private LogManager(LogManagerConfig config, LogEnvironment environment, Function<String, LogConfig> topicConfigs,
                       ListenerFactory listeners, LogDirOfflineListener offlineListener) {
        this.config = config;
        this.scheduler = environment.scheduler();
        this.logEnvironment = new LogEnvironment(environment.time(), environment.scheduler(), environment.channels(), (dir, cause) -> {
            onLogDirFailure(dir, cause);
            environment.failures().onFailure(dir, cause);
        }, config.producerIdExpirationMs());
        this.cleaner = new LogCleaner(config.cleaner(), environment.time(), logEnvironment.failures());
        this.topicConfigs = topicConfigs;
        this.listeners = listeners;
        this.offlineListener = offlineListener;
    }

    /**
     * Locks the directories, loads every log in them, starts the log cleaner and the periodic tasks.
     *
     * @param environment  time, scheduler and channel factory for every log and the cleaner; its failure listener is
     *                     told of I/O errors after this manager handled them. Its producer id expiration is replaced
     *                     by the config's.
     * @param topicConfigs the config of each topic whose logs are found on disk
     * @throws LogDirInUseException  a directory is locked by another broker
     * @throws KafkaStorageException no directory can be used
     * @throws IllegalStateException a directory holds something that is not a partition directory, or a partition
     *                               has a log in two directories
     */
    public static LogManager open(LogManagerConfig config, LogEnvironment environment, Function<String, LogConfig> topicConfigs,
                                  ListenerFactory listeners, LogDirOfflineListener offlineListener) {
        LogManager manager = new LogManager(config, environment, topicConfigs, listeners, offlineListener);
        try {
            manager.lockDirs();
            manager.loadLogs();
        } catch (RuntimeException e) {
            manager.abandonStartup();
            throw e;
        }
        manager.started = true;
        for (Path dir : config.logDirs()) {
            if (manager.offlineDirs.contains(dir)) {
                manager.takeOffline(dir);
            }
        }
        manager.cleaner.startup();
        manager.scheduleTasks();
        return manager;
    }

    private void lockDirs() {
        for (Path dir : config.logDirs()) {
            try {
                lockedDirs.put(dir, LogDirectory.lock(dir));
            } catch (IOException e) {
                log.error("Log directory {} cannot be used; it is offline", dir, e);
                offlineDirs.add(dir);
            }
        }
        if (lockedDirs.isEmpty()) {
            throw new KafkaStorageException("None of the log directories " + config.logDirs() + " can be used");
        }
    }

    /** Opens the logs of every locked directory; on a failure, waits for the loads already running, then throws. */
    private void loadLogs() {
        List<ExecutorService> pools = new ArrayList<>();
        List<Future<?>> jobs = new ArrayList<>();
        RuntimeException failure = null;
        try {
            for (Path dir : config.logDirs()) {
                LogDirectory logDir = lockedDirs.get(dir);
                if (logDir != null) {
                    ExecutorService pool = Executors.newFixedThreadPool(config.recoveryThreadsPerDataDir(), threadsNamed("log-recovery-" + dir));
                    pools.add(pool);
                    submitLoads(logDir, pool, jobs);
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> job : jobs) {
            try {
                await(job);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        pools.forEach(ExecutorService::shutdown);
        if (failure != null) {
            throw failure;
        }
    }

    private void submitLoads(LogDirectory logDir, ExecutorService pool, List<Future<?>> jobs) {
        try {
            boolean cleanShutdown = logDir.takeCleanShutdownMarker();
            Map<TopicPartition, Long> recoveryPoints = readCheckpoint(logDir.recoveryPoints());
            Map<TopicPartition, Long> logStartOffsets = readCheckpoint(logDir.logStartOffsets());
            log.info("Loading logs in {} after {} shutdown", logDir, cleanShutdown ? "a clean" : "an unclean");
            for (Path partitionDir : logDir.subdirectories()) {
                if (partitionDir.getFileName().toString().equals(METADATA_RAFT_DIR)) {
                    continue;
                }
                PartitionDirName name = parse(partitionDir);
                TopicPartition partition = name.partition();
                switch (name.kind()) {
                    case DELETE -> scheduleRemoval(logDir.path(), partitionDir);
                    case FUTURE, STRAY -> log.warn("Leaving {} alone: it is not a current log of this broker", partitionDir);
                    case LIVE -> {
                        if (!partition.topic().equals(METADATA_TOPIC)) {
                            LoadState state = new LoadState(cleanShutdown, recoveryPoints.getOrDefault(partition, 0L),
                                    logStartOffsets.getOrDefault(partition, 0L));
                            jobs.add(pool.submit(() -> load(partition, partitionDir, state)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            onLogDirFailure(logDir.path(), e);
        }
    }

    private static PartitionDirName parse(Path partitionDir) {
        try {
            return PartitionDirName.parse(partitionDir.getFileName().toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Found " + partitionDir + ": " + e.getMessage(), e);
        }
    }

    private Map<TopicPartition, Long> readCheckpoint(OffsetCheckpointFile checkpoint) {
        try {
            return checkpoint.read();
        } catch (KafkaStorageException e) {
            log.warn("Ignoring {}, which cannot be read: logs there are recovered from their start", checkpoint.file(), e);
            return Map.of();
        }
    }

    private void load(TopicPartition partition, Path partitionDir, LoadState state) {
        PartitionLog partitionLog;
        try {
            partitionLog = PartitionLog.open(partitionDir, topicConfigs.apply(partition.topic()), state, logEnvironment,
                    listeners.create(partition, partitionDir));
        } catch (KafkaStorageException e) {
            if (!(e.getCause() instanceof IOException cause)) {
                throw e;
            }
            onLogDirFailure(partitionDir.getParent(), cause);
            return;
        }
        PartitionLog previous = logs.putIfAbsent(partition, partitionLog);
        if (previous != null) {
            partitionLog.closeWithoutWriting();
            throw new IllegalStateException("Partition " + partition + " has a log in both " + previous.dir() + " and " + partitionDir
                    + "; delete the one in the log directory that failed most recently");
        }
        registerWithCleaner(partition, partitionLog);
        log.debug("Loaded {}", partitionLog);
    }

    private void registerWithCleaner(TopicPartition partition, PartitionLog partitionLog) {
        if (partitionLog.config().compact()) {
            cleaner.addLog(CleanableLog.ofProducerState(partition, partitionLog));
        }
    }

    private void abandonStartup() {
        logs.values().forEach(PartitionLog::closeWithoutWriting);
        lockedDirs.values().forEach(this::release);
    }

    private void scheduleTasks() {
        long delay = config.initialTaskDelayMs();
        scheduler.schedule("kafka-log-retention", () -> runTask(this::deleteOldSegments), delay, config.retentionCheckIntervalMs());
        scheduler.schedule("kafka-log-flusher", () -> runTask(this::flushDueLogs), delay, config.flushCheckIntervalMs());
        scheduler.schedule("kafka-recovery-point-checkpoint", () -> runTask(() -> onlineDirs().forEach(this::checkpointRecoveryPoints)),
                delay, config.recoveryPointCheckpointIntervalMs());
        scheduler.schedule("kafka-log-start-offset-checkpoint", () -> runTask(() -> onlineDirs().forEach(this::checkpointLogStartOffsets)),
                delay, config.logStartOffsetCheckpointIntervalMs());
        long expirationCheck = config.producerIdExpirationCheckIntervalMs();
        scheduler.schedule("kafka-producer-expiration", () -> runTask(this::removeExpiredProducers), expirationCheck, expirationCheck);
    }

    /** Runs scheduled work unless the manager is shut down; shutdown waits for work already running. */
    private void runTask(Runnable task) {
        taskLock.readLock().lock();
        try {
            if (!closed) {
                task.run();
            }
        } finally {
            taskLock.readLock().unlock();
        }
    }

    /** Retention of the logs that are not compacted; the cleaner applies that of compacted logs. */
    private void deleteOldSegments() {
        int deleted = 0;
        for (PartitionLog partitionLog : allLogs().values()) {
            if (partitionLog.config().compact()) {
                continue;
            }
            try {
                deleted += partitionLog.deleteOldSegments();
            } catch (KafkaStorageException e) {
                log.warn("Retention of {} failed", partitionLog, e);
            }
        }
        log.debug("Retention deleted {} segments", deleted);
    }

    private void removeExpiredProducers() {
        allLogs().values().forEach(PartitionLog::removeExpiredProducers);
    }

    private void flushDueLogs() {
        for (PartitionLog partitionLog : allLogs().values()) {
            try {
                partitionLog.flushIfDue();
            } catch (KafkaStorageException e) {
                log.warn("Flushing {} failed", partitionLog, e);
            }
        }
    }

    /** Writes every log's recovery point in {@code dir}; false if that failed or the directory is offline. */
    private boolean checkpointRecoveryPoints(Path dir) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        logsIn(dir).forEach((partition, partitionLog) -> offsets.put(partition, partitionLog.recoveryPoint()));
        return writeCheckpoint(dir, LogDirectory::recoveryPoints, offsets);
    }

    /** Writes the log start offset of every log in {@code dir} where it lies above its first segment; false if that failed. */
    private boolean checkpointLogStartOffsets(Path dir) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        logsIn(dir).forEach((partition, partitionLog) -> {
            long logStartOffset = partitionLog.logStartOffset();
            if (logStartOffset > partitionLog.segments().iterator().next().baseOffset()) {
                offsets.put(partition, logStartOffset);
            }
        });
        return writeCheckpoint(dir, LogDirectory::logStartOffsets, offsets);
    }

    private boolean writeCheckpoint(Path dir, Function<LogDirectory, OffsetCheckpointFile> which, Map<TopicPartition, Long> offsets) {
        LogDirectory logDir = lockedDirs.get(dir);
        if (logDir == null || offlineDirs.contains(dir)) {
            return false;
        }
        OffsetCheckpointFile checkpoint = which.apply(logDir);
        try {
            checkpoint.write(offsets);
            return true;
        } catch (KafkaStorageException e) {
            if (e.getCause() instanceof IOException cause) {
                onLogDirFailure(dir, cause);
            }
            log.error("Could not write {}", checkpoint.file(), e);
            return false;
        }
    }

    /**
     * The log of {@code partition}, if this broker has one.
     *
     * @throws KafkaStorageException the log's directory is offline
     */
    public Optional<PartitionLog> getLog(TopicPartition partition) {
        Path offlineDir = offlinePartitions.get(partition);
        PartitionLog partitionLog = logs.get(partition);
        if (offlineDir == null && partitionLog != null && offlineDirs.contains(partitionLog.dir().getParent())) {
            offlineDir = partitionLog.dir().getParent();
        }
        if (offlineDir != null) {
            throw new KafkaStorageException("The log of " + partition + " is offline: log directory " + offlineDir + " failed");
        }
        return Optional.ofNullable(partitionLog);
    }

    /** {@link #getOrCreateLog(TopicPartition, LogConfig, boolean)} for a partition that may have existed before. */
    public PartitionLog getOrCreateLog(TopicPartition partition, LogConfig logConfig) {
        return getOrCreateLog(partition, logConfig, false);
    }

    /**
     * The log of {@code partition}, created empty with {@code logConfig} in the online directory with the fewest
     * partitions if there is none. Unless the partition is new to this broker ({@code isNew}), no log is created
     * while a directory is offline: it may hold the partition's log.
     *
     * @throws KafkaStorageException the partition's directory is offline, or no log could be created
     */
    public PartitionLog getOrCreateLog(TopicPartition partition, LogConfig logConfig, boolean isNew) {
        synchronized (creationLock) {
            if (closed) {
                throw new IllegalStateException("The log manager is shut down");
            }
            Optional<PartitionLog> existing = getLog(partition);
            if (existing.isPresent()) {
                return existing.get();
            }
            if (!isNew && !offlineDirs.isEmpty()) {
                throw new KafkaStorageException("Cannot create a log for " + partition + ": log directories " + offlineLogDirs()
                        + " are offline and may hold it");
            }
            KafkaStorageException failure = new KafkaStorageException("No online log directory for " + partition);
            for (Path dir : placementOrder()) {
                Path partitionDir = dir.resolve(partition.toString());
                try {
                    PartitionLog created = PartitionLog.open(partitionDir, logConfig, LoadState.NEW, logEnvironment,
                            listeners.create(partition, partitionDir));
                    logs.put(partition, created);
                    registerWithCleaner(partition, created);
                    log.info("Created the log of {} in {}", partition, dir);
                    return created;
                } catch (KafkaStorageException e) {
                    failure = e;
                }
            }
            throw failure;
        }
    }

    /** Online directories, those holding fewer partitions first, in log.dirs order on a tie. */
    private List<Path> placementOrder() {
        Map<Path, Integer> partitions = new HashMap<>();
        logs.values().forEach(partitionLog -> partitions.merge(partitionLog.dir().getParent(), 1, Integer::sum));
        return onlineDirs().stream().sorted(Comparator.comparingInt(dir -> partitions.getOrDefault(dir, 0))).toList();
    }

    /**
     * Deletes the log of {@code partition}: it is closed without writing (reads still in flight may fail), its
     * directory renamed to {@code <topic>-<partition>.<id>-delete} at once and removed after
     * log.segment.delete.delay.ms. False if there is no such log.
     *
     * @throws KafkaStorageException the log's directory is offline, or the log is not found while some directory
     *                               is offline, or the rename failed
     */
    public boolean deleteLog(TopicPartition partition) {
        Path dir;
        synchronized (creationLock) {
            PartitionLog partitionLog = getLog(partition).orElse(null);
            if (partitionLog == null) {
                if (!offlineDirs.isEmpty()) {
                    throw new KafkaStorageException("Cannot delete the log of " + partition + ": log directories " + offlineLogDirs()
                            + " are offline and may hold it");
                }
                return false;
            }
            logs.remove(partition);
            cleaner.removeLog(partition);
            partitionLog.closeWithoutWriting();
            dir = partitionLog.dir().getParent();
            Path renamed = dir.resolve(PartitionDirName.forDeletion(partition));
            try {
                Files.move(partitionLog.dir(), renamed, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.syncDirectory(dir);
            } catch (IOException e) {
                onLogDirFailure(dir, e);
                throw new KafkaStorageException("Could not rename " + partitionLog.dir() + " for deletion", e);
            }
            log.info("Renamed the log of {} to {}; its files go in {} ms", partition, renamed, config.fileDeleteDelayMs());
            scheduleRemoval(dir, renamed);
        }
        checkpointRecoveryPoints(dir);
        checkpointLogStartOffsets(dir);
        return true;
    }

    /**
     * Truncates the log of {@code partition} to {@code offset} ({@link PartitionLog#truncateTo}), as a follower does
     * when it diverged from its leader. A compacted log's cleaner checkpoint then moves back to the active segment's
     * base offset if it lay beyond, so what is appended again counts as dirty; when the log's recovery point moved
     * back, the recovery points of its directory are written at once, so a restart does not trust the offsets to be
     * rewritten as flushed. Calls for one partition must not run concurrently with each other or its appends.
     *
     * @return false if there is no such log
     * @throws KafkaStorageException the log's directory is offline, or the truncation failed
     */
    public boolean truncateTo(TopicPartition partition, long offset) {
        return truncate(partition, partitionLog -> partitionLog.truncateTo(offset));
    }

    /** {@link #truncateTo}, but with {@link PartitionLog#truncateFullyAndStartAt}: the log starts over empty at {@code offset}. */
    public boolean truncateFullyAndStartAt(TopicPartition partition, long offset) {
        return truncate(partition, partitionLog -> partitionLog.truncateFullyAndStartAt(offset));
    }

    private boolean truncate(TopicPartition partition, Consumer<PartitionLog> truncation) {
        PartitionLog partitionLog = getLog(partition).orElse(null);
        if (partitionLog == null) {
            return false;
        }
        long recoveryPoint = partitionLog.recoveryPoint();
        truncation.accept(partitionLog);
        List<LogSegment> segments = List.copyOf(partitionLog.segments());
        cleaner.truncateCheckpoint(partition, segments.get(segments.size() - 1).baseOffset());
        if (partitionLog.recoveryPoint() < recoveryPoint) {
            checkpointRecoveryPoints(partitionLog.dir().getParent());
        }
        return true;
    }

    /**
     * The cleaner of the compacted logs: a caller truncating a log itself moves its checkpoint back, and tests without
     * cleaner threads (log.cleaner.enable false) run its rounds.
     */
    public LogCleaner cleaner() {
        return cleaner;
    }

    private void scheduleRemoval(Path dir, Path partitionDir) {
        scheduler.scheduleOnce("delete " + partitionDir.getFileName(), () -> runTask(() -> {
            if (offlineDirs.contains(dir)) {
                return;
            }
            try (Stream<Path> files = Files.walk(partitionDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
                log.info("Deleted {}", partitionDir);
            } catch (IOException e) {
                onLogDirFailure(dir, e);
            }
        }), config.fileDeleteDelayMs());
    }

    /**
     * Gives a live log new settings (a topic's configs changed): the log uses them from its next operation on,
     * and the cleaner takes it up or lets it go when cleanup.policy gains or loses compact.
     *
     * @return false if there is no such log
     */
    public boolean updateConfig(TopicPartition partition, LogConfig newConfig) {
        PartitionLog partitionLog = logs.get(partition);
        if (partitionLog == null) {
            return false;
        }
        boolean wasCompact = partitionLog.config().compact();
        partitionLog.updateConfig(newConfig);
        if (!wasCompact && newConfig.compact()) {
            registerWithCleaner(partition, partitionLog);
        } else if (wasCompact && !newConfig.compact()) {
            cleaner.removeLog(partition);
        }
        return true;
    }

    /** Every log in an online directory. */
    public Map<TopicPartition, PartitionLog> allLogs() {
        Map<TopicPartition, PartitionLog> online = new HashMap<>();
        logs.forEach((partition, partitionLog) -> {
            if (!offlineDirs.contains(partitionLog.dir().getParent())) {
                online.put(partition, partitionLog);
            }
        });
        return Collections.unmodifiableMap(online);
    }

    private Map<TopicPartition, PartitionLog> logsIn(Path dir) {
        Map<TopicPartition, PartitionLog> inDir = new HashMap<>();
        logs.forEach((partition, partitionLog) -> {
            if (partitionLog.dir().getParent().equals(dir)) {
                inDir.put(partition, partitionLog);
            }
        });
        return inDir;
    }

    /** The online log directories, in log.dirs order. */
    public List<Path> liveLogDirs() {
        return onlineDirs();
    }

    /** The offline log directories, in log.dirs order. */
    public List<Path> offlineLogDirs() {
        return config.logDirs().stream().filter(offlineDirs::contains).toList();
    }

    private List<Path> onlineDirs() {
        return config.logDirs().stream().filter(dir -> !offlineDirs.contains(dir)).toList();
    }

    /** The first failure reported from a locked directory takes it offline; quick, and safe under any lock. */
    private void onLogDirFailure(Path dir, IOException cause) {
        if (lockedDirs.containsKey(dir) && offlineDirs.add(dir)) {
            log.error("Log directory {} failed; taking it offline", dir, cause);
            if (started) {
                scheduler.scheduleOnce("offline " + dir, () -> runTask(() -> takeOffline(dir)), 0);
            }
        }
    }

    /** Closes and drops the logs of a failed directory, releases it and tells the listener; once per directory. */
    private void takeOffline(Path dir) {
        Set<TopicPartition> partitions = new TreeSet<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        synchronized (creationLock) {
            LogDirectory logDir = lockedDirs.remove(dir);
            if (logDir == null) {
                return;
            }
            cleaner.handleLogDirFailure(dir);
            logsIn(dir).forEach((partition, partitionLog) -> {
                offlinePartitions.put(partition, dir);
                logs.remove(partition);
                partitionLog.closeWithoutWriting();
                partitions.add(partition);
            });
            release(logDir);
        }
        log.warn("Log directory {} is offline with the logs of {}", dir, partitions);
        offlineListener.onLogDirOffline(dir, partitions);
    }

    private void release(LogDirectory logDir) {
        try {
            logDir.close();
        } catch (IOException e) {
            log.warn("Could not release the lock of {}", logDir, e);
        }
    }

    /** {@link #shutdown} without a broker epoch (-1 in the clean-shutdown marker). */
    @Override
    public void close() {
        shutdown(-1);
    }

    /**
     * Stops the log cleaner, waiting for a cleaning under way, then closes every log: in each online directory the
     * logs are flushed and closed, then both checkpoints are written and, only if all of that succeeded, the
     * clean-shutdown marker with {@code brokerEpoch}. Logs of offline directories are closed without writing. All
     * locks are released. Later calls do nothing.
     */
    public void shutdown(long brokerEpoch) {
        taskLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            taskLock.writeLock().unlock();
        }
        cleaner.close();
        Map<Path, List<Future<?>>> closings = new LinkedHashMap<>();
        List<ExecutorService> pools = new ArrayList<>();
        try {
            synchronized (creationLock) {
                for (Path dir : config.logDirs().stream().filter(lockedDirs::containsKey).toList()) {
                    Map<TopicPartition, PartitionLog> inDir = logsIn(dir);
                    if (offlineDirs.contains(dir)) {
                        inDir.values().forEach(PartitionLog::closeWithoutWriting);
                        continue;
                    }
                    ExecutorService pool = Executors.newFixedThreadPool(config.recoveryThreadsPerDataDir(), threadsNamed("log-closing-" + dir));
                    pools.add(pool);
                    closings.put(dir, inDir.values().stream().<Future<?>>map(partitionLog -> pool.submit(partitionLog::close)).toList());
                }
            }
            closings.forEach((dir, jobs) -> {
                if (awaitAll(dir, jobs) && !offlineDirs.contains(dir) && checkpointRecoveryPoints(dir) && checkpointLogStartOffsets(dir)) {
                    writeCleanShutdownMarker(dir, brokerEpoch);
                }
            });
        } finally {
            pools.forEach(ExecutorService::shutdownNow);
            lockedDirs.values().forEach(this::release);
        }
    }

    private boolean awaitAll(Path dir, List<Future<?>> jobs) {
        boolean succeeded = true;
        for (Future<?> job : jobs) {
            try {
                await(job);
            } catch (RuntimeException e) {
                log.error("Closing a log in {} failed; it gets no clean-shutdown marker", dir, e);
                succeeded = false;
            }
        }
        return succeeded;
    }

    private void writeCleanShutdownMarker(Path dir, long brokerEpoch) {
        try {
            lockedDirs.get(dir).writeCleanShutdownMarker(brokerEpoch);
        } catch (IOException e) {
            log.error("Could not write the clean-shutdown marker in {}; its logs will be recovered on the next start", dir, e);
        }
    }

    /** Waits for {@code job}, rethrowing what it threw. */
    private static void await(Future<?> job) {
        try {
            job.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the logs", e);
        }
    }

    private static ThreadFactory threadsNamed(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return task -> new Thread(task, prefix + "-" + counter.getAndIncrement());
    }
}
