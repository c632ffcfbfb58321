package io.fjord.metadata;

import io.fjord.log.ConfigException;
import io.fjord.log.LogConfig;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Validation of topic-level configs as CreateTopics and AlterConfigs need it: a key must be one of Kafka's
 * topic config names, and values of the settings the log layer uses must parse and be in range
 * ({@link LogConfig}). Failures are INVALID_CONFIG naming the key. Stateless.
 */
public final class TopicConfigs {

    /** Kafka's config value types with their DescribeConfigs wire ids. */
    public enum Type {
        BOOLEAN(1), STRING(2), INT(3), SHORT(4), LONG(5), DOUBLE(6), LIST(7), CLASS(8), PASSWORD(9);

        private final byte id;

        Type(int id) {
            this.id = (byte) id;
        }

        public byte id() {
            return id;
        }
    }

    /**
     * One topic-level config: its type, Kafka's default, the broker-level keys that supply a topic's default
     * (in Kafka's synonym order: the most precise unit first) and a one-line description.
     */
    public record Definition(String name, Type type, String defaultValue, List<String> brokerSynonyms,
                             String documentation) {
    }

    /** Every topic-level config of Kafka 4.1, by name. */
    public static final Map<String, Definition> DEFINITIONS = definitions();

    /** Kafka 4.1's topic-level config names. */
    public static final Set<String> NAMES = Set.copyOf(DEFINITIONS.keySet());

    private static Map<String, Definition> definitions() {
        Map<String, String> log = LogConfig.defaultValues();
        Map<String, Definition> d = new TreeMap<>();
        def(d, "cleanup.policy", Type.LIST, log, List.of("log.cleanup.policy"),
                "How old segments are discarded: delete (by retention), compact (latest value per key), or both.");
        def(d, "compression.type", Type.STRING, "producer", List.of("compression.type"),
                "The codec stored batches use: producer keeps the producer's, else uncompressed, gzip, snappy, lz4 or zstd.");
        def(d, "compression.gzip.level", Type.INT, "-1", List.of("compression.gzip.level"),
                "Level used when the broker compresses with gzip.");
        def(d, "compression.lz4.level", Type.INT, "9", List.of("compression.lz4.level"),
                "Level used when the broker compresses with lz4.");
        def(d, "compression.zstd.level", Type.INT, "3", List.of("compression.zstd.level"),
                "Level used when the broker compresses with zstd.");
        def(d, "delete.retention.ms", Type.LONG, log, List.of("log.cleaner.delete.retention.ms"),
                "How long tombstones stay in a compacted log after cleaning reached them.");
        def(d, "file.delete.delay.ms", Type.LONG, log, List.of("log.segment.delete.delay.ms"),
                "Delay before the files of a deleted segment are removed from disk.");
        def(d, "flush.messages", Type.LONG, log, List.of("log.flush.interval.messages"),
                "Force an fsync after this many messages.");
        def(d, "flush.ms", Type.LONG, log, List.of("log.flush.interval.ms", "log.flush.scheduler.interval.ms"),
                "Force an fsync when the last one is this old.");
        def(d, "follower.replication.throttled.replicas", Type.LIST, "", List.of(),
                "Replicas whose follower fetches are throttled (partition:broker pairs or *).");
        def(d, "index.interval.bytes", Type.INT, log, List.of("log.index.interval.bytes"),
                "Bytes of log between two offset index entries.");
        def(d, "leader.replication.throttled.replicas", Type.LIST, "", List.of(),
                "Replicas whose leader side of replication is throttled (partition:broker pairs or *).");
        def(d, "local.retention.bytes", Type.LONG, "-2", List.of("log.local.retention.bytes"),
                "With tiered storage, bytes kept locally; -2 means retention.bytes.");
        def(d, "local.retention.ms", Type.LONG, "-2", List.of("log.local.retention.ms"),
                "With tiered storage, time kept locally; -2 means retention.ms.");
        def(d, "max.compaction.lag.ms", Type.LONG, log, List.of("log.cleaner.max.compaction.lag.ms"),
                "Longest time a message stays uncompacted.");
        def(d, "max.message.bytes", Type.INT, log, List.of("message.max.bytes"),
                "Largest record batch the topic accepts.");
        def(d, "message.timestamp.after.max.ms", Type.LONG, "3600000", List.of("log.message.timestamp.after.max.ms"),
                "How far in the future of the broker's clock a CreateTime timestamp may be.");
        def(d, "message.timestamp.before.max.ms", Type.LONG, Long.toString(Long.MAX_VALUE),
                List.of("log.message.timestamp.before.max.ms"),
                "How far in the past of the broker's clock a CreateTime timestamp may be.");
        def(d, "message.timestamp.type", Type.STRING, log, List.of("log.message.timestamp.type"),
                "CreateTime keeps the producer's timestamps, LogAppendTime stamps batches with the broker's clock.");
        def(d, "min.cleanable.dirty.ratio", Type.DOUBLE, log, List.of("log.cleaner.min.cleanable.ratio"),
                "Share of uncleaned log above which the cleaner compacts the log.");
        def(d, "min.compaction.lag.ms", Type.LONG, log, List.of("log.cleaner.min.compaction.lag.ms"),
                "Shortest time a message stays uncompacted.");
        def(d, "min.insync.replicas", Type.INT, "1", List.of("min.insync.replicas"),
                "Fewest in-sync replicas an acks=all produce needs.");
        def(d, "preallocate", Type.BOOLEAN, "false", List.of("log.preallocate"),
                "Preallocate the file of a new segment.");
        def(d, "remote.log.copy.disable", Type.BOOLEAN, "false", List.of(),
                "Stop copying segments to tiered storage.");
        def(d, "remote.log.delete.on.disable", Type.BOOLEAN, "false", List.of(),
                "Delete tiered data when tiered storage is turned off for the topic.");
        def(d, "remote.storage.enable", Type.BOOLEAN, "false", List.of(),
                "Copy the topic's segments to tiered storage.");
        def(d, "retention.bytes", Type.LONG, log, List.of("log.retention.bytes"),
                "Largest size a partition may grow to before old segments are deleted; -1 is unlimited.");
        def(d, "retention.ms", Type.LONG, log, List.of("log.retention.ms", "log.retention.minutes", "log.retention.hours"),
                "How long a segment is kept before it is deleted; -1 keeps it forever.");
        def(d, "segment.bytes", Type.INT, log, List.of("log.segment.bytes"),
                "Size at which a new segment is rolled.");
        def(d, "segment.index.bytes", Type.INT, log, List.of("log.index.size.max.bytes"),
                "Size of each segment's offset and time index files.");
        def(d, "segment.jitter.ms", Type.LONG, log, List.of("log.roll.jitter.ms", "log.roll.jitter.hours"),
                "Largest random amount taken off segment.ms, so segments do not all roll together.");
        def(d, "segment.ms", Type.LONG, log, List.of("log.roll.ms", "log.roll.hours"),
                "Age at which a segment is rolled even if not full.");
        def(d, "unclean.leader.election.enable", Type.BOOLEAN, "false", List.of("unclean.leader.election.enable"),
                "Allow a replica outside the ISR to become leader, at the risk of losing data.");
        return java.util.Collections.unmodifiableMap(d);
    }

