package io.fjord.log;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings of one partition log, under Kafka's topic-level names and defaults. A topic's value comes
 * from its own override, else from the broker-level key ({@code log.segment.bytes} for
 * {@code segment.bytes}, ...), else Kafka's default. Immutable.
 *
 * @param segmentBytes           segment.bytes / log.segment.bytes: roll when the active segment would exceed it
 * @param segmentMs              segment.ms / log.roll.ms (log.roll.hours): roll when the active segment is older
 * @param segmentJitterMs        segment.jitter.ms / log.roll.jitter.ms
 * @param segmentIndexBytes      segment.index.bytes / log.index.size.max.bytes: size of each index file
 * @param indexIntervalBytes     index.interval.bytes / log.index.interval.bytes: bytes between index entries
 * @param flushMessages          flush.messages / log.flush.interval.messages: fsync after this many messages
 * @param flushMs                flush.ms / log.flush.interval.ms: fsync when the last flush is this old
 * @param retentionMs            retention.ms / log.retention.ms (.minutes, .hours); -1 keeps forever
 * @param retentionBytes         retention.bytes / log.retention.bytes; -1 is unlimited
 * @param cleanupPolicy          cleanup.policy / log.cleanup.policy: "delete", "compact" or both
 * @param deleteRetentionMs      delete.retention.ms / log.cleaner.delete.retention.ms: tombstone lifetime
 * @param minCleanableDirtyRatio min.cleanable.dirty.ratio / log.cleaner.min.cleanable.ratio
 * @param minCompactionLagMs     min.compaction.lag.ms / log.cleaner.min.compaction.lag.ms
 * @param maxCompactionLagMs     max.compaction.lag.ms / log.cleaner.max.compaction.lag.ms
 * @param fileDeleteDelayMs      file.delete.delay.ms / log.segment.delete.delay.ms
 * @param maxMessageBytes        max.message.bytes / message.max.bytes: largest batch accepted
 * @param logAppendTime          message.timestamp.type / log.message.timestamp.type is LogAppendTime
 * @param timestampBeforeMaxMs   message.timestamp.before.max.ms / log.message.timestamp.before.max.ms: how far a
 *                               CreateTime may lie before the broker's clock
 * @param timestampAfterMaxMs    message.timestamp.after.max.ms / log.message.timestamp.after.max.ms: how far a
 *                               CreateTime may lie after the broker's clock
 */
