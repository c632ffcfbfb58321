package io.fjord.log.compaction;

import io.fjord.log.KafkaStorageException;
import io.fjord.log.LogDirFailureListener;
import io.fjord.log.Time;
import io.fjord.log.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Compacts the logs whose cleanup.policy includes compact, in the background, as Kafka's log cleaner does. Each round
 * ({@link #cleanOnce()}) sizes up every registered compacted log not being cleaned ({@link LogToClean}), picks the one
 * with the highest dirty ratio among those whose ratio exceeds min.cleanable.dirty.ratio or that max.compaction.lag.ms
 * makes overdue, and cleans it ({@link SegmentCleaner}); the first dirty offset it reaches is recorded in the log
 * directory's {@value CleanerCheckpoints#FILE}. A log whose cleaning fails unexpectedly is marked uncleanable and
 * skipped until it is removed; an I/O error also goes to the {@link LogDirFailureListener}. A cleaning the log
 * refuses to swap in (it was truncated or lost segments meanwhile) leaves the checkpoint where it was, and so does one
 * that finished while the log was truncated. An error cleaning a log that was removed or truncated meanwhile is not a
 * log directory failure: its files may have gone with it.
 *
 * <p>Retention of compacted logs is the cleaner's, as in Kafka (the log manager's retention task skips them): after
 * every round each registered compacted log not being cleaned or uncleanable gets
 * {@link io.fjord.log.PartitionLog#deleteOldSegments()}, marked in progress meanwhile, so retention never deletes
 * segments a cleaning is reading. Compact-only logs thereby lose the segments below their log start offset; logs
 * whose cleanup.policy is compact,delete also get retention.ms and retention.bytes. Without cleaner threads
 * (log.cleaner.enable false) compacted logs get no retention, also as in Kafka.
 *
 * <p>log.cleaner.threads threads, started by {@link #startup()} when log.cleaner.enable is set, each run rounds
 * with its own key-offset map of log.cleaner.dedupe.buffer.size / threads bytes, and wait log.cleaner.backoff.ms
 * after a round that found nothing to clean. Tests drive rounds with {@link #cleanOnce()} instead.
 *
 * <p>Thread-safe: the registry, the set of logs being cleaned and the checkpoint files are guarded by one lock,
 * never held while a log is cleaned; a log is cleaned by one thread at a time. Logs must be removed, or the cleaner
 * closed, before they are closed: a closed log's files read as I/O errors.
 */
public final class LogCleaner implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);

    private final CleanerConfig config;
    private final Time time;
    private final LogDirFailureListener failures;
    private final List<SegmentCleaner> cleaners = new ArrayList<>();
    private final Map<TopicPartition, CleanableLog> logs = new HashMap<>();
    private final Set<TopicPartition> inProgress = new HashSet<>();
    private final Set<TopicPartition> uncleanable = new HashSet<>();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();

    public LogCleaner(CleanerConfig config, Time time, LogDirFailureListener failures) {
        this.config = config;
        this.time = time;
        this.failures = failures;
        for (int i = 0; i < config.threads(); i++) {
            cleaners.add(new SegmentCleaner(config.dedupeBytesPerThread(), config.loadFactor(), config.readBytesPerThread()));
        }
    }

    /** Registers a log; it is cleaned while its cleanup.policy includes compact. Replaces a log of the same partition. */
    public synchronized void addLog(CleanableLog cleanable) {
        logs.put(cleanable.partition(), cleanable);
    }

    /**
     * Forgets a partition (deleted, or moved away) and drops it from its directory's checkpoint. A cleaning of it
     * already under way finishes, but its swap is refused once the log is closed.
     */
    public synchronized void removeLog(TopicPartition partition) {
        CleanableLog removed = logs.remove(partition);
        uncleanable.remove(partition);
        if (removed != null) {
            writeCheckpoint(removed, null);
        }
    }

    /**
     * Moves a compacted partition's checkpoint back to {@code offset} if it lies beyond, as Kafka does when a log is
     * truncated (the log manager passes the active segment's base offset afterwards), so re-appended data counts as dirty.
     */
    public synchronized void truncateCheckpoint(TopicPartition partition, long offset) {
        CleanableLog cleanable = logs.get(partition);
        if (cleanable != null && cleanable.log().config().compact()
                && CleanerCheckpoints.read(cleanable.logDir()).getOrDefault(partition, 0L) > offset) {
            writeCheckpoint(cleanable, offset);
        }
    }

    /**
     * Forgets every log in a failed log directory, leaving its checkpoint file alone (it may not be written), as
     * Kafka does when a directory goes offline. A cleaning of one of them under way stops at its next error.
     */
    public synchronized void handleLogDirFailure(Path logDir) {
        logs.values().removeIf(cleanable -> cleanable.logDir().equals(logDir));
        uncleanable.removeIf(partition -> !logs.containsKey(partition));
    }

    /** The partitions marked uncleanable after a failed cleaning. */
    public synchronized Set<TopicPartition> uncleanablePartitions() {
        return Set.copyOf(uncleanable);
    }

    /** Starts the cleaner threads, if log.cleaner.enable is set. */
    public synchronized void startup() {
        if (!config.enabled() || !threads.isEmpty()) {
            return;
        }
        for (int i = 0; i < cleaners.size(); i++) {
            SegmentCleaner cleaner = cleaners.get(i);
            Thread thread = new Thread(() -> run(cleaner), "fjord-log-cleaner-thread-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void run(SegmentCleaner cleaner) {
        while (shutdown.getCount() > 0) {
            boolean cleaned = false;
            try {
                cleaned = cleanFilthiestLog(cleaner);
            } catch (RuntimeException e) {
                log.error("Log cleaner round failed", e);
            }
            try {
                if (!cleaned && shutdown.await(config.backoffMs(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One round on the first cleaner's map, for tests and callers that run no threads: cleans the filthiest log, if
     * any qualifies, then applies retention to the compacted logs. Must not run while the threads are started.
     *
     * @return whether a log was picked
     */
    public boolean cleanOnce() {
        return cleanFilthiestLog(cleaners.get(0));
    }

    private boolean cleanFilthiestLog(SegmentCleaner cleaner) {
        try {
            return cleanFilthiestLog(cleaner, time.milliseconds());
        } finally {
            deleteOldSegments();
        }
    }

    private boolean cleanFilthiestLog(SegmentCleaner cleaner, long now) {
        LogToClean filthiest = grabFilthiestLog(now);
        if (filthiest == null) {
            return false;
        }
        TopicPartition partition = filthiest.cleanable().partition();
        Long cleanedUpTo = null;
        try {
            Optional<SegmentCleaner.Result> result = cleaner.clean(filthiest, now);
            if (result.isPresent()) {
                cleanedUpTo = result.get().cleanedUpTo();
                log.info("Cleaned {} from offset {} up to {}: {}", partition, filthiest.firstDirtyOffset(), cleanedUpTo, result.get().stats());
            } else {
                log.info("Cleaning of {} aborted: the log was truncated, closed or lost segments meanwhile", partition);
            }
        } catch (KafkaStorageException e) {
            log.warn("Cleaning of {} stopped by a storage error: {}", partition, e.getMessage());
        } catch (IOException e) {
            if (movedOn(filthiest)) {
                log.info("Cleaning of {} stopped: the log was removed or truncated meanwhile ({})", partition, e.toString());
            } else {
                failures.onFailure(filthiest.cleanable().logDir(), e);
                log.error("I/O error while cleaning {}", partition, e);
            }
        } catch (RuntimeException e) {
            log.warn("Unexpected failure while cleaning {}; it is marked uncleanable", partition, e);
            markUncleanable(partition);
        } finally {
            doneCleaning(filthiest, cleanedUpTo);
        }
        return true;
    }

    private synchronized boolean movedOn(LogToClean toClean) {
        CleanableLog cleanable = toClean.cleanable();
        return logs.get(cleanable.partition()) != cleanable || cleanable.log().truncationCount() != toClean.truncationCount();
    }

    /** Retention of every registered compacted log not being cleaned and not uncleanable. */
    private void deleteOldSegments() {
        List<CleanableLog> deletable = grabDeletableLogs();
        try {
            for (CleanableLog cleanable : deletable) {
                try {
                    cleanable.log().deleteOldSegments();
                } catch (RuntimeException e) {
                    log.error("Retention of {} failed", cleanable.partition(), e);
                }
            }
        } finally {
            doneDeleting(deletable);
        }
    }

    private synchronized List<CleanableLog> grabDeletableLogs() {
        List<CleanableLog> deletable = logs.values().stream().filter(cleanable -> cleanable.log().config().compact()
                && !inProgress.contains(cleanable.partition()) && !uncleanable.contains(cleanable.partition())).toList();
        deletable.forEach(cleanable -> inProgress.add(cleanable.partition()));
        return deletable;
    }

    private synchronized void doneDeleting(List<CleanableLog> deleted) {
        deleted.forEach(cleanable -> inProgress.remove(cleanable.partition()));
    }

    /** The compacted log with the highest dirty ratio that qualifies for cleaning, now marked in progress; null if none. */
    private synchronized LogToClean grabFilthiestLog(long now) {
        Map<Path, Map<TopicPartition, Long>> checkpoints = new HashMap<>();
        List<LogToClean> candidates = new ArrayList<>();
        for (CleanableLog cleanable : logs.values()) {
            if (!cleanable.log().config().compact() || inProgress.contains(cleanable.partition()) || uncleanable.contains(cleanable.partition())) {
                continue;
            }
            Long checkpoint = checkpoints.computeIfAbsent(cleanable.logDir(), CleanerCheckpoints::read).get(cleanable.partition());
            try {
                LogToClean candidate = LogToClean.of(cleanable, checkpoint, now);
                if (candidate.checkpointReset()) {
                    log.warn("Cleaner checkpoint {} of {} lies outside its log; cleaning restarts at offset {}",
                            checkpoint, cleanable.partition(), candidate.firstDirtyOffset());
                    writeCheckpoint(cleanable, candidate.firstDirtyOffset());
                }
                if (candidate.totalBytes() > 0 && candidate.isCleanable()) {
                    candidates.add(candidate);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("Could not size up {} for cleaning; it is marked uncleanable", cleanable.partition(), e);
                uncleanable.add(cleanable.partition());
            }
        }
        Optional<LogToClean> filthiest = candidates.stream().max(Comparator.comparingDouble(LogToClean::cleanableRatio));
        filthiest.ifPresent(chosen -> inProgress.add(chosen.cleanable().partition()));
        return filthiest.orElse(null);
    }

    private synchronized void markUncleanable(TopicPartition partition) {
        uncleanable.add(partition);
    }

    private synchronized void doneCleaning(LogToClean cleaned, Long cleanedUpTo) {
        CleanableLog cleanable = cleaned.cleanable();
        inProgress.remove(cleanable.partition());
        if (cleanedUpTo != null && !movedOn(cleaned)) {
            writeCheckpoint(cleanable, cleanedUpTo);
        }
    }

    private void writeCheckpoint(CleanableLog cleanable, Long offset) {
        Set<TopicPartition> known = logs.values().stream().filter(l -> l.logDir().equals(cleanable.logDir()))
                .map(CleanableLog::partition).collect(Collectors.toSet());
        try {
            CleanerCheckpoints.update(cleanable.logDir(), cleanable.partition(), offset, known);
        } catch (KafkaStorageException e) {
            log.error("Could not write the cleaner checkpoint of {}", cleanable.logDir(), e);
            if (e.getCause() instanceof IOException cause) {
                failures.onFailure(cleanable.logDir(), cause);
            }
        }
    }

    /** Stops the threads, waiting for a cleaning under way to finish. */
    @Override
    public void close() {
        List<Thread> started;
        synchronized (this) {
            shutdown.countDown();
            started = List.copyOf(threads);
        }
        for (Thread thread : started) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
