package io.fjord.metrics;

/**
 * Records durations in milliseconds. JMX: Kafka's Histogram attributes (Count, Min, Max, Mean, StdDev,
 * 50th/75th/95th/98th/99th/999thPercentile); Prometheus: a summary with those quantiles plus {@code _count},
 * {@code _sum} and a {@code _max} gauge.
 *
 * <p>Thread-safe; recording is lock-free.
 */
public interface KafkaTimer {
    void record(long millis);

    void recordNanos(long nanos);

    long count();
}
