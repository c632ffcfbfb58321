package io.fjord.metrics;

/**
 * Counts events. Prometheus: a counter {@code <name>_total}; JMX: Kafka's Meter attributes (Count, MeanRate,
 * OneMinuteRate, FiveMinuteRate, FifteenMinuteRate, RateUnit, EventType).
 *
 * <p>Thread-safe; {@link #mark()} is a contended-friendly increment (a {@code LongAdder}), safe on any hot path.
 */
public interface KafkaMeter {
    void mark();

    void mark(long n);

    long count();
}
