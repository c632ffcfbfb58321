package io.fjord.log;

import java.nio.file.Path;
import java.util.Set;

/**
 * Told by the {@link LogManager} when a log directory went offline after an I/O error, with the partitions whose
 * logs were there: the broker serves them no more (KAFKA_STORAGE_ERROR) and, like Kafka, should stop once no
 * log directory is left online. Called once per directory, on the scheduler's thread (or during
 * {@link LogManager#open} for a failure while loading).
 */
@FunctionalInterface
public interface LogDirOfflineListener {
    LogDirOfflineListener IGNORE = (logDir, partitions) -> { };

    void onLogDirOffline(Path logDir, Set<TopicPartition> partitions);
}
