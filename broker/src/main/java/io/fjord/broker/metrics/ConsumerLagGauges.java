package io.fjord.broker.metrics;

import io.fjord.coordinator.TopicPartitionRef;
import io.fjord.log.TopicPartition;
import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.KafkaMetricName;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Consumer lag, natively (Kafka needs a separate exporter for it): for every group with committed offsets, per
 * topic partition, {@code kafka.server:type=ConsumerLag,name=CommittedOffset} and {@code name=Lag} with tags
 * {@code group}, {@code topic}, {@code partition} (Prometheus {@code kafka_consumergroup_current_offset} and
 * {@code kafka_consumergroup_lag} with label {@code consumergroup}, kafka_exporter's names). Lag is the partition's
 * high watermark (on one node its log end offset, which {@code highWatermark} returns) minus the committed offset,
 * never negative; a partition whose log is not on this node has no Lag series, only CommittedOffset.
 *
 * <p>{@link #refresh} takes a copy of the committed offsets (the coordinator's {@code committedOffsets()}), registers
 * the series of new (group, partition) pairs and removes those of deleted groups and offsets; the committed values
 * read between two refreshes are those of the last copy, the high watermark is read live at each scrape.
 *
 * <p>Thread-safety: {@link #refresh} and {@link #close} are called from one thread at a time; suppliers run on any
 * scraping thread and read the copy through a volatile field.
 */
final class ConsumerLagGauges {
    static final String DOMAIN = "kafka.server";
    static final String TYPE = "ConsumerLag";

    /** One committed position: group and partition. */
    record Key(String group, String topic, int partition) {
    }

    private final BrokerMetrics metrics;
    private final Supplier<Map<String, Map<TopicPartitionRef, Long>>> committedOffsets;
    private final Function<TopicPartition, OptionalLong> highWatermark;
    private volatile Map<Key, Long> committed = Map.of();
    /** Registered series: the key and whether its Lag series exists (the log was here when it was registered). */
    private final Map<Key, Boolean> registered = new HashMap<>();

    /**
     * @param committedOffsets a copy of every live group's committed offsets, by group and partition
     * @param highWatermark    the high watermark of a partition whose log is on this node, else empty
     */
    ConsumerLagGauges(BrokerMetrics metrics, Supplier<Map<String, Map<TopicPartitionRef, Long>>> committedOffsets,
                      Function<TopicPartition, OptionalLong> highWatermark) {
        this.metrics = metrics;
        this.committedOffsets = committedOffsets;
        this.highWatermark = highWatermark;
    }

    static KafkaMetricName name(String name, Key key) {
        return KafkaMetricName.of(DOMAIN, TYPE, name, "group", key.group(), "topic", key.topic(), "partition",
                Integer.toString(key.partition()));
    }

    synchronized void refresh() {
        Map<Key, Long> now = new HashMap<>();
        committedOffsets.get().forEach((group, offsets) -> offsets.forEach((tp, offset) ->
                now.put(new Key(group, tp.topic(), tp.partition()), offset)));
        committed = now;
        for (Key key : now.keySet()) {
            boolean local = highWatermark.apply(new TopicPartition(key.topic(), key.partition())).isPresent();
            Boolean hasLag = registered.get(key);
            if (hasLag == null) {
                metrics.gauge(name("CommittedOffset", key), () -> committedOf(key));
            }
            if (local && !Boolean.TRUE.equals(hasLag)) {
                metrics.gauge(name("Lag", key), () -> lagOf(key));
            } else if (!local && Boolean.TRUE.equals(hasLag)) {
                metrics.remove(name("Lag", key));
            }
            registered.put(key, local);
        }
        for (Key key : Map.copyOf(registered).keySet()) {
            if (!now.containsKey(key)) {
                unregister(key);
            }
        }
    }

    private double committedOf(Key key) {
        Long offset = committed.get(key);
        return offset == null ? Double.NaN : offset;
    }

    private double lagOf(Key key) {
        Long offset = committed.get(key);
        if (offset == null) {
            return Double.NaN;
        }
        OptionalLong hw;
        try {
            hw = highWatermark.apply(new TopicPartition(key.topic(), key.partition()));
        } catch (RuntimeException e) {
            return Double.NaN;
        }
        return hw.isEmpty() ? Double.NaN : Math.max(0, hw.getAsLong() - offset);
    }

    private void unregister(Key key) {
        registered.remove(key);
        metrics.remove(name("CommittedOffset", key));
        metrics.remove(name("Lag", key));
    }

    synchronized int seriesKeys() {
        return registered.size();
    }

    synchronized void close() {
        for (Key key : Map.copyOf(registered).keySet()) {
            unregister(key);
        }
        committed = Map.of();
    }
}
