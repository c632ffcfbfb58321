package io.fjord.log;

import io.fjord.log.compaction.CleanerConfig;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The broker settings of the {@link LogManager}, under Kafka's broker keys and defaults. Immutable.
 *
 * @param logDirs                            log.dirs (comma-separated), else log.dir (default /tmp/kafka-logs);
 *                                           absolute and normalized, no duplicates
 * @param recoveryThreadsPerDataDir          num.recovery.threads.per.data.dir (default 2 since Kafka 4.0): threads per
 *                                           directory that open logs at startup and close them at shutdown
 * @param retentionCheckIntervalMs           log.retention.check.interval.ms (default 5 minutes)
 * @param flushCheckIntervalMs               log.flush.scheduler.interval.ms (default Long.MAX_VALUE): how often logs
 *                                           are checked for a due flush.ms
 * @param recoveryPointCheckpointIntervalMs  log.flush.offset.checkpoint.interval.ms (default 1 minute)
 * @param logStartOffsetCheckpointIntervalMs log.flush.start.offset.checkpoint.interval.ms (default 1 minute)
 * @param initialTaskDelayMs                 log.initial.task.delay.ms (default 30 s): before the periodic tasks first run
 * @param fileDeleteDelayMs                  log.segment.delete.delay.ms (default 1 minute): how long a deleted
 *                                           partition's directory stays before its files are removed
 * @param cleaner                            the log.cleaner.* settings
 * @param producerIdExpirationMs             producer.id.expiration.ms (default 1 day): how long a producer without
 *                                           an open transaction is remembered after its last batch's timestamp
 * @param producerIdExpirationCheckIntervalMs producer.id.expiration.check.interval.ms (default 10 minutes)
 */
public record LogManagerConfig(List<Path> logDirs, int recoveryThreadsPerDataDir, long retentionCheckIntervalMs,
                               long flushCheckIntervalMs, long recoveryPointCheckpointIntervalMs,
                               long logStartOffsetCheckpointIntervalMs, long initialTaskDelayMs, long fileDeleteDelayMs,
                               CleanerConfig cleaner, long producerIdExpirationMs, long producerIdExpirationCheckIntervalMs) {

    public LogManagerConfig {
        logDirs = logDirs.stream().map(dir -> dir.toAbsolutePath().normalize()).toList();
        if (logDirs.isEmpty()) {
            throw new ConfigException("log.dirs", "", "at least one log directory must be given in log.dirs or log.dir");
        }
        if (new HashSet<>(logDirs).size() < logDirs.size()) {
            throw new ConfigException("log.dirs", logDirs, "a log directory is listed twice");
        }
    }

    /**
     * The config from broker properties, with Kafka's defaults for missing keys.
     *
     * @throws ConfigException naming the key of the first invalid value
     */
    public static LogManagerConfig fromBrokerProperties(Map<String, String> broker) {
        String dirs = broker.containsKey("log.dirs") ? broker.get("log.dirs") : broker.getOrDefault("log.dir", "/tmp/kafka-logs");
        return new LogManagerConfig(
                Arrays.stream(dirs.split(",")).map(String::trim).filter(dir -> !dir.isEmpty()).map(Path::of).toList(),
                (int) number(broker, "num.recovery.threads.per.data.dir", 2, 1, Integer.MAX_VALUE),
                number(broker, "log.retention.check.interval.ms", 300_000, 1, Long.MAX_VALUE),
                number(broker, "log.flush.scheduler.interval.ms", Long.MAX_VALUE, 1, Long.MAX_VALUE),
                number(broker, "log.flush.offset.checkpoint.interval.ms", 60_000, 1, Long.MAX_VALUE),
                number(broker, "log.flush.start.offset.checkpoint.interval.ms", 60_000, 1, Long.MAX_VALUE),
                number(broker, "log.initial.task.delay.ms", 30_000, 0, Long.MAX_VALUE),
                number(broker, "log.segment.delete.delay.ms", 60_000, 0, Long.MAX_VALUE),
                CleanerConfig.of(broker),
                number(broker, "producer.id.expiration.ms", ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS, 1, Integer.MAX_VALUE),
                number(broker, "producer.id.expiration.check.interval.ms", ProducerStateManager.DEFAULT_PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS,
                        1, Integer.MAX_VALUE));
    }

    private static long number(Map<String, String> broker, String key, long defaultValue, long min, long max) {
        String value = broker.get(key);
        if (value == null) {
            return defaultValue;
        }
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "not a number");
        }
        if (n < min || n > max) {
            throw new ConfigException(key, value, "must be between " + min + " and " + max);
        }
        return n;
    }
}
