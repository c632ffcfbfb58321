package io.fjord.log.compaction;

import io.fjord.log.KafkaStorageException;
import io.fjord.log.OffsetCheckpointFile;
import io.fjord.log.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The cleaner's progress, per log directory in its {@value #FILE} (the {@link OffsetCheckpointFile} format): for each
 * compacted partition, the first dirty offset, below which the log has been cleaned. A file that cannot be read
 * counts as empty, so its logs are cleaned from their start again. Not thread-safe: the {@link LogCleaner} calls it
 * under its lock.
 */
final class CleanerCheckpoints {
    static final String FILE = "cleaner-offset-checkpoint";
    private static final Logger log = LoggerFactory.getLogger(CleanerCheckpoints.class);

    private CleanerCheckpoints() {
    }

    static Map<TopicPartition, Long> read(Path logDir) {
        try {
            return new OffsetCheckpointFile(logDir.resolve(FILE)).read();
        } catch (KafkaStorageException e) {
            log.error("Could not read the cleaner checkpoint of {}; its logs count as wholly dirty", logDir, e);
            return Map.of();
        }
    }

    /**
     * Rewrites the file with {@code partition} at {@code offset}, or without it when {@code offset} is null, keeping
     * only the other entries of {@code known} partitions.
     *
     * @throws KafkaStorageException when the file cannot be written
     */
    static void update(Path logDir, TopicPartition partition, Long offset, Set<TopicPartition> known) {
        Map<TopicPartition, Long> offsets = new HashMap<>(read(logDir));
        offsets.keySet().retainAll(known);
        if (offset == null) {
            offsets.remove(partition);
        } else {
            offsets.put(partition, offset);
        }
        new OffsetCheckpointFile(logDir.resolve(FILE)).write(offsets);
    }
}