public record LogConfig(int segmentBytes, long segmentMs, long segmentJitterMs, int segmentIndexBytes,
                        int indexIntervalBytes, long flushMessages, long flushMs, long retentionMs,
                        long retentionBytes, Set<String> cleanupPolicy, long deleteRetentionMs,
                        double minCleanableDirtyRatio, long minCompactionLagMs, long maxCompactionLagMs,
                        long fileDeleteDelayMs, int maxMessageBytes, boolean logAppendTime,
                        long timestampBeforeMaxMs, long timestampAfterMaxMs) {

    /** Topic-level key -> broker-level key, for every setting above. */
    public static final Map<String, String> BROKER_KEYS = Map.ofEntries(
            Map.entry("segment.bytes", "log.segment.bytes"),
            Map.entry("segment.ms", "log.roll.ms"),
            Map.entry("segment.jitter.ms", "log.roll.jitter.ms"),
            Map.entry("segment.index.bytes", "log.index.size.max.bytes"),
            Map.entry("index.interval.bytes", "log.index.interval.bytes"),
            Map.entry("flush.messages", "log.flush.interval.messages"),
            Map.entry("flush.ms", "log.flush.interval.ms"),
            Map.entry("retention.ms", "log.retention.ms"),
            Map.entry("retention.bytes", "log.retention.bytes"),
            Map.entry("cleanup.policy", "log.cleanup.policy"),
            Map.entry("delete.retention.ms", "log.cleaner.delete.retention.ms"),
            Map.entry("min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio"),
            Map.entry("min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms"),
            Map.entry("max.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms"),
            Map.entry("file.delete.delay.ms", "log.segment.delete.delay.ms"),
            Map.entry("max.message.bytes", "message.max.bytes"),
            Map.entry("message.timestamp.type", "log.message.timestamp.type"),
            Map.entry("message.timestamp.before.max.ms", "log.message.timestamp.before.max.ms"),
            Map.entry("message.timestamp.after.max.ms", "log.message.timestamp.after.max.ms"));

    private static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("segment.bytes", "1073741824");
        d.put("segment.ms", "604800000");
        d.put("segment.jitter.ms", "0");
        d.put("segment.index.bytes", "10485760");
        d.put("index.interval.bytes", "4096");
        d.put("flush.messages", Long.toString(Long.MAX_VALUE));
        d.put("flush.ms", Long.toString(Long.MAX_VALUE));
        d.put("retention.ms", "604800000");
        d.put("retention.bytes", "-1");
        d.put("cleanup.policy", "delete");
        d.put("delete.retention.ms", "86400000");
        d.put("min.cleanable.dirty.ratio", "0.5");
        d.put("min.compaction.lag.ms", "0");
        d.put("max.compaction.lag.ms", Long.toString(Long.MAX_VALUE));
        d.put("file.delete.delay.ms", "60000");
        d.put("max.message.bytes", "1048588");
        d.put("message.timestamp.type", "CreateTime");
        d.put("message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE));
        d.put("message.timestamp.after.max.ms", "3600000");
        return Map.copyOf(d);
    }

    /** Kafka's default value of every topic-level key above, as a string. */
    public static Map<String, String> defaultValues() {
        return DEFAULTS;
    }

    /** The effective value of a topic-level key above as a string (lists comma-separated), or null for other keys. */
    public String value(String topicKey) {
        return switch (topicKey) {
            case "segment.bytes" -> Integer.toString(segmentBytes);
            case "segment.ms" -> Long.toString(segmentMs);
            case "segment.jitter.ms" -> Long.toString(segmentJitterMs);
            case "segment.index.bytes" -> Integer.toString(segmentIndexBytes);
            case "index.interval.bytes" -> Integer.toString(indexIntervalBytes);
            case "flush.messages" -> Long.toString(flushMessages);
            case "flush.ms" -> Long.toString(flushMs);
            case "retention.ms" -> Long.toString(retentionMs);
            case "retention.bytes" -> Long.toString(retentionBytes);
            case "cleanup.policy" -> String.join(",", new java.util.TreeSet<>(cleanupPolicy).descendingSet());
            case "delete.retention.ms" -> Long.toString(deleteRetentionMs);
            case "min.cleanable.dirty.ratio" -> Double.toString(minCleanableDirtyRatio);
            case "min.compaction.lag.ms" -> Long.toString(minCompactionLagMs);
            case "max.compaction.lag.ms" -> Long.toString(maxCompactionLagMs);
            case "file.delete.delay.ms" -> Long.toString(fileDeleteDelayMs);
            case "max.message.bytes" -> Integer.toString(maxMessageBytes);
            case "message.timestamp.type" -> logAppendTime ? "LogAppendTime" : "CreateTime";
            case "message.timestamp.before.max.ms" -> Long.toString(timestampBeforeMaxMs);
            case "message.timestamp.after.max.ms" -> Long.toString(timestampAfterMaxMs);
            default -> null;
        };
    }

    /** Kafka's defaults for every setting. */
    public static LogConfig defaultConfig() {
        return of(Map.of(), Map.of());
    }

    /**
     * The config for a topic: {@code topicOverrides} under topic-level keys win over {@code broker}
     * properties under broker-level keys (log.retention.hours/minutes and log.roll.hours included), which
     * win over Kafka's defaults.
     *
     * @throws ConfigException naming the key of the first invalid value
     */
    public static LogConfig of(Map<String, String> topicOverrides, Map<String, String> broker) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        brokerValue(broker, "log.roll.hours", 3_600_000L).ifPresent(ms -> v.put("segment.ms", ms));
        brokerValue(broker, "log.retention.hours", 3_600_000L).ifPresent(ms -> v.put("retention.ms", ms));
        brokerValue(broker, "log.retention.minutes", 60_000L).ifPresent(ms -> v.put("retention.ms", ms));
        BROKER_KEYS.forEach((topicKey, brokerKey) -> {
            if (broker.containsKey(brokerKey)) {
                v.put(topicKey, broker.get(brokerKey).trim());
            }
        });
        topicOverrides.forEach((key, value) -> {
            if (DEFAULTS.containsKey(key)) {
                v.put(key, value.trim());
            }
        });
        return new LogConfig(
                (int) longIn(v, "segment.bytes", 14, Integer.MAX_VALUE),
                longIn(v, "segment.ms", 1, Long.MAX_VALUE),
                longIn(v, "segment.jitter.ms", 0, Long.MAX_VALUE),
                (int) longIn(v, "segment.index.bytes", 8, Integer.MAX_VALUE),
                (int) longIn(v, "index.interval.bytes", 0, Integer.MAX_VALUE),
                longIn(v, "flush.messages", 1, Long.MAX_VALUE),
                longIn(v, "flush.ms", 0, Long.MAX_VALUE),
                longIn(v, "retention.ms", -1, Long.MAX_VALUE),
                longIn(v, "retention.bytes", -1, Long.MAX_VALUE),
                cleanupPolicy(v.get("cleanup.policy")),
                longIn(v, "delete.retention.ms", 0, Long.MAX_VALUE),
                ratio(v.get("min.cleanable.dirty.ratio")),
                longIn(v, "min.compaction.lag.ms", 0, Long.MAX_VALUE),
                longIn(v, "max.compaction.lag.ms", 1, Long.MAX_VALUE),
                longIn(v, "file.delete.delay.ms", 0, Long.MAX_VALUE),
                (int) longIn(v, "max.message.bytes", 0, Integer.MAX_VALUE),
                timestampType(v.get("message.timestamp.type")),
                longIn(v, "message.timestamp.before.max.ms", 0, Long.MAX_VALUE),
                longIn(v, "message.timestamp.after.max.ms", 0, Long.MAX_VALUE));
    }

    public boolean compact() {
        return cleanupPolicy.contains("compact");
    }

    public boolean delete() {
        return cleanupPolicy.contains("delete");
    }

    private static java.util.Optional<String> brokerValue(Map<String, String> broker, String key, long unitMs) {
        String value = broker.get(key);
        if (value == null) {
            return java.util.Optional.empty();
        }
        try {
            long n = Long.parseLong(value.trim());
            return java.util.Optional.of(Long.toString(n < 0 ? -1 : Math.multiplyExact(n, unitMs)));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(key, value, "not a valid number");
        }
    }

    private static long longIn(Map<String, String> values, String key, long min, long max) {
        String value = values.get(key);
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "not a number");
        }
        if (n < min || n > max) {
            throw new ConfigException(key, value, "must be between " + min + " and " + max);
        }
        return n;
    }

    private static Set<String> cleanupPolicy(String value) {
        Set<String> policies = new java.util.TreeSet<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            if (!List.of("delete", "compact").contains(p)) {
                throw new ConfigException("cleanup.policy", value, "must be a list of delete and compact");
            }
            policies.add(p);
        }
        return Set.copyOf(policies);
    }

    private static double ratio(String value) {
        try {
            double d = Double.parseDouble(value);
            if (d < 0 || d > 1) {
                throw new ConfigException("min.cleanable.dirty.ratio", value, "must be between 0 and 1");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException("min.cleanable.dirty.ratio", value, "not a number");
        }
    }

    private static boolean timestampType(String value) {
        return switch (value) {
            case "CreateTime" -> false;
            case "LogAppendTime" -> true;
            default -> throw new ConfigException("message.timestamp.type", value, "must be CreateTime or LogAppendTime");
        };
    }
}
