package io.fjord.metadata;

import io.fjord.log.ConfigException;
import io.fjord.log.LogConfig;
import io.fjord.protocol.ApiException;
import io.fjord.protocol.ErrorCode;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validation of topic-level configs as CreateTopics and AlterConfigs need it: a key must be one of Kafka's
 * topic config names, and values of the settings the log layer uses must parse and be in range
 * ({@link LogConfig}). Failures are INVALID_CONFIG naming the key. Stateless.
 */
public final class TopicConfigs {

    /** Kafka 4.1's topic-level config names. */
    public static final Set<String> NAMES;

    static {
        Set<String> names = new TreeSet<>(LogConfig.BROKER_KEYS.keySet());
        names.addAll(Set.of("compression.type", "compression.gzip.level", "compression.lz4.level",
                "compression.zstd.level", "follower.replication.throttled.replicas",
                "leader.replication.throttled.replicas", "local.retention.bytes", "local.retention.ms",
                "message.timestamp.after.max.ms", "message.timestamp.before.max.ms", "min.insync.replicas",
                "preallocate", "remote.storage.enable", "remote.log.copy.disable", "remote.log.delete.on.disable",
                "unclean.leader.election.enable"));
        NAMES = Set.copyOf(names);
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
        String minIsr = configs.get("min.insync.replicas");
        if (minIsr != null) {
            try {
                if (Integer.parseInt(minIsr.trim()) < 1) {
                    throw new ConfigException("min.insync.replicas", minIsr, "must be at least 1");
                }
            } catch (NumberFormatException ex) {
                throw new ConfigException("min.insync.replicas", minIsr, "not an integer");
            }
        }
        LogConfig.of(configs, Map.of());
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
