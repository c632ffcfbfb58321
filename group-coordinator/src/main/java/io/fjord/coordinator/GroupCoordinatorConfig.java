package io.fjord.coordinator;

/**
 * The broker settings the classic group protocol obeys, with Kafka's keys and defaults:
 * {@code group.min.session.timeout.ms} (6000), {@code group.max.session.timeout.ms} (1800000),
 * {@code group.initial.rebalance.delay.ms} (3000) and {@code group.max.size} (Integer.MAX_VALUE). Immutable.
 */
public record GroupCoordinatorConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                                     int maxSize) {
    public static final GroupCoordinatorConfig DEFAULTS = new GroupCoordinatorConfig(6000, 1_800_000, 3000, Integer.MAX_VALUE);

    public GroupCoordinatorConfig {
        if (minSessionTimeoutMs < 0 || maxSessionTimeoutMs < minSessionTimeoutMs || initialRebalanceDelayMs < 0 || maxSize < 1) {
            throw new IllegalArgumentException("invalid group coordinator config " + minSessionTimeoutMs + "/"
                    + maxSessionTimeoutMs + "/" + initialRebalanceDelayMs + "/" + maxSize);
        }
    }
}
