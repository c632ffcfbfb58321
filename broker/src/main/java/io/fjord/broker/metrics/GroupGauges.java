package io.fjord.broker.metrics;

import io.fjord.coordinator.GroupCounts;
import io.fjord.coordinator.GroupState;
import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.KafkaMetricName;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The group coordinator's gauges, with both of Kafka's names: the classic
 * {@code kafka.coordinator.group:type=GroupMetadataManager} NumGroups, NumOffsets, NumGroupsEmpty, NumGroupsStable,
 * NumGroupsPreparingRebalance, NumGroupsCompletingRebalance, NumGroupsDead, and the newer coordinator's
 * {@code kafka.server:type=group-coordinator-metrics} group-count {protocol=classic}, classic-group-count {state}
 * and offset-count. Every group here is a classic group.
 *
 * <p>Values come from the coordinator's {@code groupCounts()} (one pass under its lock); the counts are kept for
 * {@link #MAX_AGE_NANOS} so that one scrape reading all fourteen gauges takes the lock once.
 *
 * <p>Thread-safety: suppliers run on any scraping thread; the cached counts are published through a volatile field.
 */
final class GroupGauges {
    static final long MAX_AGE_NANOS = 500_000_000L;

    private record Cached(GroupCounts counts, long atNanos) {
    }

    private final BrokerMetrics metrics;
    private final Supplier<GroupCounts> counts;
    private final LongSupplier nanoTime;
    private final List<KafkaMetricName> names = new ArrayList<>();
    private volatile Cached cached;

    GroupGauges(BrokerMetrics metrics, Supplier<GroupCounts> counts, LongSupplier nanoTime) {
        this.metrics = metrics;
        this.counts = counts;
        this.nanoTime = nanoTime;
        String gmm = "kafka.coordinator.group";
        register(KafkaMetricName.of(gmm, "GroupMetadataManager", "NumGroups"), GroupCounts::groups);
        register(KafkaMetricName.of(gmm, "GroupMetadataManager", "NumOffsets"), GroupCounts::offsets);
        register(KafkaMetricName.of("kafka.server", "group-coordinator-metrics", "group-count", "protocol", "classic"),
                GroupCounts::groups);
        register(KafkaMetricName.of("kafka.server", "group-coordinator-metrics", "offset-count"), GroupCounts::offsets);
        for (GroupState state : GroupState.values()) {
            register(KafkaMetricName.of(gmm, "GroupMetadataManager", "NumGroups" + state.kafkaName()),
                    c -> c.inState(state));
            register(KafkaMetricName.of("kafka.server", "group-coordinator-metrics", "classic-group-count",
                    "state", state.kafkaName()), c -> c.inState(state));
        }
    }

    private void register(KafkaMetricName name, ToIntFunction<GroupCounts> value) {
        metrics.gauge(name, () -> {
            GroupCounts c = current();
            return c == null ? Double.NaN : value.applyAsInt(c);
        });
        names.add(name);
    }

    private GroupCounts current() {
        long now = nanoTime.getAsLong();
        Cached c = cached;
        if (c == null || now - c.atNanos() > MAX_AGE_NANOS) {
            try {
                c = new Cached(counts.get(), now);
            } catch (RuntimeException e) {
                return null;
            }
            cached = c;
        }
        return c.counts();
    }

    List<KafkaMetricName> names() {
        return List.copyOf(names);
    }

    void close() {
        names.forEach(metrics::remove);
    }
}
