package io.fjord.coordinator;

/**
 * The broker settings the group coordinator obeys, with Kafka's keys and defaults:
 * {@code group.min.session.timeout.ms} (6000), {@code group.max.session.timeout.ms} (1800000),
 * {@code group.initial.rebalance.delay.ms} (3000), {@code group.max.size} (Integer.MAX_VALUE),
 * {@code offsets.topic.num.partitions} (50), {@code offsets.retention.minutes} (10080, here in ms),
 * {@code offsets.retention.check.interval.ms} (600000) and {@code offset.metadata.max.bytes} (4096). Immutable.
 */
public record GroupCoordinatorConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                                     int maxSize, int offsetsTopicNumPartitions, long offsetsRetentionMs,
                                     long offsetsRetentionCheckIntervalMs, int offsetMetadataMaxBytes) {
    public static final GroupCoordinatorConfig DEFAULTS = new GroupCoordinatorConfig(6000, 1_800_000, 3000,
            Integer.MAX_VALUE, 50, 10080L * 60_000, 600_000, 4096);

    public GroupCoordinatorConfig {
        if (minSessionTimeoutMs < 0 || maxSessionTimeoutMs < minSessionTimeoutMs || initialRebalanceDelayMs < 0
                || maxSize < 1 || offsetsTopicNumPartitions < 1 || offsetsRetentionMs < 1
                || offsetsRetentionCheckIntervalMs < 1 || offsetMetadataMaxBytes < 0) {
            throw new IllegalArgumentException("invalid group coordinator config " + this);
        }
    }

    /** The membership settings with the other settings at their defaults. */
    public GroupCoordinatorConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                                  int maxSize) {
        this(minSessionTimeoutMs, maxSessionTimeoutMs, initialRebalanceDelayMs, maxSize, 50, 10080L * 60_000,
                600_000, 4096);
    }
}