    private static void def(Map<String, Definition> d, String name, Type type, Map<String, String> defaults,
                            List<String> synonyms, String doc) {
        def(d, name, type, defaults.get(name), synonyms, doc);
    }

    private static void def(Map<String, Definition> d, String name, Type type, String defaultValue,
                            List<String> synonyms, String doc) {
        d.put(name, new Definition(name, type, defaultValue, synonyms, doc));
    }

    private TopicConfigs() {
    }

    /** Validates the complete set of a topic's configs (after applying any change). */
    public static void validate(Map<String, String> configs) {
        for (Map.Entry<String, String> e : configs.entrySet()) {
            if (!NAMES.contains(e.getKey())) {
                throw new ApiException(ErrorCode.INVALID_CONFIG, "Unknown topic config name: " + e.getKey());
            }
            if (e.getValue() == null) {
                throw new ApiException(ErrorCode.INVALID_CONFIG, "Null value for topic config " + e.getKey());
            }
        }
        for (Map.Entry<String, String> e : configs.entrySet()) {
            checkType(DEFINITIONS.get(e.getKey()), e.getValue().trim());
        }
        String minIsr = configs.get("min.insync.replicas");
        if (minIsr != null && Integer.parseInt(minIsr.trim()) < 1) {
            throw new ConfigException("min.insync.replicas", minIsr, "Value must be at least 1");
        }
        String segmentBytes = configs.get("segment.bytes");
        if (segmentBytes != null && Long.parseLong(segmentBytes.trim()) < MIN_SEGMENT_BYTES) {
            throw new ConfigException("segment.bytes", segmentBytes, "Value must be at least " + MIN_SEGMENT_BYTES);
        }
        String compression = configs.get("compression.type");
        if (compression != null && !COMPRESSION_TYPES.contains(compression.trim())) {
            throw new ConfigException("compression.type", compression, "String must be one of: " + COMPRESSION_TYPES);
        }
        for (String key : List.of("local.retention.bytes", "local.retention.ms")) {
            String v = configs.get(key);
            if (v != null && Long.parseLong(v.trim()) < -2) {
                throw new ConfigException(key, v, "Value must be at least -2");
            }
        }
        LogConfig.of(configs, Map.of());
    }

    /**
     * Kafka 4's smallest segment.bytes / log.segment.bytes an operator may set (KIP-1030); the log layer itself
     * accepts smaller segments, which its tests use.
     */
    public static final long MIN_SEGMENT_BYTES = 1024 * 1024;

    private static final List<String> COMPRESSION_TYPES =
            List.of("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer");

    private static void checkType(Definition def, String value) {
        try {
            switch (def.type()) {
                case INT -> Integer.parseInt(value);
                case LONG -> Long.parseLong(value);
                case DOUBLE -> Double.parseDouble(value);
                case BOOLEAN -> {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw new ConfigException(def.name(), value, "Expected value to be either true or false");
                    }
                }
                default -> {
                }
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(def.name(), value, "Not a number of type " + def.type());
        }
    }

    /** {@code current} with {@code changes} applied (a null value deletes the key). */
    public static Map<String, String> merge(Map<String, String> current, Map<String, String> changes) {
        Map<String, String> merged = new HashMap<>(current);
        changes.forEach((k, v) -> {
            if (v == null) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        return merged;
    }
}
