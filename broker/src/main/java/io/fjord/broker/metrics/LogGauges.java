package io.fjord.broker.metrics;

import io.fjord.log.PartitionLog;
import io.fjord.log.TopicPartition;
import io.fjord.metrics.BrokerMetrics;
import io.fjord.metrics.KafkaMetricName;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Kafka's per-partition log gauges, {@code kafka.log:type=Log,name=Size|NumLogSegments|LogStartOffset|LogEndOffset}
 * with tags {@code topic}, {@code partition}: a partition's four series exist while this node has its log.
 * {@link #sync} registers the series of logs that appeared and removes those of logs that are gone; each value is
 * read from the live log when a scrape or JMX read asks for it ({@code lookup}, NaN while the log is missing or its
 * directory is offline), so a log deleted and re-created between two syncs is read correctly.
 *
 * <p>Thread-safety: {@link #sync} and {@link #close} are called from one thread at a time (the refresh thread, then
 * close); the suppliers run on any scraping thread.
 */
final class LogGauges {
    static final String DOMAIN = "kafka.log";
    static final String TYPE = "Log";
    private static final List<String> NAMES = List.of("Size", "NumLogSegments", "LogStartOffset", "LogEndOffset");

    private final BrokerMetrics metrics;
    private final Function<TopicPartition, PartitionLog> lookup;
    private final Set<TopicPartition> registered = ConcurrentHashMap.newKeySet();

    /** {@code lookup} returns the live log of a partition, or null (it may throw when the log's dir is offline). */
    LogGauges(BrokerMetrics metrics, Function<TopicPartition, PartitionLog> lookup) {
        this.metrics = metrics;
        this.lookup = lookup;
    }

    static KafkaMetricName name(String name, TopicPartition tp) {
        return KafkaMetricName.of(DOMAIN, TYPE, name, "topic", tp.topic(), "partition", Integer.toString(tp.partition()));
    }

    /** Makes the registered series those of exactly {@code present}. */
    void sync(Collection<TopicPartition> present) {
        Set<TopicPartition> now = new HashSet<>(present);
        for (TopicPartition tp : now) {
            if (!registered.contains(tp)) {
                register(tp);
            }
        }
        for (TopicPartition tp : Set.copyOf(registered)) {
            if (!now.contains(tp)) {
                unregister(tp);
            }
        }
    }

    Set<TopicPartition> registered() {
        return Set.copyOf(registered);
    }

    private void register(TopicPartition tp) {
        metrics.gauge(name("Size", tp), () -> read(tp, PartitionLog::size));
        metrics.gauge(name("NumLogSegments", tp), () -> read(tp, log -> log.segments().size()));
        metrics.gauge(name("LogStartOffset", tp), () -> read(tp, PartitionLog::logStartOffset));
        metrics.gauge(name("LogEndOffset", tp), () -> read(tp, PartitionLog::logEndOffset));
        registered.add(tp);
    }

    private void unregister(TopicPartition tp) {
        registered.remove(tp);
        for (String n : NAMES) {
            metrics.remove(name(n, tp));
        }
    }

    private double read(TopicPartition tp, ToDoubleFunction<PartitionLog> value) {
        try {
            PartitionLog log = lookup.apply(tp);
            return log == null ? Double.NaN : value.applyAsDouble(log);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    void close() {
        for (TopicPartition tp : Set.copyOf(registered)) {
            unregister(tp);
        }
    }
}
